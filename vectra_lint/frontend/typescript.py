"""A reader of the frontend's TypeScript models, on tree-sitter's TypeScript grammar.

It reads what the backend's schemas and enums are mirrored as (standard §11): interfaces, type
aliases of object types (intersections and ``Partial``/``Required``/``Readonly``/``Omit``/``Pick``
of them included), classes (fields, constructor parameter properties, ``extends``), TS ``enum``
declarations and ``export const X = {...} as const`` objects. Vue single-file components
(``.vue``) are read through their ``<script lang="ts">`` blocks (a component without one has no
TypeScript to read). Types are reduced to the few shapes
the backend's types map to (:class:`TsType`); anything else is kept as ``opaque``, which the
rules do not judge.

tree-sitter is imported on first use: runs that never look at a frontend do not pay for it.
"""

from __future__ import annotations

import ast
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".vue")
_VUE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_VUE_LANG = re.compile(rb"""\blang\s*=\s*["']?(tsx?)\b""", re.IGNORECASE)
SKIPPED_FOLDERS = frozenset({"node_modules", ".git", "dist", "build"})
_PREDEFINED = {
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "bigint": "number",
    "any": "any",
    "unknown": "any",
    "object": "object",
    "null": "null",
    "undefined": "undefined",
    "void": "undefined",
}
_LIST_GENERICS = frozenset({"Array", "ReadonlyArray", "Set", "ReadonlySet"})
_DICT_GENERICS = frozenset({"Record", "Map", "ReadonlyMap"})
UTILITIES = frozenset({"Partial", "Required", "Readonly", "Omit", "Pick"})


@dataclass(frozen=True)
class TsType:
    """A TypeScript type reduced to what the backend's types are compared with.

    ``kind`` is one of ``string``, ``number``, ``boolean``, ``any`` (also ``unknown``),
    ``object`` (``object``, ``Record``, ``Map``, an inline object or index signature), ``list``
    (``X[]``, ``Array<X>``; ``args`` holds the element), ``tuple``, ``name`` (a named type,
    ``name`` holds it, ``args`` its type arguments), ``literal`` (``name`` holds the value as
    written: ``"a"``, ``1``, ``true``), ``union`` (``args``), ``null``, ``undefined`` and
    ``opaque`` (a construct this reader does not reduce).
    """

    kind: str
    name: str = ""
    args: tuple[TsType, ...] = ()


OPAQUE = TsType("opaque")


@dataclass(frozen=True)
class TsMember:
    """A field of an object type: ``name?: type | null``."""

    name: str
    type: TsType
    """The type without its ``null`` and ``undefined`` alternatives."""
    optional: bool
    """Written with ``?`` (or ``| undefined``): the field may be absent."""
    nullable: bool
    """``| null`` among the alternatives."""
    text: str
    """The type as written (for messages)."""


@dataclass(frozen=True)
class TsRef:
    """A named object type an object type takes members from (``extends``, ``&``, an alias)."""

    name: str
    utility: str = ""
    """``Partial``, ``Required``, ``Readonly``, ``Omit`` or ``Pick`` around the name, if any."""
    keys: tuple[str, ...] = ()
    """The keys of ``Omit``/``Pick``."""


@dataclass(frozen=True)
class TsObject:
    """An interface, a type alias of an object type, or a class."""

    name: str
    kind: str
    """``interface``, ``type`` or ``class``."""
    path: str
    line: int
    members: tuple[TsMember, ...] = ()
    bases: tuple[TsRef, ...] = ()
    readable: bool = True
    """False when part of it is a construct this reader does not follow (a union of objects, a
    mapped or conditional type): its members are then unknown."""


EnumValue = tuple[str, str]
"""``("string", "a")`` or ``("number", "1")``."""


@dataclass(frozen=True)
class TsEnumMember:
    """A member of a TS ``enum`` or a key of an ``as const`` object; ``value`` None when not a literal."""

    name: str
    value: EnumValue | None


@dataclass(frozen=True)
class TsEnum:
    """A TS ``enum`` or an ``export const X = {...} as const`` object."""

    name: str
    kind: str
    """``enum`` or ``const``."""
    path: str
    line: int
    members: tuple[TsEnumMember, ...]


