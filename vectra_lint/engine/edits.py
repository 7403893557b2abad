"""Node edits (what rules ask for) to text edits (what the fixer applies)."""

from __future__ import annotations

import libcst as cst

from vectra_lint.diagnostics import Edit, Fix
from vectra_lint.engine import libcst_private
from vectra_lint.engine.line_length import adds_long_lines, break_call
from vectra_lint.engine.positions import Located
from vectra_lint.rule import Delete, FixSpec, InsertAfter, InsertAt, InsertBefore, InsertInto, Replace


def to_fix(module: cst.Module, spec: FixSpec, located: dict[int, Located], text: str, line_length: int) -> Fix | None:
    """The text edits of a fix described as node edits, once the nodes are located.

    A fix that would make a line longer than ``line_length`` has the calls it replaces broken over
    lines as a formatter would (``line_length.py``); when even that does not fit, None.
    """
    edits = _edits(module, spec, located, None)
    for one_per_line in (False, True):
        if not adds_long_lines(text, sorted(edits), line_length):
            break
        edits = _edits(module, spec, located, one_per_line)
    else:
        if adds_long_lines(text, sorted(edits), line_length):
            return None
    # Rule.report settled the safety (from the rule's fix_safety when the spec left it out).
    assert spec.applicability is not None
    return Fix(tuple(sorted(edits)), spec.applicability, spec.description, spec.rename)


def _edits(module: cst.Module, spec: FixSpec, located: dict[int, Located], broken: bool | None) -> list[Edit]:
    """The fix's text edits; with ``broken`` set, replaced calls are broken over lines (one
    argument per line when True)."""
    edits: list[Edit] = []
    for edit in spec.edits:
        if isinstance(edit, InsertAt):
            edits.append(Edit(edit.offset, edit.offset, edit.text))
            continue
        where = located[id(edit.node)]
        if isinstance(edit, Replace):
            if isinstance(edit.new, str):
                edits.append(Edit(where.start, where.end, edit.new))
            else:
                fitted = None if broken is None else break_call(edit.new, module.default_indent, broken)
                if fitted is None and edit.template is not None:
                    new = libcst_private.fill_template(edit.template, where.indent)
                else:
                    new = libcst_private.generate(module, fitted or edit.new, where.indent)
                edits.append(Edit(where.outer_start, where.outer_end, new))
        elif isinstance(edit, InsertBefore):
            edits.append(Edit(where.outer_start, where.outer_start, edit.text))
        elif isinstance(edit, InsertAfter):
            edits.append(Edit(where.outer_end, where.outer_end, edit.text))
        elif isinstance(edit, InsertInto):
            edits.append(Edit(where.start + edit.offset, where.start + edit.offset, edit.text))
        elif isinstance(edit, Delete):
            edits.append(Edit(where.start, where.outer_end, ""))
    return edits
