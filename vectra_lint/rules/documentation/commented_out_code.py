"""VL605 commented-out-code."""

from __future__ import annotations

import ast
import keyword
import re
import textwrap
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst

from vectra_lint.api import (
    Applicability,
    Expect,
    FixAvailability,
    FixSpec,
    Invalid,
    Message,
    NodeEdit,
    Replace,
    Rule,
    Valid,
)
from vectra_lint.engine import noqa
from vectra_lint.engine.context import FileContext

# Something a line of code has and a line of prose rarely has (as Ruff's ERA001 requires).
_CODE_HINT = re.compile(r"[()\[\]{}:=%]|^(return|break|continue|import|from|pass|raise|del|assert|yield|print)\b")
# Directives for tools, encoding cookies and shebangs are comments that must stay
# (`# language=SQL` tells a JetBrains IDE what the string below holds).
_DIRECTIVE = re.compile(
    r"^(!|:|-\*-|noqa\b|type:|pragma\b|fmt:|isort:|pylint:|mypy:|pyright:|pyre-|nosec\b|ruff:|flake8\b|"
    r"region\b|endregion\b|spdx-license-identifier|(?:vim?|ex):|(?:en)?coding[:=]|language=)",
    re.IGNORECASE,
)
# Task markers start notes to humans: "# TODO: retry later (see #12)".
_TASK = re.compile(r"^(todo|fixme|xxx|hack|note|nb|bug|tbd|optimize|review|warning|warn)\b", re.IGNORECASE)
# "#12" (an issue) and licence headers are prose.
_ISSUE = re.compile(r"#\d")
# A full stop followed by a word ends a sentence ("Done. Then f(x)", "e.g. foo(bar)"): Python
# allows blanks around an attribute dot, code does not write them.
_SENTENCE = re.compile(r"[\w'\")\]]\.\s+[A-Za-z_]")
_LICENCE = re.compile(
    r"copyright|licen[cs]e|spdx|all rights reserved|warrant|permission is hereby granted", re.IGNORECASE
)
# Header lines of a compound statement, which parse only with a body.
_HEADER = re.compile(r"^(if|elif|else|for|while|try|except|finally|with|def|class|async|match|case)\b.*:$")
_STRONG_HEADER = re.compile(r"[(\[.=<>!]|^(else|try|finally|except)\s*:$")
_MAX_BLOCK = 40
# A word, blanks, then a bracket: "Monday (the first day)", "Expect [name, value]", "of ('a',)".
# Code writes `f(x)`; a keyword before a bracket (`in (1, 2)`, `return (a)`) is code too.
_WORD_BRACKET = re.compile(r"(?<![\w.])([^\W\d]\w*)\s+[(\[]")
# A bulleted list item: "- LOG(double, double)".
_BULLET = re.compile(r"^[-*+\u2022]\s")
# Hyphenated words ("gen-delims / sub-delims") and a name aligned to its "=" like a table row
# ("unreserved  = alphanum | mark") are how grammars and tables are written, not Python.
_HYPHENATED = re.compile(r"(?<![\w.])[A-Za-z]{2,}-[A-Za-z]{2,}")
_ALIGNED = re.compile(r"^\w+\s{2,}=\s")
# Words that leave a sentence unfinished at the end of a line: the next line continues it, so a
# line after "reasons given in" or "A case like" is part of the sentence, whatever it parses as.
_OPEN_ENDINGS = frozenset(
    "a an the of in on at by for with from to into like as via than and or but see is are was be "
    "when where which that using called named calling e.g. i.e. such".split()
)
# Operators that make no sense between a string and something else; "ALPHA / DIGIT / '-'" is
# a grammar quoted from an RFC, not Python.
_STRING_NONSENSE = (ast.Sub, ast.Div, ast.FloorDiv, ast.BitOr, ast.BitAnd, ast.BitXor, ast.Pow, ast.MatMult)
# Every comment as the raw text shows it: from a `#` to the end of the line. A `#` inside a string
# matches too; that only costs a needless search (see `finish`).
_RAW_COMMENT = re.compile(r"#[^\r\n]*")


def _text(comment: str) -> str:
    """The comment's text after its ``#`` marks and one space, indentation kept, without a trailing noqa."""
    text = comment.lstrip("#")
    # A noqa directive after commented-out code (as `check --add-noqa` writes it) is not code.
    if "#" in text:  # a trailing noqa has its own `#`; most comments have none
        text = noqa.TRAILING.sub("", text)
    return text[1:] if text.startswith(" ") else text