@dataclass
class FrontendModels:
    """Every object type and enum of a set of TypeScript files, by name (the first file in path
    order wins when two files declare one name)."""

    objects: dict[str, TsObject] = field(default_factory=dict)
    enums: dict[str, TsEnum] = field(default_factory=dict)
    files: int = 0
    unreadable: list[str] = field(default_factory=list)
    """Files that could not be read, each with why (told to the user; the others are compared)."""

    def add(self, objects: Iterable[TsObject], enums: Iterable[TsEnum]) -> None:
        """Add one file's declarations (names already known keep their first declaration)."""
        for declaration in objects:
            self.objects.setdefault(declaration.name, declaration)
        for enum in enums:
            self.enums.setdefault(enum.name, enum)

    def members(self, name: str) -> dict[str, TsMember] | None:
        """The members of an object type, inherited ones included; None when they cannot be known."""
        return self._members(TsRef(name), set(), {})

    def _members(
        self, ref: TsRef, seen: set[str], known: dict[str, dict[str, TsMember] | None]
    ) -> dict[str, TsMember] | None:
        """``members`` of ``ref``; ``seen``: the types being read (a cycle ends there). Each
        type's own and inherited members are read once (``known``): types extending types that
        extend the same bases would otherwise be read once per way down to them, and there are
        exponentially many (22 levels of two: 9 s)."""
        declaration = self.objects.get(ref.name)
        if declaration is None or not declaration.readable or ref.name in seen or len(seen) > MAX_BASES:
            return None
        if ref.name not in known:
            known[ref.name] = self._declared(declaration, seen | {ref.name}, known)
        members = known[ref.name]
        return None if members is None else _apply_utility(members, ref)

    def _declared(
        self, declaration: TsObject, seen: set[str], known: dict[str, dict[str, TsMember] | None]
    ) -> dict[str, TsMember] | None:
        members: dict[str, TsMember] = {}
        for base in declaration.bases:
            inherited = self._members(base, seen, known)
            if inherited is None:
                return None
            members.update(inherited)
        # Own members override inherited ones, as in `interface B extends A { x: string }`.
        members.update((member.name, member) for member in declaration.members)
        return members


def _apply_utility(members: dict[str, TsMember], ref: TsRef) -> dict[str, TsMember]:
    if ref.utility == "Partial":
        return {name: _with_optional(member, True) for name, member in members.items()}
    if ref.utility == "Required":
        return {name: _with_optional(member, False) for name, member in members.items()}
    if ref.utility == "Omit":
        return {name: member for name, member in members.items() if name not in ref.keys}
    if ref.utility == "Pick":
        return {name: member for name, member in members.items() if name in ref.keys}
    return members


def _with_optional(member: TsMember, optional: bool) -> TsMember:
    return TsMember(member.name, member.type, optional, member.nullable, member.text)


@cache
def _parser(tsx: bool) -> Parser:
    # Imported here: only runs that compare with a frontend load the grammar.
    import tree_sitter
    import tree_sitter_typescript

    grammar = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def parse_tree(source: bytes, tsx: bool = False) -> Node:
    """The root node of a TypeScript (or TSX) source; JavaScript parses with the same grammars."""
    return _parser(tsx).parse(source).root_node


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def string_value(node: Node) -> str:
    """The value of a string literal node (quotes removed, escapes applied where they are Python's too)."""
    raw = _text(node)
    if "\\" in raw and node.type == "string":
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return value
    return raw[1:-1] if len(raw) >= 2 else raw


def property_name(node: Node | None) -> str | None:
    """The name of a property key: ``a``, ``"a-b"``, ``1``; None for a computed key."""
    if node is None:
        return None
    if node.type in ("property_identifier", "identifier", "type_identifier", "private_property_identifier"):
        return _text(node)
    if node.type == "string":
        return string_value(node)
    if node.type == "number":
        return _number(_text(node))
    return None


def _number(text: str) -> str:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else str(value)


