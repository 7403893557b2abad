"""The tree of a fixed text from the tree of the text its fixes were made on: only the statements
the edits touch are parsed again, the rest of the old tree is reused as it is.

A pass of ``--fix`` changes a few places of a file (a return annotation, a logging call), and the
lint of the fixed text was mostly libcst's parse of the whole text again. Here each edited
statement (the innermost that holds its edits) is parsed alone, inside dummy blocks that give it
the indentation it has in the file, so that its text (multi-line strings included) is the same;
the new statements take the old one's place. A ``def`` or ``class`` whose edits are all in its
header (decorators, signature) has only its header parsed again; its body is kept.

The result must be the very tree a parse of the whole text gives (same nodes, same fields): the
diagnostics of a fixed text are those ``check`` reports for it. What a statement's tree depends on
besides its own text, and how each is kept the same (or the text parsed whole):

- the indentation of the enclosing blocks, and the module's ``default_indent`` (a block at the
  default indentation stores none): the dummy blocks have the enclosing blocks' indentation, the
  first of them the module's default; no edit may come before the first statement of the first
  indented block, whose indentation decides that default;
- the module's ``default_newline`` and ``has_trailing_newline``: no ``\\r`` anywhere, and both
  texts end with a line break;
- the comment and blank lines around it, which libcst gives to a block's footer or to the next
  statement by their indentation: the part parsed starts at its first token's line and ends with a
  line of code, and no comment line between it and the next line of code is indented deeper than
  the statement (none can then fall to a block inside it); the last top-level statement is parsed
  whole when comment or blank lines end the module.

Statements are found by the lines the walk counted before and through each of them
(``statements.py``); texts whose line breaks it did not all count (a backslash continuation) or
that libcst generates otherwise (form feeds) are parsed whole, and each statement found is checked
against the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from vectra_lint.diagnostics import Edit, apply_edits
from vectra_lint.engine.libcst_private import parse_module
from vectra_lint.engine.lines import LineIndex


@dataclass(frozen=True)
class Parsed:
    """A text's tree, and the lines the walk of it counted (``StatementTracker``), by node id."""

    text: str
    module: cst.Module
    starts: dict[int, tuple[int, tuple[str, ...]]]
    """id(statement) -> (line breaks before it, the indentation of its blocks)."""
    ends: dict[int, int]
    """id(statement) -> line breaks before the line after it (its blocks' footers included)."""
    body_lines: dict[int, int]
    """id(block) -> the 1-based line of its header's last, that is the 0-based line after it."""
    exact: bool
    """Whether the walk counted every line break (``StatementTracker.counted_every_line``)."""


@dataclass
class _Target:
    """A statement to parse again (or only its header), with the nodes down to it."""

    statement: _Statement
    ancestors: tuple[cst.CSTNode, ...]
    """The statements, clauses and blocks that hold it, outermost first (not the module)."""
    header: bool
    edits: list[Edit] = field(default_factory=list)

    def key(self) -> tuple[int, bool, tuple[Edit, ...]]:
        """What its parse depends on."""
        return id(self.statement), self.header, tuple(sorted(self.edits))


_CLAUSE_FIELDS = ("body", "orelse", "finalbody")

_PARSE_OVERHEAD = 100
"""What one more parse costs beside the text it reads, in characters of text (libcst's parse of a
short statement costs about what 100 characters more cost in a long one)."""

_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement
"""What a module or an indented block holds (libcst's ``BaseStatement`` with leading lines)."""