# Two names in a row ("reverse the direction"): only a keyword (`x if`, `import os`, `match x`)
# lets a name follow a name; the second is looked ahead so that "in the direction" is seen as
# "in the" and "the direction".
_NAME_THEN_NAME = re.compile(r"(?<!\w)([^\W\d]\w*)[ \t\f]+(?=([^\W\d]\w*))")
_SOFT_KEYWORDS = frozenset({"match", "case", "type", "_", "print", "exec"})
"""Soft keywords (of any Python version), and Python 2's statements: they may be followed by a name."""


def _surely_invalid(source: str) -> bool:
    """Whether ``source`` cannot parse, seen without compiling it: two names in a row, outside
    comments and before the first quote (after it, they may be inside a string). Most comment
    blocks that reach the parser are prose that fails this way."""
    end = len(source)
    for quote in "'\"":
        at = source.find(quote)
        if 0 <= at < end:
            end = at
    for line in source[:end].split("\n"):
        for match in _NAME_THEN_NAME.finditer(line.partition("#")[0]):
            if not _keyword(match[1]) and not _keyword(match[2]):
                return True
    return False


def _keyword(word: str) -> bool:
    return keyword.iskeyword(word) or word in _SOFT_KEYWORDS


def _parse(source: str) -> ast.Module | None:
    if _surely_invalid(source):
        return None
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in commented strings are not our concern.
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


_INERT = (ast.Name, ast.Constant, ast.Attribute, ast.Starred)