def _has_token(node: Node, token: str) -> bool:
    return any(child.type == token for child in node.children)


# Types.
MAX_TYPE_DEPTH = 64
"""Types nested deeper than this (``Array<Array<...>>`` of generated code) are ``opaque``: no model
mirrors a schema that way, and reading them would exhaust Python's stack."""
MAX_BASES = 200
"""An ``extends`` chain longer than this is not followed: the members are unknown (not judged)."""


def read_type(node: Node | None, depth: int = 0) -> TsType:
    """The reduced form of a type node (a ``type_annotation`` or the type itself)."""
    if node is None:
        return TsType("any")
    if depth > MAX_TYPE_DEPTH:
        return OPAQUE
    depth += 1
    kind = node.type
    if kind == "type_annotation":
        inner = node.named_children
        return read_type(inner[0], depth) if inner else TsType("any")
    if kind == "predefined_type":
        return TsType(_PREDEFINED.get(_text(node), "opaque"))
    if kind == "literal_type":
        return _literal_type(node)
    if kind in ("type_identifier", "nested_type_identifier"):
        name = _text(node)
        if name == "Date":
            return TsType("name", "Date")
        return TsType("name", name)
    if kind == "generic_type":
        return _generic_type(node, depth)
    if kind == "array_type":
        inner = node.named_children
        return TsType("list", args=(read_type(inner[0], depth) if inner else TsType("any"),))
    if kind in ("readonly_type", "parenthesized_type"):
        inner = node.named_children
        return read_type(inner[-1], depth) if inner else OPAQUE
    if kind == "union_type":
        return TsType("union", args=tuple(_flatten_union(node, depth)))
    if kind == "object_type":
        return TsType("object")
    if kind == "tuple_type":
        return TsType("tuple", args=tuple(read_type(child, depth) for child in node.named_children))
    return OPAQUE


def _literal_type(node: Node) -> TsType:
    inner = node.named_children[0] if node.named_children else node
    if inner.type == "null":
        return TsType("null")
    if inner.type == "undefined":
        return TsType("undefined")
    if inner.type == "string":
        return TsType("literal", f'"{string_value(inner)}"')
    if inner.type in ("number", "unary_expression"):
        return TsType("literal", _number(_text(inner).replace(" ", "")))
    if inner.type in ("true", "false"):
        return TsType("literal", inner.type)
    return OPAQUE


def _generic_type(node: Node, depth: int) -> TsType:
    name_node = node.child_by_field_name("name")
    name = _text(name_node) if name_node is not None else ""
    arguments = node.child_by_field_name("type_arguments")
    args = tuple(read_type(child, depth) for child in arguments.named_children) if arguments is not None else ()
    if name in _LIST_GENERICS:
        return TsType("list", args=args[:1] or (TsType("any"),))
    if name in _DICT_GENERICS:
        return TsType("object")
    if name == "Readonly" and args:
        return args[0]
    return TsType("name", name, args)


def _flatten_union(node: Node, depth: int) -> Iterator[TsType]:
    # `a | b | c` is parsed as `(a | b) | c`: a union of 500 members is 500 levels deep. The
    # nested unions are walked with a stack, their members read in source order.
    stack = list(reversed(node.named_children))
    while stack:
        child = stack.pop()
        if child.type == "union_type":
            stack.extend(reversed(child.named_children))
            continue
        found = read_type(child, depth)
        if found.kind == "union":
            yield from found.args
        else:
            yield found


def _member(name: str, type_node: Node | None, optional: bool) -> TsMember:
    found = read_type(type_node)
    alternatives = found.args if found.kind == "union" else (found,)
    nullable = any(alternative.kind == "null" for alternative in alternatives)
    undefinable = any(alternative.kind == "undefined" for alternative in alternatives)
    rest = tuple(alternative for alternative in alternatives if alternative.kind not in ("null", "undefined"))
    if len(rest) == 1:
        found = rest[0]
    elif not rest:
        found = TsType("any")
    else:
        found = TsType("union", args=rest)
    text = _text(type_node.named_children[0]) if type_node is not None and type_node.named_children else "any"
    return TsMember(name, found, optional or undefinable, nullable, text)


