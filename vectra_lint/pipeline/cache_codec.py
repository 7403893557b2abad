"""Plain data for the result cache: values to JSON and back, for an allowlist of types only.

The cache folder is a file anyone who can write the project (or commit to it) controls, so what is
read from it is data, never code: JSON, decoded into ``None``, booleans, numbers, strings, lists,
tuples, sets, dicts, paths, and the frozen dataclasses and enums of a :class:`Types` allowlist. A
class is named in the file, but only looked up in that allowlist, which is built from vectra-lint's
own code and the plugins the config loaded (the classes of their packages; never imported by the
name read); each dataclass field is then checked against the field's annotation. Anything else (a
name not allowed, a wrong field count or type, a damaged or too deep document) raises
:class:`Rejected`: the cache treats it as a miss.

JSON arrays carry a tag as their first element (``["t", ...]`` a tuple, ``["D", name, *fields]``
a dataclass, ...); JSON objects are dicts with string keys.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from vectra_lint.config.settings import Names, Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix

if TYPE_CHECKING:
    from vectra_lint.rule import Rule

__all__ = ["CORE", "Rejected", "Types", "decode", "encode", "payload_types"]


class Rejected(Exception):
    """The value is not plain data of the allowed types (encoding), or the text is not (decoding)."""


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class Types:
    """The dataclasses and enums a document may hold, by ``module:qualname``."""

    def __init__(self, classes: Iterable[type]) -> None:
        """Allow ``classes`` (frozen dataclasses and enums)."""
        self.by_name: dict[str, type] = {_name(cls): cls for cls in classes}

    def __contains__(self, cls: type) -> bool:
        """Whether ``cls`` itself (not a class of the same name) is allowed."""
        return self.by_name.get(_name(cls)) is cls


CORE = Types((Diagnostic, Fix, Edit, Applicability, Settings, Names))
"""What settled diagnostics, project verdicts and settings hold: readable without the engine."""


def _allowed_kind(value: object) -> bool:
    if isinstance(value, enum.Enum):
        return True
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and bool(params.frozen)


_PAYLOAD_MODULES = ("vectra_lint.analysis", "vectra_lint.rules", "vectra_lint.fixing")


def payload_types() -> Types:
    """The core types and every frozen dataclass and enum of vectra-lint's loaded rules, analyses and
    fix helpers (VL402's pending payload holds ``fixing.instrumentation.Param``), and of the plugins
    loaded in this process (the modules of their package): what pending diagnostics' payloads and
    project facts may hold. Imports every rule (the engine)."""
    from vectra_lint import registry

    return _payload_types(registry.plugin_rules())


@cache
def _payload_types(plugins: tuple[type[Rule], ...]) -> Types:
    from vectra_lint import registry
    from vectra_lint.rule import analyses_read

    registry.all_rules()
    # A plugin's payloads and facts are its own frozen dataclasses, defined beside its rules and
    # analyses (code the project's config already runs; looked up by name in this list only).
    listeners = [listener for rule in plugins for listener in (rule, *analyses_read(rule))]
    packages = {listener.__module__.partition(".")[0] for listener in listeners}
    found: list[type] = list(CORE.by_name.values())
    for module_name, module in list(sys.modules.items()):
        if module is None:
            continue
        if not module_name.startswith(_PAYLOAD_MODULES) and module_name.partition(".")[0] not in packages:
            continue
        for value in list(vars(module).values()):
            if not isinstance(value, type) or value.__module__ != module_name:
                continue
            params = getattr(value, "__dataclass_params__", None)
            if issubclass(value, enum.Enum) or (params is not None and params.frozen):
                found.append(value)
    return Types(found)


def encode(value: object, allowed: Types) -> str:
    """``value`` as JSON text; :class:`Rejected` when it holds anything not plain or not allowed."""
    try:
        return json.dumps(_to_json(value, allowed), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (ValueError, RecursionError) as error:
        raise Rejected(str(error)) from None


def _to_json(value: object, allowed: Types) -> object:
    # Exact types first: the common case, and a subclass of str or int is not plain data.
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value
    if kind is tuple:
        return ["t", *(_to_json(item, allowed) for item in typing.cast("tuple[object, ...]", value))]
    if kind is list:
        return ["l", *(_to_json(item, allowed) for item in typing.cast("list[object]", value))]
    if kind is dict:
        mapping = typing.cast("dict[object, object]", value)
        if all(type(key) is str for key in mapping):
            return {key: _to_json(item, allowed) for key, item in mapping.items()}
        return [
            "m",
            *(part for key, item in mapping.items() for part in (_to_json(key, allowed), _to_json(item, allowed))),
        ]
    if kind in (frozenset, set):
        items = sorted((_to_json(item, allowed) for item in typing.cast("set[object]", value)), key=_order)
        return ["f" if kind is frozenset else "s", *items]
    if isinstance(value, PurePath):
        return ["p", str(value)]
    if kind in allowed and _allowed_kind(value):
        if isinstance(value, enum.Enum):
            return ["e", _name(kind), _to_json(value.value, allowed)]
        fields = dataclasses.fields(typing.cast(Any, value))
        return ["D", _name(kind), *(_to_json(getattr(value, f.name), allowed) for f in fields if f.init)]
    raise Rejected(f"not plain data: {kind.__qualname__}")


def _order(item: object) -> str:
    # Sets are written sorted, so that equal sets give equal text.
    return json.dumps(item, sort_keys=True)


def decode(text: str | bytes, allowed: Types) -> object:
    """The value ``text`` holds; :class:`Rejected` for anything but what :func:`encode` writes."""
    try:
        return _from_json(json.loads(text, parse_constant=_no_constant), allowed)
    except (ValueError, RecursionError, TypeError) as error:  # JSONDecodeError is a ValueError
        raise Rejected(str(error)) from None


def _no_constant(name: str) -> object:
    raise Rejected(f"not plain data: {name}")


_PLAIN = (bool, int, float, str)


def _from_json(value: object, allowed: Types) -> object:
    if value is None or type(value) in _PLAIN:
        return value
    if type(value) is dict:
        return {key: _from_json(item, allowed) for key, item in typing.cast("dict[str, object]", value).items()}
    if type(value) is not list or not value or type(value[0]) is not str:
        raise Rejected("not a tagged array")
    tag = value[0]
    items = value[1:]
    if tag == "t":
        return tuple(_from_json(item, allowed) for item in items)
    if tag == "l":
        return [_from_json(item, allowed) for item in items]
    if tag in ("f", "s"):
        decoded = [_from_json(item, allowed) for item in items]
        return frozenset(decoded) if tag == "f" else set(decoded)
    if tag == "m":
        if len(items) % 2:
            raise Rejected("a mapping of odd length")
        pairs = [_from_json(item, allowed) for item in items]
        return dict(zip(pairs[::2], pairs[1::2], strict=True))
    if tag == "p":
        if len(items) != 1 or type(items[0]) is not str:
            raise Rejected("not a path")
        return Path(items[0])
    if tag in ("e", "D") and items and type(items[0]) is str:
        cls = allowed.by_name.get(items[0])
        if cls is None:
            raise Rejected(f"a type that is not allowed: {items[0]}")
        if tag == "e" and issubclass(cls, enum.Enum) and len(items) == 2:
            return cls(_from_json(items[1], allowed))
        if tag == "D" and not issubclass(cls, enum.Enum):
            return _dataclass(cls, [_from_json(item, allowed) for item in items[1:]])
    raise Rejected(f"unknown tag {tag!r}")


def _dataclass(cls: type, values: list[object]) -> object:
    checks = _field_checks(cls)
    if len(values) != len(checks):
        raise Rejected(f"{cls.__qualname__}: {len(values)} fields instead of {len(checks)}")
    arguments = {}
    for (name, check), item in zip(checks, values, strict=True):
        if not check(item):
            raise Rejected(f"{cls.__qualname__}.{name}: a value of the wrong type")
        arguments[name] = item
    return cls(**arguments)


Check = Callable[[object], bool]


def _anything(value: object) -> bool:
    return True


@cache
def _field_checks(cls: type) -> tuple[tuple[str, Check], ...]:
    """For each init field: a check of a value against the field's annotation."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation only a type checker resolves: the codec's own checks hold
        hints = {}
    return tuple(
        (f.name, _check(hints.get(f.name, object))) for f in dataclasses.fields(typing.cast(Any, cls)) if f.init
    )


def _check(hint: object) -> Check:  # noqa: C901 -- one branch per kind of annotation
    """A function telling whether a decoded value fits ``hint``."""
    if hint is typing.Any or hint is object or isinstance(hint, typing.TypeVar):
        return _anything
    if hint is type(None) or hint is None:
        return lambda value: value is None
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        alternatives = tuple(_check(argument) for argument in arguments)
        return lambda value: any(check(value) for check in alternatives)
    if origin is typing.Literal:
        return lambda value: value in arguments
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            each = _check(arguments[0])
            return lambda value: type(value) is tuple and all(each(item) for item in value)
        if not arguments:
            return lambda value: type(value) is tuple
        checks = tuple(_check(argument) for argument in arguments)
        return lambda value: (
            type(value) is tuple and len(value) == len(checks) and all(c(v) for c, v in zip(checks, value, strict=True))
        )
    if origin in (frozenset, set, list):
        container = origin
        each = _check(arguments[0]) if arguments else _anything
        return lambda value: type(value) is container and all(each(item) for item in typing.cast("set[object]", value))
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        keys = _check(arguments[0]) if arguments else _anything
        values = _check(arguments[1]) if len(arguments) > 1 else _anything
        return lambda value: type(value) is dict and all(keys(k) and values(v) for k, v in value.items())
    if isinstance(hint, type) and typing.is_typeddict(hint):
        fields = {name: _check(field) for name, field in typing.get_type_hints(hint).items()}
        return lambda value: (
            type(value) is dict and all(key in fields and fields[key](item) for key, item in value.items())
        )
    if hint is float:
        return lambda value: type(value) in (int, float)
    if hint is int:
        return lambda value: type(value) is int
    if hint in (str, bool):
        return lambda value: type(value) is hint
    if isinstance(hint, type) and origin is None:
        cls = hint
        return lambda value: isinstance(value, cls)
    return _anything