class _Splicer:
    def __init__(self, before: Parsed) -> None:
        self.before = before
        self.text = before.text
        self.module = before.module
        self.line_starts = LineIndex(before.text).starts

    def at(self, line: int) -> int:
        """The offset where 0-based ``line`` starts (the text's end past its last line)."""
        starts = self.line_starts
        return starts[line] if line < len(starts) else len(self.text)

    def first_line(self, statement: _Statement) -> int | None:
        """The 0-based line of the statement's first token (its first decorator's)."""
        start = self.before.starts.get(id(statement))
        if start is None:
            return None
        line = start[0] + len(statement.leading_lines)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.decorators:
            line += len(statement.decorators[0].leading_lines)
        return line

    def first_offset(self, statement: _Statement) -> int:
        line = self.first_line(statement)
        return -1 if line is None else self.at(line)

    def end(self, statement: _Statement) -> int | None:
        end = self.before.ends.get(id(statement))
        return None if end is None else self.at(end)

    def size(self, target: _Target) -> int:
        """How much of the text parsing the target again reads."""
        start = self.first_offset(target.statement)
        end = self.header_end(target.statement) if target.header else self.end(target.statement)
        return max(0, (end or len(self.text)) - start)

    def header_end(self, statement: _Statement) -> int | None:
        body = getattr(statement, "body", None)
        line = self.before.body_lines.get(id(body)) if isinstance(body, cst.IndentedBlock) else None
        return None if line is None else self.at(line)

    def target(self, edit: Edit) -> _Target | None:
        """The innermost statement whose own text holds ``edit`` (or its header, for a ``def`` or
        ``class``); None when no statement does."""
        statements: Sequence[_Statement] = self.module.body
        ancestors: tuple[cst.CSTNode, ...] = ()
        parent: _Target | None = None
        while True:
            index = bisect.bisect_right(statements, edit.start, key=self.first_offset) - 1
            statement = statements[index] if index >= 0 else None
            end = None if statement is None else self.end(statement)
            if statement is None or end is None or edit.end > end or self.first_line(statement) is None:
                return parent
            if isinstance(statement, cst.SimpleStatementLine):
                return _Target(statement, ancestors, header=False)
            whole = _Target(statement, ancestors, header=False)
            header_end = self.header_end(statement)
            if header_end is None:
                return whole
            if edit.start < header_end:
                if edit.end <= header_end and isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                    whole.header = True
                return whole
            blocks = _blocks(statement)
            if blocks is None:
                return whole
            inside = [(path, block) for path, block in blocks if self.first_offset(_statements(block)[0]) <= edit.start]
            if not inside:
                return whole
            path, block = inside[-1]
            parent = whole
            ancestors = (*ancestors, statement, *path, block)
            statements = _statements(block)

    def first_block_token(self) -> int | None:
        """Where the first statement of the module's first indented block starts: its indentation
        is the module's ``default_indent``."""
        for statement in self.module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                continue
            body = getattr(statement, "body", None)
            if isinstance(statement, cst.Match) or not isinstance(body, cst.IndentedBlock):
                return None  # the first indentation may be elsewhere (cases, an `else:`)
            first = _statements(body)[0]
            line, start = self.first_line(first), self.before.starts.get(id(first))
            return None if line is None or start is None else self.at(line) + len("".join(start[1]))
        return None


def reparse(before: Parsed, edits: Sequence[Edit], text: str) -> cst.Module | None:
    """The tree of ``text``, which is ``before.text`` with ``edits`` applied (sorted, none
    overlapping another), equal to :func:`parse_module`'s; None where it must be parsed whole."""
    old = before.text
    if not edits or not before.exact or "\r" in old or "\f" in old:
        return None
    if not old.endswith("\n") or not text.endswith("\n"):
        return None  # the module's ``has_trailing_newline``
    if len(old) + sum(len(edit.content) - (edit.end - edit.start) for edit in edits) != len(text):
        return None
    splicer = _Splicer(before)
    module = before.module
    guard = splicer.first_block_token()
    if guard is None or min(edit.start for edit in edits) <= guard:
        return None
    targets: dict[int, _Target] = {}
    for edit in edits:
        found = splicer.target(edit)
        if found is None:
            return None
        found.edits.append(edit)
        _add(targets, found)
    parsed: dict[tuple[int, bool, tuple[Edit, ...]], tuple[_Statement, ...]] = {}
    while True:
        kept = _outermost(targets)
        if sum(splicer.size(target) for target in kept) + _PARSE_OVERHEAD * len(kept) > len(old):
            return None  # one parse of the whole text costs less
        failed: list[_Target] = []
        for target in kept:
            top = target.ancestors[0] if target.ancestors else target.statement
            if top is module.body[-1] and module.footer:
                return None  # at the end of a text, libcst gives trailing comments to blocks otherwise
            if target.key() not in parsed:
                new = _parse_again(splicer, target)
                if new is None:
                    failed.append(target)
                else:
                    parsed[target.key()] = new
        if not failed:
            break
        # A statement deleted, or joined to the one before it: the statement that holds it is
        # parsed again instead (with the edits of the targets inside it, ``_outermost``).
        parents = [_parent(target) for target in failed]
        gone = {id(target.statement) for target in failed}
        targets = {
            key: target
            for key, target in targets.items()
            if key not in gone and not any(id(node) in gone for node in target.ancestors)
        }
        for parent in parents:
            if parent is None:
                return None
            _add(targets, parent)
    touched = {id(node) for target in kept for node in target.ancestors}
    return _rebuild(module, touched, {id(target.statement): parsed[target.key()] for target in kept})