# Object types.
def _object_members(body: Node) -> list[TsMember]:
    """The property signatures of an ``interface_body`` or ``object_type`` (methods and index
    signatures are not data fields)."""
    members: list[TsMember] = []
    for child in body.named_children:
        if child.type != "property_signature":
            continue
        name = property_name(child.child_by_field_name("name"))
        if name is not None:
            members.append(_member(name, child.child_by_field_name("type"), _has_token(child, "?")))
    return members


def _ref(node: Node) -> TsRef | None:
    """A reference to a named object type (``Base``, ``Partial<Base>``, ``Omit<Base, "a">``)."""
    if node.type in ("type_identifier", "nested_type_identifier", "identifier"):
        return TsRef(_text(node).rsplit(".", 1)[-1])
    if node.type == "parenthesized_type" and node.named_children:
        return _ref(node.named_children[0])
    if node.type != "generic_type":
        return None
    name_node = node.child_by_field_name("name")
    arguments = node.child_by_field_name("type_arguments")
    args = arguments.named_children if arguments is not None else []
    name = _text(name_node) if name_node is not None else ""
    if name in UTILITIES and args:
        inner = _ref(args[0])
        if inner is None or inner.utility:
            return None
        keys: tuple[str, ...] = ()
        if name in ("Omit", "Pick"):
            if len(args) < 2:
                return None
            key_type = read_type(args[1])
            options = key_type.args if key_type.kind == "union" else (key_type,)
            if not all(option.kind == "literal" and option.name.startswith('"') for option in options):
                return None
            keys = tuple(option.name[1:-1] for option in options)
        return TsRef(inner.name, "" if name == "Readonly" else name, keys)
    # A generic base (`Page<Item>`): its own members are read; type parameters stay names.
    return TsRef(name.rsplit(".", 1)[-1])


def _alias_parts(node: Node) -> tuple[list[TsMember], list[TsRef], bool] | None:
    """Members and bases of a type alias's value; None when it is not an object type at all."""
    if node.type == "object_type":
        # A mapped type (`{ [K in keyof T]: ... }`) has members this reader cannot list.
        mapped = any(
            child.type == "index_signature" and any(inner.type == "mapped_type_clause" for inner in child.children)
            for child in node.named_children
        )
        return _object_members(node), [], not mapped
    if node.type == "parenthesized_type" and node.named_children:
        return _alias_parts(node.named_children[0])
    if node.type == "intersection_type":
        members: list[TsMember] = []
        bases: list[TsRef] = []
        readable = True
        for part in node.named_children:
            found = _alias_parts(part)
            if found is None:
                readable = False
                continue
            members += found[0]
            bases += found[1]
            readable = readable and found[2]
        return members, bases, readable
    ref = _ref(node)
    if ref is not None:
        return [], [ref], True
    return None


def _bases(nodes: Iterable[Node | None]) -> tuple[tuple[TsRef, ...], bool]:
    """The references of an ``extends`` list, and whether every one of them could be read."""
    refs = [_ref(node) if node is not None else None for node in nodes]
    return tuple(ref for ref in refs if ref is not None), None not in refs


