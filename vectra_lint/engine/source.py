"""Source bytes to text and back, as Python reads them (BOM, PEP 263 coding cookie, else UTF-8)."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class Decoded:
    """A file's text and what is needed to write it back byte for byte in the same form."""

    text: str
    encoding: str
    bom: bool


class DecodeError(Exception):
    """The bytes are not text in the declared encoding (or not text at all)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        """Describe the problem, at the 1-based line and column of the offending byte."""
        super().__init__(message)
        self.line = line
        self.column = column


def decode(data: bytes) -> Decoded:
    """Decode source bytes as Python does (BOM, PEP 263 coding cookie, else UTF-8)."""
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "encoding" not in str(error) or b"coding" in data[:200]:
            raise DecodeError(str(error)) from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say where
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    python_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(python_encoding)
    except UnicodeDecodeError as error:
        line_start = body.rfind(b"\n", 0, error.start) + 1
        line = body.count(b"\n", 0, error.start) + 1
        column = len(body[line_start : error.start].decode(python_encoding, errors="replace")) + 1
        raise DecodeError(
            f"file is not valid {python_encoding.upper()}: byte 0x{body[error.start]:02x} at {line}:{column} cannot "
            "be decoded; re-encode the file or declare its encoding",
            line,
            column,
        ) from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r} declared in the coding cookie") from None
    return Decoded(text, python_encoding, bom)


def encode(decoded: Decoded, text: str) -> bytes:
    """The bytes of ``text`` in the same encoding and BOM as the file it came from."""
    return (codecs.BOM_UTF8 if decoded.bom else b"") + text.encode(decoded.encoding)
