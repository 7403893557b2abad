"""Comparing a backend model's fields with its TypeScript counterpart's members (VL703)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from vectra_lint.analysis.pydantic_models import FieldFacts, ModelIndex, PyType, ResolvedModel, wire_name
from vectra_lint.config.settings import Settings
from vectra_lint.frontend.typescript import FrontendModels, TsMember, TsType

SUFFIXES = ("Read", "Response", "Public", "Out", "Schema")
"""A schema ``ConnectorResponse`` is mirrored as ``Connector`` in TypeScript."""


def parse_pairs(entries: Sequence[str]) -> dict[str, str]:
    """``["ConnectorOut=ConnectorView"]`` -> ``{"ConnectorOut": "ConnectorView"}`` (bad entries skipped)."""
    pairs: dict[str, str] = {}
    for entry in entries:
        python, sep, typescript = entry.partition("=")
        if sep and python.strip() and typescript.strip():
            pairs[python.strip()] = typescript.strip()
    return pairs


def counterpart_names(name: str, pairs: Mapping[str, str]) -> tuple[str, ...]:
    """The TypeScript names a Python model may be mirrored as, in order of preference."""
    if name in pairs:
        return (pairs[name],)
    names = [name]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            names.append(name[: -len(suffix)])
    return tuple(names)


def counterpart(name: str, models: FrontendModels, pairs: Mapping[str, str]) -> str | None:
    """The TypeScript object type that mirrors the Python model ``name``, if there is one."""
    return next((candidate for candidate in counterpart_names(name, pairs) if candidate in models.objects), None)


def _alternatives(py: PyType) -> tuple[list[PyType], bool]:
    """The non-None alternatives of a type, and whether None is one of them."""
    parts = [cast(PyType, part) for part in py[1:]] if py[0] == "union" else [py]
    rest = [part for part in parts if part[0] != "none"]
    return rest, len(rest) != len(parts)


def _split_literals(py: PyType) -> list[PyType]:
    """A union's or a ``Literal``'s alternatives, each literal value on its own (in any order)."""
    parts = [cast(PyType, part) for part in py[1:]] if py[0] == "union" else [py]
    found: list[PyType] = []
    for part in parts:
        if part[0] == "literal":
            found.extend(("literal", value) for value in part[1:])
        else:
            found.append(part)
    return found


@dataclass
class Comparison:
    """Compares the types of one model file's fields with TypeScript (knows both sides' names)."""

    index: ModelIndex
    models: FrontendModels
    pairs: Mapping[str, str]
    path: str
    """The Python file whose names the ``ref`` types are written in."""

    def matches(self, py: PyType, ts: TsType) -> bool:
        """Whether a (non-None) Python type maps to a TypeScript type; unknown sides match."""
        kind = py[0]
        if ts.kind in ("any", "opaque") or kind in ("any", "opaque"):
            return True
        if ts.kind == "name" and ts.name not in self.models.objects and ts.name not in self.models.enums:
            if kind != "ref" and ts.name != "Date":
                return True  # an alias this reader does not follow (`type Id = string`)
        if kind == "union" or (kind == "literal" and len(py) > 2):
            # `Literal["ok", "error"]` is the union `"ok" | "error"`: each value one alternative.
            alternatives = _split_literals(py)
            options = ts.args if ts.kind == "union" else (ts,)
            return all(any(self.matches(a, o) for o in options) for a in alternatives) and all(
                any(self.matches(a, o) for a in alternatives) for o in options
            )
        if ts.kind == "union":
            return all(self.matches(py, option) for option in ts.args)
        if kind == "string":
            return ts.kind == "string"
        if kind == "datetime":
            return ts.kind == "string" or (ts.kind == "name" and ts.name == "Date")
        if kind == "number":
            return ts.kind == "number"
        if kind == "decimal":
            return ts.kind in ("number", "string")
        if kind == "boolean":
            return ts.kind == "boolean"
        if kind == "dict":
            return ts.kind == "object"
        if kind == "list":
            if ts.kind == "tuple":
                return True
            return ts.kind == "list" and self.matches(cast(PyType, py[1]), ts.args[0])
        if kind == "tuple":
            if ts.kind == "list":
                return all(self.matches(cast(PyType, part), ts.args[0]) for part in py[1:])
            return (
                ts.kind == "tuple"
                and len(ts.args) == len(py) - 1
                and all(self.matches(cast(PyType, p), t) for p, t in zip(py[1:], ts.args, strict=True))
            )
        if kind == "literal":
            return self._literal_matches(cast(tuple[str, ...], py[1:]), ts)
        if kind == "ref":
            return self._ref_matches(str(py[1]), ts)
        return True

    def _literal_matches(self, values: tuple[str, ...], ts: TsType) -> bool:
        if ts.kind == "literal":
            return values == (ts.name,)
        if ts.kind == "string":
            return all(value.startswith('"') for value in values)
        if ts.kind == "number":
            return all(value[:1].isdigit() or value[:1] == "-" for value in values)
        if ts.kind == "boolean":
            return all(value in ("true", "false") for value in values)
        return False

    def _ref_matches(self, dotted: str, ts: TsType) -> bool:
        found = self.index.type_of(self.path, dotted)
        if found is None:
            return True  # a class this run does not know: nothing to compare with
        if found.kind == "enum":
            return ts.kind == "name" and ts.name == found.name
        if ts.kind == "object":
            return True
        return ts.kind == "name" and ts.name in counterpart_names(found.name, self.pairs)

    def expected(self, py: PyType) -> str:
        """How TypeScript would write a Python type."""
        kind = py[0]
        if kind in ("string", "datetime"):
            return "string"
        if kind == "number":
            return "number"
        if kind == "decimal":
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "dict":
            return "Record<string, ...>"
        if kind == "list":
            inner = self.expected(cast(PyType, py[1]))
            return f"({inner})[]" if " " in inner else f"{inner}[]"
        if kind == "tuple":
            return "[" + ", ".join(self.expected(cast(PyType, part)) for part in py[1:]) + "]"
        if kind == "literal" or kind == "union":
            parts = py[1:] if kind == "literal" else [self.expected(cast(PyType, part)) for part in py[1:]]
            return " | ".join(str(part) for part in parts)
        if kind == "ref":
            dotted = str(py[1])
            found = self.index.type_of(self.path, dotted)
            if found is None:
                return dotted.rsplit(".", 1)[-1]
            if found.kind == "model":
                return counterpart(found.name, self.models, self.pairs) or found.name
            return found.name
        return "unknown"


def _label(field: FieldFacts, wire: str) -> str:
    return f"`{field['name']}`" if wire == field["name"] else f"`{field['name']}` (`{wire}`)"


def differences(model: ResolvedModel, members: Mapping[str, TsMember], comparison: Comparison) -> list[str] | None:
    """Each way the TypeScript members differ from the model's fields; None when the fields'
    names on the wire cannot be known (an alias generator this reader does not know)."""
    found: list[str] = []
    wires: set[str] = set()
    for field in model.fields:
        wire = wire_name(field, model.generator)
        if wire is None:
            return None
        wires.add(wire)
        member = members.get(wire)
        label = _label(field, wire)
        if member is None:
            found.append(f"{label} is missing there")
            continue
        alternatives, nullable = _alternatives(field["type"])
        if field["type"][0] in ("any", "opaque") or member.type.kind in ("any", "opaque"):
            pass  # either side may hold None: nothing to say about optionality
        elif nullable and not (member.optional or member.nullable):
            found.append(
                f"{label} may be None here (`{field['annotation']}`) but is required there (add `?` or `| null`)"
            )
        elif not nullable and member.nullable:
            found.append(f"{label} is never None here but `| null` there")
        elif not nullable and member.optional and not field["has_default"]:
            found.append(f"{label} is required here but optional (`?`) there")
        if not alternatives:
            continue
        py: PyType = alternatives[0] if len(alternatives) == 1 else ("union", *alternatives)
        if not comparison.matches(py, member.type):
            expected = comparison.expected(py)
            found.append(f"{label} is `{field['annotation']}` here (TS `{expected}`) but `{member.text}` there")
    for name in members:
        if name not in wires:
            found.append(f"`{name}` there is not a field here")
    return found


@dataclass(frozen=True)
class RawEnumUse:
    """A schema field typed with a project enum whose TypeScript counterpart holds raw values."""

    model: str
    field: str
    ts: str
    where: str
    """The TS declaration, ``path:line``."""
    text: str
    """The TS member's type as written (``string``, ``"a" | "b"``)."""

    def __str__(self) -> str:
        """How the message names the use."""
        return f"`{self.model}.{self.field}` is `{self.text}` in `{self.ts}` ({self.where})"


