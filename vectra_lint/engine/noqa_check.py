"""Warnings about ``# noqa`` comments that do not say what their author meant.

``# noqa VL401`` (no colon) is a bare ``# noqa``: it silences every code on its line. ``# noqa: VL4``
names no rule (noqa takes whole codes), and ``# noqa: VL999`` an unknown one: both suppress nothing.
Ruff warns about the same mistakes.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection

from vectra_lint.engine import noqa

_OURS = re.compile(r"^VL[0-9]*$")
_RUFF_STYLE = re.compile(r"^[EW][0-9]*$")


def problems(text: str, known: Collection[str]) -> list[tuple[int, str]]:
    """(line, what is wrong) for each misleading ``# noqa`` comment in ``text``.

    ``known`` are our rule codes; codes of other tools (``F401``, ``B008``) are theirs to judge,
    except Ruff's E/W ones, which vectra-lint runs itself and must be whole codes.
    """
    # Tokenizing costs about a fifth of linting the file, and most directives are fine: first
    # judge the text from each raw noqa marker to the end of its line. A comment's first directive
    # is one of these, judged the same way, so when none of them is a problem no comment is.
    if not any(
        _problem(text[match.start() : _line_end(text, match.end())], known) for match in noqa.ANY_NOQA.finditer(text)
    ):
        return []
    found: list[tuple[int, str]] = []
    for line, comment in _comments(text):
        message = _problem(comment, known)
        if message is not None:
            found.append((line, message))
    return found


def _line_end(text: str, start: int) -> int:
    ends = [end for end in (text.find("\n", start), text.find("\r", start)) if end >= 0]
    return min(ends) if ends else len(text)


def _comments(text: str) -> list[tuple[int, str]]:
    # Only real comments: a string that happens to read like a directive is none.
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [(token.start[0], token.string) for token in tokens if token.type == tokenize.COMMENT]


def _problem(comment: str, known: Collection[str]) -> str | None:
    if noqa.ANY_NOQA.search(comment) is None or noqa.names_tool(comment):
        return None
    parsed = noqa.parse_comment(comment)
    if parsed is None:
        return None
    codes = parsed[0]
    if not codes:
        if noqa.missing_colon(comment):
            return (
                "expected `:` after `noqa`, followed by codes (e.g. `# noqa: VL401, E501`); "
                "as written it silences every code on the line"
            )
        return None
    for code in codes:
        if _OURS.match(code) and code not in known:
            if len(code) < 5:
                return f"`{code}` is not a rule code (`# noqa` takes whole codes, e.g. `VL401`); it suppresses nothing"
            return f"unknown rule code `{code}`; it suppresses nothing"
        if _RUFF_STYLE.match(code) and len(code) < 4:
            return f"`{code}` is not a rule code (`# noqa` takes whole codes, e.g. `E501`); it suppresses nothing"
    return None
