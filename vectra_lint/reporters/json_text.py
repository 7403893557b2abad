"""JSON text exactly as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, built fast.

With ``indent``, the standard library encodes in Python, not in C: for Django's 31k diagnostics
that took a tenth of a whole run. The formats that write one object per diagnostic (JSON, SARIF,
GitLab) write those objects from templates at depth 0 instead, escaping each string with the C
function ``json.dumps`` uses (``string``), and place them with ``array``; what is written once
per run (a SARIF log's rules) still goes through ``json.dumps``. Their tests compare the output
with ``json.dumps`` of the same objects, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

string: Callable[[str], str] = json.encoder.encode_basestring
"""A JSON string literal of ``text``, escaped as ``json.dumps(ensure_ascii=False)`` escapes it."""


# Any: JSON values nest arbitrarily (objects, arrays, scalars).
def dumps(value: Any) -> str:
    """``value`` as the formats write it."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def array(items: Sequence[str], depth: int = 0) -> str:
    """The JSON array of ``items`` (each written at depth 0) for a place ``depth`` levels deep.

    A value nested ``depth`` levels deep is what ``json.dumps`` writes for it alone with each line
    after the first indented by two spaces per level: a JSON text holds no raw line break but
    between its lines, so one ``replace`` indents every item at once.
    """
    if not items:
        return "[]"
    inner = "\n" + "  " * (depth + 1)
    return "[" + inner + ",\n".join(items).replace("\n", inner) + "\n" + "  " * depth + "]"


CHUNK = 1024
"""Items written at a time by ``write_array``: a few hundred kilobytes, where one string of a
whole report (tens of megabytes) took twice as long to join, indent, encode and write."""


def write_array(write: Callable[[str], object], items: Iterable[str], depth: int = 0) -> None:
    """Write what ``array(list(items), depth)`` returns with ``write``, a chunk of items at a time
    (items made as they are written stay in the processor's caches)."""
    inner = "\n" + "  " * (depth + 1)
    pending = iter(items)
    chunk = list(islice(pending, CHUNK))
    if not chunk:
        write("[]")
        return
    write("[" + inner)
    while chunk:
        write(",\n".join(chunk).replace("\n", inner))
        chunk = list(islice(pending, CHUNK))
        if chunk:
            write("," + inner)
    write("\n" + "  " * depth + "]")


def position(line: int, column: int, pad: str) -> str:
    """``{"line": line, "column": column}`` on a line indented by ``pad``."""
    return f'{{\n{pad}  "line": {line},\n{pad}  "column": {column}\n{pad}}}'