def _inert(node: ast.expr) -> bool:
    """Names, constants and operators between them: "pre-processing", "50% done", "a or b"."""
    if isinstance(node, _INERT):
        return not isinstance(node, ast.Attribute) or _inert(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_inert(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(_inert(part) for part in (*node.keys, *node.values) if part is not None)
    if isinstance(node, ast.BinOp):
        return _inert(node.left) and _inert(node.right)
    if isinstance(node, ast.BoolOp):
        return all(_inert(value) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        return _inert(node.operand)
    if isinstance(node, ast.Compare):
        return _inert(node.left) and all(_inert(value) for value in node.comparators)
    if isinstance(node, ast.Subscript):
        # A type written as a note: "# dict[str, LimitSettings]".
        return _inert(node.value) and _inert(node.slice)
    return False


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _nonsense(module: ast.Module) -> bool:
    """Whether the tree only parses by accident (operators between strings, a sentence as tuple)."""
    for node in ast.walk(module):
        if isinstance(node, ast.BinOp) and isinstance(node.op, _STRING_NONSENSE):
            if _is_string(node.left) or _is_string(node.right):
                return True
    for statement in module.body:
        # A bare tuple is an enumeration in prose: "self.logger.error(...), app.logger.error(...)"
        # lists examples, "Restaurant.objects.filter(...), where" goes on with a sentence.
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Tuple):
            return True
    return False


def _is_code(module: ast.Module | None) -> bool:
    if module is None or not module.body or _nonsense(module):
        return False
    for statement in module.body:
        if isinstance(statement, ast.Expr) and _inert(statement.value):
            continue
        # "Note: something" parses as an annotated name; as code it would be a bare declaration.
        if isinstance(statement, ast.AnnAssign) and statement.value is None:
            continue
        return True
    return False


def _word_before_bracket(text: str) -> bool:
    return any(
        not keyword.iskeyword(match[1]) and match[1] not in ("print", "exec") for match in _WORD_BRACKET.finditer(text)
    )


# Pure; a comment is examined when it is collected and again with the lines around it.
@lru_cache(maxsize=4096)
def _is_prose_line(text: str) -> bool:
    stripped = text.strip().lstrip("#").strip()
    return (
        not stripped
        or _CODE_HINT.search(stripped) is None
        or _DIRECTIVE.match(stripped) is not None
        or _TASK.match(stripped) is not None
        or _ISSUE.search(stripped) is not None
        or _SENTENCE.search(stripped) is not None
        or _BULLET.match(stripped) is not None
        or _HYPHENATED.search(stripped) is not None
        or _ALIGNED.match(stripped) is not None
        or _word_before_bracket(stripped)
    )


# Pure; a comment is examined when it is collected and again with the lines around it.
@lru_cache(maxsize=4096)
def _line_is_code(text: str) -> bool:
    stripped = text.strip()
    if _is_prose_line(text):
        return False
    if _HEADER.match(stripped):
        if _STRONG_HEADER.search(stripped[:-1].strip()) is None:
            return False
        return _header_parses(stripped)
    return _is_code(_parse(stripped))


def _header_parses(header: str) -> bool:
    body = "\n    pass\n"
    if header.startswith(("else", "elif")):
        return _parse("if x:\n    pass\n" + header + body) is not None
    if header.startswith(("except", "finally")):
        return _parse("try:\n    pass\n" + header + body) is not None
    if header.startswith("case"):
        return _parse("match x:\n    " + header + "\n        pass\n") is not None
    return _parse(header + body) is not None


def _continues_sentence(previous: str) -> bool:
    """Whether the line before ends mid-sentence ("for reasons given in"), so this one goes on."""
    words = previous.strip().split()
    return bool(words) and (words[-1].lower() in _OPEN_ENDINGS or words[-1].endswith(","))


def _candidate(comment: str) -> bool:
    """Whether a comment could be (part of) commented-out code, by regular expressions alone."""
    text = _text(comment).strip()
    # Cheapest tests first: most comments are prose, and all three tests are pure.
    return text.endswith((":", ",", "\\")) or _balance(text) > 0 or not _is_prose_line(text)


def _balance(text: str) -> int:
    count = text.count
    return count("(") + count("[") + count("{") - count(")") - count("]") - count("}")


def code_lines(texts: Sequence[str]) -> list[bool]:
    """Which of consecutive comment lines (their text after ``#``) are commented-out code.

    A line is code when it parses as Python on its own and is not prose-like; a line that opens
    a bracket or a block is code when it and the lines up to where the brackets close (or the
    indented lines under the block header) parse together. None is in a transcript of an
    interactive session (a ``>>>`` prompt in the run): it is an example, and the output lines
    it shows (``URL('https://example.com/')``) parse as well as code does.
    """
    flags = [False] * len(texts)
    if any(text.lstrip().startswith(">>>") for text in texts):
        return flags
    index = 0
    while index < len(texts):
        text = texts[index]
        if index > 0 and not flags[index - 1] and _continues_sentence(texts[index - 1]):
            # "for reasons given in / Expression._resolve_output_field()": an expression ending a
            # sentence. A statement ("replace with / raise ValueError(...)") is still code.
            if _expression_at_most(text.strip()):
                index += 1
                continue
            parsed = _parse(text.strip())
            if parsed is None or (len(parsed.body) == 1 and isinstance(parsed.body[0], ast.Expr)):
                index += 1
                continue
        if text.rstrip().endswith(","):
            end = _elements(texts, index)
            if end is not None:
                for covered in range(index, end + 1):
                    flags[covered] = True
                index = end + 1
                continue
        if _line_is_code(text):
            flags[index] = True
            index += 1
            continue
        stripped = text.strip()
        opens = _balance(stripped) > 0 or stripped.endswith(("\\", ":", ","))
        if opens and not _DIRECTIVE.match(stripped) and not _TASK.match(stripped):
            end = _extent(texts, index)
            if end is not None:
                for covered in range(index, end + 1):
                    flags[covered] = True
                index = end + 1
                continue
        index += 1
    return flags


def _expression_at_most(text: str) -> bool:
    """Whether ``text`` (one stripped line) can only fail to parse or parse as one expression,
    known without compiling it: every other statement needs a bracket, ``:``, ``=``, ``;`` or a
    statement keyword (empty lines and comments parse as no statement at all)."""
    return (
        bool(text)
        and not text.startswith("#")
        and ";" not in text
        and _CODE_HINT.search(text) is None
        and _NO_HINT_STATEMENT.match(text) is None
    )


# Statements that need none of what `_CODE_HINT` looks for.
_NO_HINT_STATEMENT = re.compile(r"(global|nonlocal)\b")


def _elements(texts: Sequence[str], start: int) -> int | None:
    """The last of the element lines (``'cache': build(),``) from ``start``, if they are code.

    Entries of a dict or list parse only inside their brackets; they count as code when one of
    them computes something (a call, an operation), not when they are plain data.
    """
    end = start
    while end + 1 < len(texts) and texts[end + 1].rstrip().endswith(","):
        end += 1
    lines = texts[start : end + 1]
    if any(_DIRECTIVE.match(line.strip()) or _TASK.match(line.strip()) for line in lines):
        return None
    chunk = textwrap.dedent("\n".join(lines))
    for opening, closing in (("{", "}"), ("[", "]")):
        parsed = _parse(f"{opening}\n{chunk}\n{closing}")
        if parsed is not None:
            return end if _is_code(parsed) else None
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _extent(texts: Sequence[str], start: int) -> int | None:
    """The last line of a multi-line statement starting at ``start``, if the lines parse as code.

    The statement ends where its brackets close; one whose first line ends with ``:`` also takes
    the lines indented under it.
    """
    first = texts[start]
    header = first.rstrip().endswith(":")
    depth = _balance(first)
    for end in range(start + 1, min(len(texts), start + _MAX_BLOCK)):
        line = texts[end]
        if not line.strip():
            return None
        depth += _balance(line)
        if depth > 0:
            continue
        following = texts[end + 1] if end + 1 < len(texts) else ""
        if header and following.strip() and _indent(following) > _indent(first):
            continue
        chunk = textwrap.dedent("\n".join(texts[start : end + 1]))
        return end if _is_code(_parse(chunk)) else None
    return None


def _flags_leftover(run: list[str], leftovers: set[str]) -> bool:
    if not any(comment in leftovers for comment in run):
        return False
    flags = code_lines([_text(comment) for comment in run])
    return any(flag and comment in leftovers for comment, flag in zip(run, flags, strict=True))


@dataclass(frozen=True)
class BlockMessage(Message):
    """A block of several commented-out lines (one line has the rule's own message)."""

    lines: int

    def __str__(self) -> str:
        """The text users see."""
        return f"Commented-out code ({self.lines} lines); delete it, git history keeps it (§13)"


class CommentedOutCode(Rule):
    """
    ## What it does
    Flags comment lines that are code: they parse as Python statements and do not look like
    prose. A line must contain something code has and prose rarely does (a bracket, `:`, `=`, `%`,
    or start with `return`, `import`, `raise`, ...) and must parse. It is still prose when it is
    only names, constants and operators ("pre-processing", "50% done", "user is admin"), a label
    ("Note: ..."), an enumeration ("foo(), bar()"), a sentence ("e.g. foo(bar)", "Done. Run
    f(x)"), a word before a bracket ("Monday (first day)"), a bullet ("- LOG(x, y)"), a grammar
    or table row ("reserved    = gen-delims / sub-delims"), or an expression that ends a
    sentence begun on the line above ("for reasons given in" / "Expression.resolve()").
    A multi-line statement (an open bracket closed a few lines down, a block header with its
    indented body, dict or list entries) counts when its lines parse together.

    Never flagged: tool directives (`# noqa`, `# type:`, `# pragma`, `# fmt:`, `# isort:`,
    `# pylint:`, an IDE's `# language=SQL`, ...), `#!` shebangs, `# -*- coding` cookies, `#:`
    attribute docs, task notes (`# TODO: ...`, `# FIXME`), comments mentioning an issue (`#12`),
    licence headers (a comment block mentioning a copyright or licence), a transcript of an
    interactive session (a comment block with a `>>>` prompt, whose output lines parse too), and
    anything inside a docstring (not a comment).

    One diagnostic is reported per commented-out block (consecutive commented-out lines), at the
    `#` of its first line.

    ## Why is this bad?
    §13: do not leave commented-out code in the codebase; git history keeps it. Dead code in
    comments rots: it is never run, never type-checked, and readers cannot tell whether it is a
    hint, a leftover or a bug.

    ## Fix safety
    The fix deletes the whole commented-out block and is unsafe: the comment may be a deliberate
    example or a note to a human that happens to parse, which only a person can tell. A
    commented-out end-of-line comment is removed with the blanks before it.

    ## Notes
    Ruff's ERA001 reports every line; here a block is one finding, since it is one decision to
    delete it. Plain data in comments (`# "%d %b %Y",` in a list of formats) is not flagged: it
    may be an example as well as dead code. Code samples that explain the code around them
    (`# g = g1 | g2` above `__or__`) are code and are flagged; the unsafe fix leaves that call to
    a person.
    """

    code = "VL605"
    name = "commented-out-code"
    message = "Commented-out code; delete it, git history keeps it (§13)"
    fix_availability = FixAvailability.ALWAYS
    fix_safety = Applicability.UNSAFE
    valid = (
        Valid("# Check cache\nvalue = cache.get(key)\n"),
        Valid("# TODO: retry later (see #12)\nretry = False\n"),
        Valid("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Copyright (c) 2024 Vectra. License: MIT\n"),
        Valid("import os  # noqa: F401\nx = []  # type: list[int]\n# fmt: off\n# pragma: no cover\n"),
        Valid('def f() -> None:\n    """Example:\n\n    # x = 1\n    """\n'),
        Valid("# Note: the cache is per process\n# pre-processing happens upstream\n# 50% done\n"),
        Valid("# Returns the user (or None)\n# e.g. foo(bar)\n# see: https://example.com/a\n"),
        Valid("#: The default timeout, in seconds.\nTIMEOUT = 5\n"),
        Valid("# >>> client.base_url\n# URL('https://example.com/')\nclient = make()\n"),
    )
    invalid = (
        Invalid(
            "def total(items: list[int]) -> int:\n    # print(items)\n    return sum(items)\n",
            fixed="def total(items: list[int]) -> int:\n    return sum(items)\n",
            expected=(Expect(2, 5),),
        ),
        Invalid(
            "# Old implementation:\n# result = compute(x)\n# cache[x] = result\nresult = fast(x)\n",
            fixed="# Old implementation:\nresult = fast(x)\n",
            expected=(Expect(2, 1, BlockMessage(2)),),
        ),
        Invalid(
            "# for item in items:\n#     process(item)\nrun()\n",
            fixed="run()\n",
            expected=(Expect(1, 1, BlockMessage(2)),),
        ),
        Invalid("call(\n    first,\n    # second=2,\n)\n", fixed="call(\n    first,\n)\n", expected=(Expect(3, 5),)),
        Invalid(
            "# config = {\n#     'debug': True,\n# }\nconfig = {}\n",
            fixed="config = {}\n",
            expected=(Expect(1, 1, BlockMessage(3)),),
        ),
        Invalid("total = 0  # total = sum(values)\n", fixed="total = 0\n", expected=(Expect(1, 12),)),
        Invalid("# import pdb; pdb.set_trace()\nrun()\n", fixed="run()\n", expected=(Expect(1, 1),)),
    )

    def __init__(self, context: FileContext) -> None:
        """Prepare the per-file record of candidate comments."""
        super().__init__(context)
        # Comment texts that may be code, from the raw source; each one the walk meets is struck
        # off, and what is left is in brackets (or in a string).
        self._pending: Counter[str] = Counter()
        source = context.source
        if "#" in source:
            raw = (comment.rstrip() for comment in _RAW_COMMENT.findall(source))
            self._pending.update(comment for comment in raw if _candidate(comment))
        # Whitespace inside brackets that holds a comment line or a line-end comment, as the walk
        # meets it (the engine's statement tracker has the walk enter every such node anyway).
        self._bracketed: list[cst.ParenthesizedWhitespace] = []

    def applies(self) -> bool:
        """Only files with a comment that may be code (on django, fewer than half) are walked."""
        return bool(self._pending)

    def _lines(self, lines: Sequence[cst.EmptyLine]) -> None:
        """Check own-line comments: runs of consecutive comment lines are examined together."""
        run: list[cst.EmptyLine] = []
        for line in lines:
            if line.comment is not None:
                run.append(line)
                continue
            if run:
                self._run(run)
                run = []
        if run:
            self._run(run)

    def _run(self, run: list[cst.EmptyLine]) -> None:
        comments = [line.comment.value for line in run if line.comment is not None]
        candidates = 0
        for comment in comments:
            candidates += self._seen(comment)
        if not candidates:
            return
        if any(_LICENCE.search(comment) for comment in comments):
            return
        flags = code_lines([_text(comment) for comment in comments])
        if not any(flags):
            return
        blocks: list[list[cst.EmptyLine]] = []
        previous = False
        for line, flag in zip(run, flags, strict=True):
            if flag:
                if not previous:
                    blocks.append([])
                blocks[-1].append(line)
            previous = flag
        for block in blocks:
            edits: tuple[NodeEdit, ...] = tuple(Replace(line, "") for line in block)
            first = block[0].comment
            assert first is not None
            if len(block) == 1:
                self.report(first, fix=FixSpec(edits, "Delete the commented-out line"), anchor=first)
            else:
                fix = FixSpec(edits, f"Delete the {len(block)} commented-out lines")
                self.report(first, BlockMessage(len(block)), fix=fix, anchor=first)

    def _trailing(self, whitespace: cst.TrailingWhitespace) -> None:
        comment = whitespace.comment
        if comment is None:
            return
        if not self._seen(comment.value) or _LICENCE.search(comment.value) or not _line_is_code(_text(comment.value)):
            return
        edits: list[NodeEdit] = [Replace(comment, "")]
        if whitespace.whitespace.value:
            edits.insert(0, Replace(whitespace.whitespace, ""))
        self.report(comment, fix=FixSpec(tuple(edits), "Delete the commented-out code"), anchor=comment)

    # Every node that owns comment lines; the rule reads them from their owner, which knows which
    # lines are consecutive (the walk does not visit them in source order). These run for every
    # statement, so each first checks cheaply whether there is a comment at all.
    def visit_Module(self, node: cst.Module) -> None:
        """Check the comments before the first statement and after the last."""
        self._lines(node.header)
        self._lines(node.footer)

    def _seen(self, comment: str) -> bool:
        """Strike a comment the walk met off the pending ones; whether it is a candidate at all."""
        comment = comment.rstrip()
        count = self._pending.get(comment)
        if count is None:
            return False
        if count > 0:
            self._pending[comment] = count - 1
        return True

    def finish(self) -> None:
        """Look inside brackets only when a candidate comment was not found elsewhere.

        Comments inside brackets belong to whitespace nodes, kept as the walk met them
        (``visit_ParenthesizedWhitespace``); candidates in brackets are rare, so they are judged
        only in the files that have one, here.
        """
        leftovers = {comment for comment, count in self._pending.items() if count > 0}
        if not leftovers or not self._worth_searching(leftovers):
            return
        for node in self._bracketed:
            if node.first_line.comment is not None:
                self._trailing(node.first_line)
            if node.empty_lines:
                self._lines(node.empty_lines)

    def _worth_searching(self, leftovers: set[str]) -> bool:
        """Whether a comment the walk did not meet is code, judged on the raw lines around it."""
        run: list[str] = []
        for line in self.context.source.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                run.append(stripped)
                continue
            if run and _flags_leftover(run, leftovers):
                return True
            run = []
            at = line.find("#")
            if at >= 0:
                comment = line[at:].rstrip()
                if comment in leftovers and _line_is_code(_text(comment)):
                    return True
        return bool(run) and _flags_leftover(run, leftovers)

    def _line_comments(self, node: cst.SimpleStatementLine | cst.Decorator) -> None:
        """Comments above a statement or decorator and at the end of its line."""
        if node.leading_lines:
            self._lines(node.leading_lines)
        if node.trailing_whitespace.comment is not None:
            self._trailing(node.trailing_whitespace)

    visit_SimpleStatementLine = visit_Decorator = _line_comments

    def visit_BaseCompoundStatement(self, node: cst.BaseCompoundStatement) -> None:
        """Comments above a compound statement (and between its decorators and ``def``)."""
        if node.leading_lines:
            self._lines(node.leading_lines)
        # Exact types: a failed isinstance against libcst's ABC-based classes is slow.
        if (type(node) is cst.FunctionDef or type(node) is cst.ClassDef) and node.lines_after_decorators:
            self._lines(node.lines_after_decorators)
        if type(node) is cst.Match:
            self._trailing(node.whitespace_after_colon)
            self._lines(node.footer)

    def _clause_comments(
        self, node: cst.Else | cst.ExceptHandler | cst.ExceptStarHandler | cst.Finally | cst.MatchCase
    ) -> None:
        """Comments above a clause header (``else:``, ``except:``, ``except*:``, ``finally:``, ``case ...:``)."""
        if node.leading_lines:
            self._lines(node.leading_lines)

    # The walker finds handlers by name: one method serves every clause with ``leading_lines``.
    visit_Else = visit_ExceptHandler = visit_ExceptStarHandler = visit_Finally = visit_MatchCase = _clause_comments

    def visit_ParenthesizedWhitespace(self, node: cst.ParenthesizedWhitespace) -> None:
        """Keep bracketed whitespace with a comment, for ``finish`` (a second walk of the whole
        tree there cost the files it searched more than their own walk)."""
        if node.first_line.comment is not None or node.empty_lines:
            self._bracketed.append(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """The comment after a block's ``:`` and the comments closing the block."""
        if node.header.comment is not None:
            self._trailing(node.header)
        if node.footer:
            self._lines(node.footer)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        """The comment at the end of ``if x: y``."""
        if node.trailing_whitespace.comment is not None:
            self._trailing(node.trailing_whitespace)