def _interface(node: Node, path: str) -> TsObject | None:
    name = property_name(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    if name is None or body is None:
        return None
    bases, readable = _bases(
        base for clause in node.named_children if clause.type == "extends_type_clause" for base in clause.named_children
    )
    line = node.start_point[0] + 1
    return TsObject(name, "interface", path, line, tuple(_object_members(body)), bases, readable)


def _type_alias(node: Node, path: str) -> TsObject | None:
    name = property_name(node.child_by_field_name("name"))
    value = node.child_by_field_name("value")
    if name is None or value is None:
        return None
    parts = _alias_parts(value)
    if parts is None:
        return None  # not an object type (a union of literals, an enum's `typeof X[keyof typeof X]`)
    members, bases, readable = parts
    return TsObject(name, "type", path, node.start_point[0] + 1, tuple(members), tuple(bases), readable)


def _class(node: Node, path: str) -> TsObject | None:
    name = property_name(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    if name is None or body is None:
        return None
    # `implements` adds no members: the class declares them itself.
    bases, readable = _bases(
        clause.child_by_field_name("value")
        for heritage in node.named_children
        if heritage.type == "class_heritage"
        for clause in heritage.named_children
        if clause.type == "extends_clause"
    )
    members: list[TsMember] = []
    for child in body.named_children:
        if child.type == "public_field_definition":
            member = _class_field(child)
            if member is not None:
                members.append(member)
        elif child.type == "method_definition" and property_name(child.child_by_field_name("name")) == "constructor":
            members += _parameter_properties(child)
    return TsObject(name, "class", path, node.start_point[0] + 1, tuple(members), bases, readable)


def _hidden(node: Node) -> bool:
    """``static`` members and ``private``/``protected`` ones are not part of the data."""
    for child in node.children:
        if child.type == "static":
            return True
        if child.type == "accessibility_modifier" and _text(child) in ("private", "protected"):
            return True
    return False


def _class_field(node: Node) -> TsMember | None:
    name_node = node.child_by_field_name("name")
    if name_node is None or name_node.type == "private_property_identifier" or _hidden(node):
        return None
    name = property_name(name_node)
    if name is None:
        return None
    return _member(name, node.child_by_field_name("type"), _has_token(node, "?"))


def _parameter_properties(constructor: Node) -> list[TsMember]:
    """``constructor(public id: number, readonly name?: string)``: parameters that are fields."""
    parameters = constructor.child_by_field_name("parameters")
    members: list[TsMember] = []
    for parameter in parameters.named_children if parameters is not None else []:
        if parameter.type not in ("required_parameter", "optional_parameter"):
            continue
        declares = any(child.type in ("accessibility_modifier", "readonly") for child in parameter.children)
        if not declares or _hidden(parameter):
            continue
        pattern = parameter.child_by_field_name("pattern")
        name = property_name(pattern)
        if name is None:
            continue
        optional = parameter.type == "optional_parameter" or parameter.child_by_field_name("value") is not None
        members.append(_member(name, parameter.child_by_field_name("type"), optional))
    return members


# Enums.
def _enum_value(node: Node | None) -> EnumValue | None:
    if node is None:
        return None
    if node.type == "string":
        return ("string", string_value(node))
    if node.type == "number" or (node.type == "unary_expression" and _text(node).lstrip("-+ ")[:1].isdigit()):
        return ("number", _number(_text(node).replace(" ", "")))
    if node.type == "parenthesized_expression" and node.named_children:
        return _enum_value(node.named_children[0])
    return None


def _enum(node: Node, path: str) -> TsEnum | None:
    name = property_name(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    if name is None or body is None:
        return None
    members: list[TsEnumMember] = []
    # Members without an initialiser count up from the previous number (from 0).
    following: int | None = 0
    for child in body.named_children:
        if child.type == "enum_assignment":
            member = property_name(child.child_by_field_name("name"))
            value = _enum_value(child.child_by_field_name("value"))
        else:
            member = property_name(child)
            value = ("number", str(following)) if following is not None else None
        if member is None:
            continue
        members.append(TsEnumMember(member, value))
        following = None
        if value is not None and value[0] == "number" and value[1].lstrip("-").isdigit():
            following = int(value[1]) + 1
    return TsEnum(name, "enum", path, node.start_point[0] + 1, tuple(members))


def _const_objects(node: Node, path: str) -> Iterator[TsEnum]:
    """``const X = {...} as const`` (also followed by ``satisfies ...``)."""
    if not _has_token(node, "const"):
        return
    for declarator in node.named_children:
        if declarator.type != "variable_declarator":
            continue
        name = property_name(declarator.child_by_field_name("name"))
        value = declarator.child_by_field_name("value")
        while value is not None and value.type == "satisfies_expression" and value.named_children:
            value = value.named_children[0]
        if name is None or value is None or value.type != "as_expression" or value.children[-1].type != "const":
            continue
        target = value.named_children[0] if value.named_children else None
        if target is None or target.type != "object":
            continue
        members: list[TsEnumMember] = []
        for pair in target.named_children:
            if pair.type != "pair":
                continue
            key = property_name(pair.child_by_field_name("key"))
            if key is not None:
                members.append(TsEnumMember(key, _enum_value(pair.child_by_field_name("value"))))
        yield TsEnum(name, "const", path, node.start_point[0] + 1, tuple(members))


# Files.
def _declarations(root: Node) -> Iterator[Node]:
    for node in root.named_children:
        if node.type == "export_statement":
            inner = node.child_by_field_name("declaration")
            if inner is not None:
                yield inner
        else:
            yield node


def read_source(source: bytes, path: str, tsx: bool = False) -> tuple[list[TsObject], list[TsEnum]]:
    """The top-level object types and enums of one TypeScript source; ``path`` is how it is named."""
    objects: list[TsObject] = []
    enums: list[TsEnum] = []
    for node in _declarations(parse_tree(source, tsx)):
        kind = node.type
        declaration: TsObject | None = None
        if kind == "interface_declaration":
            declaration = _interface(node, path)
        elif kind == "type_alias_declaration":
            declaration = _type_alias(node, path)
        elif kind in ("class_declaration", "abstract_class_declaration"):
            declaration = _class(node, path)
        elif kind == "enum_declaration":
            enum = _enum(node, path)
            if enum is not None:
                enums.append(enum)
        elif kind == "lexical_declaration":
            enums.extend(_const_objects(node, path))
        if declaration is not None:
            objects.append(declaration)
    return objects, enums


def vue_script(source: bytes) -> tuple[bytes, bool] | None:
    """The TypeScript of a Vue component's ``<script lang="ts">`` blocks (``tsx`` too), every other
    byte blanked so that lines stay those of the ``.vue`` file, and whether it is TSX; None when
    the component has no TypeScript block (plain JavaScript is not read)."""
    blanked = bytearray(byte if byte == 0x0A else 0x20 for byte in source)
    found = tsx = False
    for match in _VUE_SCRIPT.finditer(source):
        lang = _VUE_LANG.search(match.group(1))
        if lang is None:
            continue
        found = True
        tsx = tsx or lang.group(1).lower() == b"tsx"
        start, end = match.span(2)
        blanked[start:end] = source[start:end]
    return (bytes(blanked), tsx) if found else None


def source_files(folder: Path, suffixes: tuple[str, ...] = SOURCE_SUFFIXES) -> list[Path]:
    """The files below ``folder`` with one of ``suffixes``, in path order (dependency folders skipped)."""
    found: list[Path] = []
    for directory, folders, files in os.walk(folder):
        # os.walk does not follow links to folders (no loop); a FIFO or a link to a device named
        # `*.ts` would block the read: regular files only, a linked one once.
        folders[:] = sorted(name for name in folders if name not in SKIPPED_FOLDERS)
        found += (Path(directory) / name for name in files if name.endswith(suffixes))
    regular: dict[str, Path] = {}
    for path in sorted(found):
        real = _regular_file(path)
        if real is not None:
            regular.setdefault(real, path)
    return sorted(regular.values())


def _regular_file(path: Path) -> str | None:
    try:
        real = os.path.realpath(path)
        return real if stat.S_ISREG(os.stat(real).st_mode) else None
    except (OSError, ValueError):
        return None


def read_folder(folder: Path, label: Path) -> FrontendModels:
    """Every TypeScript model below ``folder``; files are named relative to ``label`` (the project root)."""
    models = FrontendModels()
    for file in source_files(folder):
        try:
            data = file.read_bytes()
        except OSError:
            continue
        name = Path(os.path.relpath(file, label)).as_posix()
        tsx = file.suffix == ".tsx"
        if file.suffix == ".vue":
            script = vue_script(data)
            if script is None:
                continue
            data, tsx = script
        try:
            declarations = read_source(data, name, tsx=tsx)
        except RecursionError:
            # A shape nested deeper than the limits above foresee: this file is left out, the
            # others are still compared.
            models.unreadable.append(f"{name}: nested too deeply to be read")
            continue
        models.add(*declarations)
        models.files += 1
    return models
