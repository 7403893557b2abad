"""Making untrusted text (file names, source lines, messages quoting code) safe to print.

A file may be named ``evil\\n::warning file=x.py::INJECTED.py``: printed as is, the line break
starts a GitHub workflow command; ESC and OSC sequences drive the terminal; U+202E reverses what
follows (Trojan Source). Every human-readable output escapes such characters the way Python's
``repr`` does (``\\n``, ``\\x1b``, ``\\u202e``). Tabs are left alone: they cannot start a line.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL and C1 controls, the line and paragraph separators, and the
# bidirectional formatting characters.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\x0b": "\\x0b", "\x0c": "\\x0c"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control and bidirectional formatting characters escaped."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
