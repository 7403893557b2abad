"""VL001 syntax-error."""

from __future__ import annotations

from vectra_lint.rule import Expect, Invalid, Rule, Valid


class SyntaxError_(Rule):
    """
    ## What it does
    Reports a file that cannot be checked: it does not parse as Python, its bytes are not valid
    in its declared encoding (UTF-8 unless a coding cookie says otherwise), or it is binary. The
    diagnostic points at the first error; the run goes on with the other files.

    ## Why is this bad?
    A file that does not parse cannot be imported, and none of the other rules can look at it:
    every other finding in it is hidden until it parses.

    ## Notes
    The engine produces this diagnostic itself when parsing fails; it cannot be suppressed with
    `# noqa` (there is no tree to read comments from), only switched off with `ignore`.
    """

    code = "VL001"
    name = "syntax-error"
    message = "SyntaxError"
    valid = (Valid("def ok() -> None:\n    pass\n"),)
    invalid = (
        Invalid("def broken(:\n    pass\n", expected=(Expect(1, 12, "SyntaxError: invalid syntax"),)),
        Invalid("if True\n    x = 1\n", expected=(Expect(1, 8, "SyntaxError: expected ':'"),)),
    )