def _add(targets: dict[int, _Target], found: _Target) -> None:
    """Add ``found`` to ``targets``, or its edits to the target of the same statement."""
    known = targets.get(id(found.statement))
    if known is None:
        targets[id(found.statement)] = found
    else:
        known.header = known.header and found.header
        known.edits.extend(found.edits)


def _parent(target: _Target) -> _Target | None:
    """The target's innermost enclosing statement, to be parsed whole with its edits."""
    for index in range(len(target.ancestors) - 1, -1, -1):
        node = target.ancestors[index]
        if isinstance(node, _Statement):
            return _Target(node, target.ancestors[:index], header=False, edits=list(target.edits))
    return None


def _outermost(targets: dict[int, _Target]) -> list[_Target]:
    """The targets none of whose ancestors is one; the edits of the others go to the outermost
    ancestor that is, which is then parsed whole."""
    kept: dict[int, _Target] = {}
    for target in sorted(targets.values(), key=lambda t: len(t.ancestors)):
        holder = next((kept[id(node)] for node in target.ancestors if id(node) in kept), None)
        if holder is None:
            kept[id(target.statement)] = _Target(target.statement, target.ancestors, target.header, list(target.edits))
        else:
            holder.header = False
            holder.edits.extend(target.edits)
    return list(kept.values())


def _parse_again(splicer: _Splicer, target: _Target) -> tuple[_Statement, ...] | None:
    """The statements the target's new text parses to, in its place; None if unsure."""
    statement = target.statement
    old_text = splicer.text
    line = splicer.first_line(statement)
    start_entry = splicer.before.starts.get(id(statement))
    if line is None or start_entry is None:
        return None
    indents = start_entry[1]
    prefix = "".join(indents)
    start = splicer.at(line)
    first = start + len(prefix)
    if old_text[start:first] != prefix or old_text[first : first + 1] in ("", " ", "\t", "\n", "#"):
        return None  # the walk's count does not match the text here
    end = splicer.header_end(statement) if target.header else splicer.end(statement)
    if end is None or not (target.edits and min(e.start for e in target.edits) >= start):
        return None
    if max(e.end for e in target.edits) > end:
        return None
    new_text = apply_edits(old_text, sorted(target.edits), start, end)
    if not new_text.endswith("\n") or "\r" in new_text or "\f" in new_text:
        return None
    if not _ends_with_code(old_text[start:end]) or not _ends_with_code(new_text):
        return None
    if not target.header and _deeper_comment_after(old_text, end, len(prefix)):
        return None
    default = splicer.module.default_indent
    wrapper = ["if 1:\n", default, "pass\n"]
    outer = ""
    for piece in indents:
        wrapper += [outer, "if 1:\n"]
        outer += piece
    wrapper.append(new_text)
    if target.header:
        body = statement.body
        assert isinstance(body, cst.IndentedBlock)
        wrapper += [prefix, default if body.indent is None else body.indent, "pass\n"]
    try:
        chunk = parse_module("".join(wrapper))
    except (cst.ParserSyntaxError, RecursionError):
        return None
    if chunk.default_indent != default or chunk.default_newline != "\n" or chunk.footer:
        return None
    statements = _innermost(chunk, indents)
    if not statements:
        return None
    head = statements[0]
    if any(line.comment is not None or line.whitespace.value for line in head.leading_lines):
        # Lines added before the statement: a comment indented deeper could belong to the block
        # of the statement before it in the whole text.
        return None
    statements = (head.with_changes(leading_lines=(*statement.leading_lines, *head.leading_lines)), *statements[1:])
    if not target.header:
        return statements
    new = statements[0]
    if len(statements) != 1 or type(new) is not type(statement):
        return None
    assert isinstance(new, (cst.FunctionDef, cst.ClassDef))
    assert isinstance(statement, (cst.FunctionDef, cst.ClassDef))
    fake = new.body
    if not isinstance(fake, cst.IndentedBlock) or len(fake.body) != 1 or fake.footer:
        return None
    if _statements(fake)[0].leading_lines:
        return None
    return (new.with_changes(body=statement.body.with_changes(header=fake.header)),)


