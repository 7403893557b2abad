"""JSON-RPC over a byte stream with LSP's framing (``Content-Length: N`` headers, a blank line, N
bytes of JSON), read so that a broken frame costs that frame only.

A header whose length is not a number, or is beyond any real message, and a length that runs past
the body into the next frame, are reported (the server answers a parse error) and reading
resumes at the next frame: the start of a header block, ``Content-Length: <digits>`` then CR LF,
cannot occur inside a JSON body (a raw CR or LF is only whitespace between tokens there, never
next to a bare word), so it is a safe place to resume.
"""

from __future__ import annotations

import json
import os
import re
import select
import threading
from dataclasses import dataclass
from typing import BinaryIO

MAX_BODY = 256 * 1024 * 1024
"""A length beyond this is a broken header, not a message (a whole repository is smaller)."""
_MAX_HEADERS = 64 * 1024
_HEADER_END = b"\r\n\r\n"
_FRAME_START = re.compile(rb"Content-Length:[ \t]*[0-9]+[ \t]*\r\n", re.IGNORECASE)
_LENGTH = re.compile(rb"[ \t]*([0-9]+)[ \t]*")
_QUIET = 1.0
"""Seconds without more bytes after which a body that is already complete JSON is taken to have
been announced too long (the client waits for the answer and sends nothing more)."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002


@dataclass(frozen=True)
class Broken:
    """A frame that could not be read as announced: what was wrong, and the request id if the
    bytes still named one (so that the client's request gets its error answer)."""

    problem: str
    request_id: int | str | None = None


class FrameReader:
    """Frames from a file descriptor: each body's bytes, or a :class:`Broken` for a bad frame."""

    def __init__(self, fd: int) -> None:
        """Read from ``fd`` (standard input's, for a server over stdio)."""
        self.fd = fd
        self.buffer = bytearray()
        self.closed = False
        self.skipping = False
        """A broken frame's bytes are being dropped up to the next frame."""

    def _fill(self, timeout: float | None = None) -> bool:
        """Read what is there (waiting at most ``timeout`` seconds); False if nothing came."""
        if self.closed:
            return False
        if timeout is not None:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def read(self) -> bytes | Broken | None:
        """The next frame's body, a :class:`Broken` frame, or None at the end of the stream."""
        if self.skipping and not self._resync():
            return None
        while True:
            end = self.buffer.find(_HEADER_END)
            if end >= 0:
                return self._frame(end)
            if len(self.buffer) > _MAX_HEADERS:
                return self._skip(len(self.buffer), "a header block with no end")
            if not self._fill():
                return None

    def has_frame(self) -> bool:
        """Whether the bytes already read hold the start of another frame (read it without waiting
        for the client: a burst of messages is handled as one batch)."""
        return not self.closed and not self.skipping and _HEADER_END in self.buffer

    def pending(self) -> bool:
        """Whether bytes the client sent wait to be read (the rest of a burst the pipe delivers in
        pieces): read them without waiting too."""
        if self.closed or self.skipping or os.name == "nt":  # select takes sockets only on Windows
            return False
        ready, _, _ = select.select([self.fd], [], [], 0)
        return bool(ready)

    def _frame(self, end: int) -> bytes | Broken:
        headers = bytes(self.buffer[:end])
        if not headers.lower().startswith(b"content-"):
            # Bytes before a header: the tail of a frame announced too short, or noise.
            found = _FRAME_START.search(self.buffer, 0, end + 2)
            junk = bytes(self.buffer[: found.start() if found is not None else end + 4])
            return self._skip(0, f"unexpected bytes before a header: {junk[:40]!r}")
        length: int | None = None
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                match = _LENGTH.fullmatch(value)
                if match is None:
                    return self._skip(end + 4, f"Content-Length is not a number: {value.strip()[:40]!r}")
                length = int(match.group(1))
        if length is None:
            return self._skip(end + 4, "a header block without Content-Length")
        if length > MAX_BODY:
            return self._skip(end + 4, f"Content-Length {length} is larger than any message")
        start = searched = end + 4
        while len(self.buffer) < start + length:
            next_frame = _FRAME_START.search(self.buffer, searched)
            # What was searched is not searched again (a header cut by a read is found whole next time).
            searched = max(start, len(self.buffer) - 64)
            if next_frame is not None:
                # The announced length runs into the next frame's header.
                return self._too_long(start, next_frame.start(), length)
            if not self._fill(_QUIET):
                if self.closed or _is_json(self.buffer[start:]):
                    return self._too_long(start, len(self.buffer), length)
        body = bytes(self.buffer[start : start + length])
        del self.buffer[: start + length]
        return body

    def _too_long(self, start: int, stop: int, length: int) -> Broken:
        body = bytes(self.buffer[start:stop])
        del self.buffer[:stop]
        return Broken(f"Content-Length {length} but the body has {len(body)} bytes", _request_id(body))

    def _skip(self, start: int, problem: str) -> Broken:
        """Drop what is before the next frame (searched from ``start``); without one yet, drop
        what there is and go on dropping at the next reads until one starts."""
        found = _FRAME_START.search(self.buffer, start)
        if found is not None:
            del self.buffer[: found.start()]
        else:
            del self.buffer[:start]
            self.skipping = True
        return Broken(problem)

    def _resync(self) -> bool:
        """Drop bytes up to the next frame's start; False if the stream ended first."""
        while True:
            found = _FRAME_START.search(self.buffer)
            if found is not None:
                del self.buffer[: found.start()]
                self.skipping = False
                return True
            # Keep a tail that may be the start of a header cut by the read.
            del self.buffer[: max(0, len(self.buffer) - 64)]
            if not self._fill():
                return False


def _is_json(data: bytearray) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _request_id(body: bytes) -> int | str | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    found = message.get("id") if isinstance(message, dict) else None
    return found if isinstance(found, (int, str)) and not isinstance(found, bool) else None


class Writer:
    """Frames written to a binary stream, one at a time whichever thread writes."""

    def __init__(self, stream: BinaryIO) -> None:
        """Write to ``stream`` (the process's real standard output)."""
        self.stream = stream
        self.lock = threading.Lock()

    def send(self, message: dict[str, object]) -> None:
        """Write one JSON-RPC message."""
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False, separators=(",", ":")).encode()
        with self.lock:
            self.stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self.stream.flush()
