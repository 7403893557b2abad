"""Locating what the reports mention (their nodes, anchors, fix targets, noqa comments) by
generating only the statements they are in (see ``positions.py`` for how one node is located)."""

from __future__ import annotations

import libcst as cst

from vectra_lint.engine.memo import NO_MEMO, NodeMemo
from vectra_lint.engine.positions import FormFeeds, LineIndex, Located, locate, locate_in
from vectra_lint.engine.signatures import header_nodes, locate_name, locate_signature
from vectra_lint.engine.statements import StatementTracker
from vectra_lint.rule import InsertAt, Report


def locate_reports(
    module: cst.Module,
    text: str,
    lines: LineIndex,
    reports: list[Report],
    tracker: StatementTracker,
    memo: NodeMemo = NO_MEMO,
) -> tuple[dict[int, Located], dict[int, int]]:
    """Where every node that the reports, their fixes and the noqa comments mention is, and the
    line each reported compound statement's body starts on (keyed by ``id(body)``).

    Each node is located by generating only the statement it belongs to, from the line the walk
    counted for it; what is outside any known statement is located from the module's start. Where
    they are in their statement is kept in ``memo``: the same statement (the same node) with the
    same nodes wanted in it is not generated again in the next lint of the document.
    """
    # Line breaks the walk did not count (backslash continuations, old Mac line ends): the file
    # is located by generating it from the start.
    slow = not tracker.counted_every_line(text)
    # A form feed leading a statement's line: libcst's code is not the text; located from the start, mapped.
    form_feeds = FormFeeds.of(module, text)
    slow = slow or form_feeds is not None
    starts = {} if slow else tracker.starts
    body_lines = {} if slow else tracker.body_lines
    groups: dict[int, tuple[cst.CSTNode, list[cst.CSTNode], list[cst.CSTNode]]] = {}
    # Where to look next for a node its statement did not contain (a rule may report, or fix,
    # a node outside the statement being walked): the statements around it, inner first. Rarely
    # needed, so only what to work it out from is kept: each (statements around, host) it was
    # wanted with, the last that leaves any statement counting.
    fallback: dict[int, list[cst.CSTNode]] = {}
    wanted_in: dict[int, list[tuple[tuple[cst.CSTNode, ...], cst.CSTNode]]] = {}
    rest: list[cst.CSTNode] = []

    def outward(around: tuple[cst.CSTNode, ...], host: cst.CSTNode | None) -> list[cst.CSTNode]:
        return [statement for statement in reversed(around) if id(statement) in starts and statement is not host]

    def fallback_for(node: cst.CSTNode) -> list[cst.CSTNode]:
        statements = fallback.get(id(node))
        if statements is None:
            tried = (outward(around, host) for around, host in reversed(wanted_in.get(id(node), ())))
            statements = fallback[id(node)] = next((found for found in tried if found), [])
        return statements

    def want(host: cst.CSTNode | None, node: cst.CSTNode, around: tuple[cst.CSTNode, ...], start: bool = False) -> None:
        if node is module:
            return
        if host is None or id(host) not in starts:
            statements = outward(around, host)
            if not statements:
                rest.append(node)
                return
            host = statements[0]
        group = groups.get(id(host))
        if group is None:
            group = groups[id(host)] = (host, [], [])
        (group[2] if start else group[1]).append(node)
        if around and (len(around) > 1 or around[0] is not host):
            wanted_in.setdefault(id(node), []).append((around, host))

    for comment, host in tracker.comments:
        want(host, comment, ())
    for report in reports:
        anchor, around = report.anchor, report.statements
        want(anchor, report.node, around)
        if isinstance(anchor, cst.BaseCompoundStatement):
            # Only where it starts and where its body starts (its header's last line) matter,
            # and the walk counted the line of the latter (``StatementTracker.body_lines``).
            want(anchor, anchor, around, start=True)
            if id(anchor.body) not in body_lines:
                want(anchor, anchor.body, around, start=True)
        elif anchor is not None:
            want(anchor, anchor, around)
        if report.fix is not None:
            for edit in report.fix.edits:
                if not isinstance(edit, InsertAt):
                    want(edit.node if id(edit.node) in starts else anchor, edit.node, around)
    located: dict[int, Located] = {}
    while groups:
        retry: dict[int, tuple[cst.CSTNode, list[cst.CSTNode], list[cst.CSTNode]]] = {}
        for key, (host, nodes, start_nodes) in groups.items():
            line_breaks, indent = starts[key]
            if memo is NO_MEMO:
                found = _locate_statement(module, text, lines, host, line_breaks, indent, nodes, start_nodes)
            else:
                found = _remembered(memo, module, text, lines, host, line_breaks, indent, nodes, start_nodes)
            located.update(found)
            for is_start, group in ((False, nodes), (True, start_nodes)):
                for node in group:
                    if id(node) in found:
                        continue
                    statements = fallback_for(node)
                    if not statements:
                        rest.append(node)
                        continue
                    outer = statements.pop(0)
                    _, full, partial = retry.setdefault(id(outer), (outer, [], []))
                    (partial if is_start else full).append(node)
        groups = retry
    if rest:
        located.update(locate(module, rest))
    if form_feeds is not None:
        located = {key: form_feeds.located(where) for key, where in located.items()}
    # The module spans the whole file: no need to generate it all to learn that.
    located[id(module)] = Located(0, len(text), 0, len(text), ())
    return located, body_lines