def _innermost(chunk: cst.Module, indents: tuple[str, ...]) -> tuple[_Statement, ...] | None:
    """The statements of the chunk's innermost dummy block (of the module past the first dummy
    statement, at the top level); None if the chunk is not shaped as built: a line of the edited
    text at another indentation than the statement's would belong elsewhere in the whole text."""
    first = chunk.body[0] if chunk.body else None
    if not isinstance(first, cst.If) or not isinstance(first.body, cst.IndentedBlock):
        return None
    if len(first.body.body) != 1 or first.body.footer:
        return None  # lines indented deeper joined the block that sets the default indent
    if not indents:
        return tuple(chunk.body[1:])
    if len(chunk.body) != 2:
        return None
    node: _Statement = chunk.body[1]
    for level, piece in enumerate(indents):
        if not isinstance(node, cst.If) or node.orelse is not None or not isinstance(node.body, cst.IndentedBlock):
            return None
        block = node.body
        if block.footer or (chunk.default_indent if block.indent is None else block.indent) != piece:
            return None
        if level == len(indents) - 1:
            return tuple(_statements(block))
        if len(block.body) != 1:
            return None
        node = _statements(block)[0]
    return None


def _statements(node: cst.Module | cst.IndentedBlock) -> Sequence[_Statement]:
    # libcst types a block's statements as BaseStatement, whose subclasses are these two.
    return cast("Sequence[_Statement]", node.body)


def _ends_with_code(text: str) -> bool:
    """Whether the last line of ``text`` (which ends with a line break) holds code, not only a
    comment or blanks."""
    last = text[text.rfind("\n", 0, len(text) - 1) + 1 :].strip()
    return bool(last) and not last.startswith("#")


def _deeper_comment_after(text: str, offset: int, column: int) -> bool:
    """Whether a comment line indented deeper than ``column`` comes after ``offset`` before the
    next line of code."""
    while offset < len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        line = text[offset:end]
        stripped = line.lstrip(" \t")
        if stripped and not stripped.startswith("#"):
            return False
        if stripped and len(line) - len(stripped) > column:
            return True
        offset = end + 1
    return False


def _blocks(
    statement: _Statement,
) -> list[tuple[tuple[cst.CSTNode, ...], cst.IndentedBlock]] | None:
    """The statement's indented blocks in the order of the text, each with the clauses that hold
    it; None when one is not an indented block (or for a ``match``)."""
    found: list[tuple[tuple[cst.CSTNode, ...], cst.BaseSuite]] = []
    if isinstance(statement, cst.If):
        found.append(((), statement.body))
        path: tuple[cst.CSTNode, ...] = ()
        node: cst.If | cst.Else | None = statement.orelse
        while node is not None:
            path = (*path, node)
            found.append((path, node.body))
            node = node.orelse if isinstance(node, cst.If) else None
    elif isinstance(statement, (cst.For, cst.While)):
        found.append(((), statement.body))
        if statement.orelse is not None:
            found.append(((statement.orelse,), statement.orelse.body))
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        found.append(((), statement.body))
        found.extend(((handler,), handler.body) for handler in statement.handlers)
        if statement.orelse is not None:
            found.append(((statement.orelse,), statement.orelse.body))
        if statement.finalbody is not None:
            found.append(((statement.finalbody,), statement.finalbody.body))
    elif isinstance(statement, (cst.With, cst.FunctionDef, cst.ClassDef)):
        found.append(((), statement.body))
    else:
        return None
    blocks = []
    for path, block in found:
        if not isinstance(block, cst.IndentedBlock):
            return None
        blocks.append((path, block))
    return blocks


def _rebuild(node: cst.CSTNode, touched: set[int], replaced: dict[int, tuple[_Statement, ...]]) -> cst.Module:
    rebuilt = _rebuilt(node, touched, replaced)
    assert isinstance(rebuilt, cst.Module)
    return rebuilt


def _rebuilt(node: cst.CSTNode, touched: set[int], replaced: dict[int, tuple[_Statement, ...]]) -> cst.CSTNode:
    """``node`` with the replaced statements in place, through the touched nodes that hold them."""
    if isinstance(node, (cst.Module, cst.IndentedBlock)):
        body: list[_Statement] = []
        for statement in _statements(node):
            new = replaced.get(id(statement))
            if new is not None:
                body.extend(new)
            elif id(statement) in touched:
                rebuilt = _rebuilt(statement, touched, replaced)
                assert isinstance(rebuilt, _Statement)
                body.append(rebuilt)
            else:
                body.append(statement)
        return node.with_changes(body=tuple(body))
    changes: dict[str, object] = {}
    for name in _CLAUSE_FIELDS:
        child: cst.CSTNode | None = getattr(node, name, None)
        if child is not None and id(child) in touched:
            changes[name] = _rebuilt(child, touched, replaced)
    handlers = getattr(node, "handlers", ())
    if any(id(handler) in touched for handler in handlers):
        changes["handlers"] = tuple(
            _rebuilt(handler, touched, replaced) if id(handler) in touched else handler for handler in handlers
        )
    return node.with_changes(**changes)
