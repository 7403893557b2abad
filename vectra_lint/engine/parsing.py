"""Parsing source with libcst, for about four fifths of the cost of ``libcst.parse_module``.

libcst's native parser builds the tree by importing the libcst module and calling each node class
on it with keyword arguments, so a large part of a parse is spent in Python: in the import (see
``_NATIVE_FRAME`` below) and in the ``__init__`` that ``dataclasses`` generated for the ~250 node
classes. Two things make the latter slower than it needs to be:

- every node is validated as it is built (``CSTNode.__post_init__`` calls ``_validate``),
  including every node of a tree the parser has just built from source it accepted (libcst's
  source says as much: "avoid validating the tree when parsing a file");
- a frozen dataclass sets each field through ``object.__setattr__``, looked up per field.

So each node class gets an equivalent ``__init__`` (same parameters, defaults and factories, the
same fields set, validation as before) that stores fields through the slot descriptors directly,
and skips validation while ``parse_module`` runs. Nodes built at any other time (rules building
fixes, libcst's own API) are validated exactly as before; the engine builds none while it parses
(it runs no threads), so none escapes validation. tests/test_parsing.py checks that every
class keeps its signature and that trees equal those libcst builds on its own.

A few node types keep validation while parsing: their checks are grammar rules that libcst's
parser leaves to validation (``u"a" b"c"`` parses, then fails validation), or might (argument
and parameter order); invalid source must keep failing as it did.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst._nodes.base import CSTNode

_STILL_VALIDATED = frozenset({cst.ConcatenatedString, cst.Call, cst.Arg, cst.Parameters, cst.Param, cst.Lambda})

# One shared flag the generated constructors read: a list, so that they see it change.
_validating = [True]


def _node_classes() -> list[type[CSTNode]]:
    found: list[type[CSTNode]] = []
    pending: list[type[CSTNode]] = list(CSTNode.__subclasses__())
    found.extend(pending)
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.append(subclass)
                pending.append(subclass)
    return found


def _constructor(node_class: type[CSTNode]) -> Callable[..., None] | None:
    """A faster ``__init__`` equivalent to the one ``dataclasses`` generated, or None where the
    class is not the plain frozen dataclass this is written for (then it keeps its own)."""
    params = getattr(node_class, "__dataclass_params__", None)
    if params is None or not params.frozen or "__init__" not in vars(node_class):
        return None
    if node_class.__post_init__ is not CSTNode.__post_init__:
        return None
    # The generated __init__ takes exactly the fields, in order (no init-only variables).
    code = vars(node_class)["__init__"].__code__
    fields = tuple(item.name for item in dataclasses.fields(node_class))
    if code.co_varnames[1 : code.co_argcount] != fields or code.co_kwonlyargcount:
        return None
    names: dict[str, Any] = {"_validating": _validating, "_MISSING": dataclasses.MISSING}
    parameters: list[str] = []
    body: list[str] = []
    for index, item in enumerate(dataclasses.fields(node_class)):
        if not item.init or item.kw_only:
            return None
        name = item.name
        if item.default is not dataclasses.MISSING:
            names[f"_default{index}"] = item.default
            parameters.append(f"{name}=_default{index}")
        elif item.default_factory is not dataclasses.MISSING:
            names[f"_factory{index}"] = item.default_factory
            parameters.append(f"{name}=_MISSING")
            body.append(f"if {name} is _MISSING: {name} = _factory{index}()")
        else:
            parameters.append(name)
        slot = vars(node_class).get(name) or next(
            (vars(base)[name] for base in node_class.__mro__ if name in vars(base)), None
        )
        if type(slot).__name__ == "member_descriptor":
            # The slot's own setter: a frozen dataclass's __setattr__ would refuse.
            names[f"_set{index}"] = slot.__set__  # type: ignore[union-attr]  # a member descriptor
            body.append(f"_set{index}(self, {name})")
        else:
            names["_object_setattr"] = object.__setattr__
            body.append(f"_object_setattr(self, {name!r}, {name})")
    body.append("self._validate()" if node_class in _STILL_VALIDATED else "if _validating[0]: self._validate()")
    source = f"def __init__(self, {', '.join(parameters)}) -> None:\n    " + "\n    ".join(body)
    namespace: dict[str, Any] = {}
    exec(source, names, namespace)  # noqa: S102  # generated from the class's own dataclass fields
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{node_class.__qualname__}.__init__"
    init.__module__ = node_class.__module__
    return init


def _install() -> None:
    for node_class in _node_classes():
        init = _constructor(node_class)
        if init is not None:
            node_class.__init__ = init  # type: ignore[method-assign]  # an equivalent constructor, see above


_install()


# The native parser imports the libcst module anew for every node it builds (pyo3's
# ``PyModule::import``, that is ``PyImport_Import``), and most of that went to
# ``builtins.__import__`` finding libcst in ``sys.modules``. PyImport_Import calls the
# ``__import__`` of the calling frame's globals, then takes the module from ``sys.modules``
# whatever that call returned. So the parser is called from a frame whose builtins hold a
# do-nothing ``__import__`` (``"".format`` takes any arguments, in C): each import is then one
# lookup in ``sys.modules``. This works only for modules already imported: libcst is the only
# one the parser asks for (tests/test_parsing.py checks it), and if a later libcst asked for
# another, it would get a KeyError and the file is parsed again the usual way.
# (libcst.native is a compiled module without type information.)
_native: Any = importlib.import_module("libcst.native")
_NATIVE_FRAME: dict[str, Any] = {"__builtins__": {"__import__": "".format}, "_native_parse": _native.parse_module}
exec("def parse(source):\n    return _native_parse(source, 'utf-8')\n", _NATIVE_FRAME)  # noqa: S102  # see above
_native_parse: Callable[[str], cst.Module] = _NATIVE_FRAME["parse"]


def parse_module(text: str) -> cst.Module:
    """``libcst.parse_module``, minus most of the per-node validation of the parser's own output."""
    _validating[0] = False
    try:
        try:
            return _native_parse(text)
        except KeyError:
            return cst.parse_module(text)
    finally:
        _validating[0] = True
