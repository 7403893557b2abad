"""Node edits (what rules ask for) to text edits (what the fixer applies)."""

from __future__ import annotations

import libcst as cst

# Private libcst API (pinned in pyproject.toml): generating one node with a given indentation.
from libcst._nodes.internal import CodegenState

from vectra_lint.diagnostics import Edit, Fix
from vectra_lint.engine.positions import Located
from vectra_lint.rule import FixSpec, InsertAfter, InsertAt, InsertBefore, InsertInto, Replace


def to_fix(module: cst.Module, spec: FixSpec, located: dict[int, Located]) -> Fix:
    """The text edits of a fix described as node edits, once the nodes are located."""
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
                edits.append(Edit(where.outer_start, where.outer_end, generate(module, edit.new, where.indent)))
        elif isinstance(edit, InsertBefore):
            edits.append(Edit(where.outer_start, where.outer_start, edit.text))
        elif isinstance(edit, InsertAfter):
            edits.append(Edit(where.outer_end, where.outer_end, edit.text))
        elif isinstance(edit, InsertInto):
            edits.append(Edit(where.start + edit.offset, where.start + edit.offset, edit.text))
    # Rule.report settled the safety (from the rule's fix_safety when the spec left it out).
    assert spec.applicability is not None
    return Fix(tuple(sorted(edits)), spec.applicability, spec.description)


def generate(module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...]) -> str:
    """The source of a new ``node`` written at a place with indentation ``indent``."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(indent)
    node._codegen(state)
    return "".join(state.tokens)
