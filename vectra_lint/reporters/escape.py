"""Making untrusted text (file names, source lines, messages quoting code) safe to print.

A file may be named ``evil\\n::warning file=x.py::INJECTED.py``: printed as is, the line break
starts a GitHub workflow command; ESC and OSC sequences drive the terminal; U+202E reverses what
follows (Trojan Source). Every human-readable output escapes such characters the way Python's
``repr`` does (``\\n``, ``\\x1b``, ``\\u202e``). Tabs are left alone: they cannot start a line.
A line that would start with ``::`` (a file named ``::error title=X::y.py``) has its first colon
escaped (``\\x3a``): GitHub's runner reads any such line as a command.

A file name that is not UTF-8 reaches Python with its odd bytes as lone surrogates
(``surrogateescape``); they are shown as ``\\xNN``, so that every output is valid UTF-8.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL and C1 controls, the line and paragraph separators, the
# bidirectional formatting characters, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The runner trims any Unicode whitespace before it looks for "::".
_COMMAND = re.compile(r"^(\s*):(?=:)")
_SHORT = {"\n": "\\n", "\r": "\\r", "\x0b": "\\x0b", "\x0c": "\\x0c"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a name that is not UTF-8
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control and bidirectional formatting characters escaped, and no ``::`` at its start."""
    # Every character _UNSAFE matches is one str.isprintable refuses: most text (a source line, a
    # message) skips the regular expressions, which took a third of a long text report's time.
    if not text.isprintable() and _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
    if "::" in text and _COMMAND.match(text):
        text = _COMMAND.sub(r"\1\\x3a", text, count=1)
    return text


def valid_text(text: str) -> str:
    """``text`` that any UTF-8 output can carry: lone surrogates (the bytes of a file name that is
    not UTF-8) shown as ``\\xNN``, everything else as it is (for machine-readable formats)."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text