def _remembered(
    memo: NodeMemo,
    module: cst.Module,
    text: str,
    lines: LineIndex,
    host: cst.CSTNode,
    line_breaks: int,
    indent: tuple[str, ...],
    nodes: list[cst.CSTNode],
    start_nodes: list[cst.CSTNode],
) -> dict[int, Located]:
    """``_locate_statement``, from where the last lint found the same nodes in the same statement
    (the same node) when it did: moved to where the statement is now."""
    offset = lines.line_start(line_breaks + 1)

    def relative() -> dict[int, Located]:
        found = _locate_statement(module, text, lines, host, line_breaks, indent, nodes, start_nodes)
        return {node: _moved(where, -offset) for node, where in found.items()}

    # Locating reads the statement's code (the text there is that code) at its indentation, in
    # the module's layout: nothing else.
    key = ("located", len(nodes), indent, module.default_indent, module.default_newline)
    return {
        node: _moved(where, offset) for node, where in memo.get((host, *nodes, *start_nodes), key, relative).items()
    }


def _moved(where: Located, by: int) -> Located:
    return Located(where.start + by, where.end + by, where.outer_start + by, where.outer_end + by, where.indent)


def _locate_statement(
    module: cst.Module,
    text: str,
    lines: LineIndex,
    host: cst.CSTNode,
    line_breaks: int,
    indent: tuple[str, ...],
    nodes: list[cst.CSTNode],
    start_nodes: list[cst.CSTNode],
) -> dict[int, Located]:
    """``locate_in``, without generating a function's or class's header when what is wanted there
    can be read from the text (``signatures.py``)."""
    if isinstance(host, (cst.FunctionDef, cst.ClassDef)):
        found = _locate_header(module, text, lines, host, line_breaks, indent, nodes, start_nodes)
        if found is not None:
            return found
    return locate_in(module, host, lines.line_start(line_breaks + 1), indent, nodes, start_nodes)


def _locate_header(
    module: cst.Module,
    text: str,
    lines: LineIndex,
    host: cst.FunctionDef | cst.ClassDef,
    line_breaks: int,
    indent: tuple[str, ...],
    nodes: list[cst.CSTNode],
    start_nodes: list[cst.CSTNode],
) -> dict[int, Located] | None:
    """What ``locate_in`` finds, when all of it but the definition's name and start is read from
    the signature's text, or all of it is; None when that cannot be done."""
    read: list[cst.CSTNode] = []
    others = nodes
    if isinstance(host, cst.FunctionDef) and any(node is not host.name for node in nodes):
        header = header_nodes(host)
        read = [node for node in nodes if id(node) in header]
        others = [node for node in nodes if id(node) not in header]
    name: Located | None = None
    # The common report: on the name, anchored at the definition (its start and its body's line,
    # which the walk counted): nothing of it need be generated.
    if all(node is host.name for node in others) and all(node is host for node in start_nodes):
        named = locate_name(text, lines, host, line_breaks, indent)
        if named is not None:
            found = {id(host): named[0]} if start_nodes else {}
            name = named[1]
            if others:
                found[id(host.name)] = name
    if name is None:
        if not read:
            return None
        found = locate_in(module, host, lines.line_start(line_breaks + 1), indent, [*others, host.name], start_nodes)
        name = found.get(id(host.name))
    if read:
        signature = locate_signature(text, host, name, read) if isinstance(host, cst.FunctionDef) and name else None
        if signature is None:
            return None
        found.update(signature)
    return found