def _raw_value(ts: TsType) -> bool:
    """Whether a TS type holds bare values (``string``, ``number``, literals, a union of them)."""
    if ts.kind == "union":
        return all(_raw_value(option) for option in ts.args)
    return ts.kind in ("string", "number", "literal")


def _enum_fields(py: PyType, ts: TsType) -> list[tuple[str, TsType]]:
    """The ``ref`` alternatives of a field's type, each with the TS type standing for it (lists unwrapped
    on both sides)."""
    alternatives, _nullable = _alternatives(py)
    found: list[tuple[str, TsType]] = []
    for alternative in alternatives:
        side = ts
        if alternative[0] == "list" and ts.kind == "list":
            alternative, side = cast(PyType, alternative[1]), ts.args[0]
        if alternative[0] == "ref":
            found.append((str(alternative[1]), side))
    return found


def raw_enum_uses(
    index: ModelIndex, models: FrontendModels, pairs: Mapping[str, str], settings: Settings
) -> dict[tuple[str, str], list[RawEnumUse]]:
    """For each project enum (file, name), the fields of `schemas` models with a TS counterpart that
    use it where that counterpart holds raw values instead of a type of the enum's name."""
    uses: dict[tuple[str, str], list[RawEnumUse]] = {}
    for path in sorted(index.classes):
        if "schemas" not in settings.layers_of(path):
            continue
        for name, facts in index.classes[path].items():
            if facts["enum"]:
                continue
            model = index.model(path, name)
            ts_name = counterpart(name, models, pairs) if model is not None else None
            members = models.members(ts_name) if ts_name is not None else None
            if model is None or ts_name is None or members is None:
                continue
            declaration = models.objects[ts_name]
            for field in model.fields:
                wire = wire_name(field, model.generator)
                member = members.get(wire) if wire is not None else None
                if member is None:
                    continue
                for dotted, ts in _enum_fields(field["type"], member.type):
                    found = index.resolve_class(path, dotted)
                    if not isinstance(found, tuple) or not _raw_value(ts):
                        continue
                    facts_of = index.classes.get(found[0], {}).get(found[1])
                    if facts_of is not None and facts_of["enum"]:
                        where = f"{declaration.path}:{declaration.line}"
                        use = RawEnumUse(name, field["name"], ts_name, where, member.text)
                        uses.setdefault(found, []).append(use)
    return uses
