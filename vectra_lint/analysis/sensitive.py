"""The one judgement of sensitivity, shared by the rules that keep secrets out of logs: VL404
reports a secret logged, VL401 and VL402 write no fix that would log one.

A value is sensitive

- by name: a sensitive name (``api_key``, ``password``, ``secret``, ``token``, ``authorization``
  by default, option ``names.sensitive-names``) as whole words of a variable, attribute,
  parameter or dict key, case-insensitively (:func:`is_secret_name`: ``user_password`` and
  ``access_token`` are secrets, ``input_tokens`` and ``is_secret`` are not);
- by sibling: a ``value`` beside an ``is_secret`` flag (:func:`secret_siblings`), among a
  function's parameters or a class's fields;
- by type: an object of a project class (Pydantic, SQLModel, dataclass, ORM, any class) with a
  sensitive field, at any depth: its own fields, its bases' and the fields of the classes its
  fields are typed with (:class:`Types`, over the project index, so across modules).

:class:`Types` also says how VL402's START log may show a parameter without a repr
(:class:`Shown`): a plain value, a project object by its type and id fields, anything else by its
type only.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import libcst as cst

from vectra_lint.analysis.module_summary import annotation_names
from vectra_lint.analysis.project_index import ProjectIndex, Symbol, SymbolKind, Tri
from vectra_lint.engine.walker import callee_name, child_nodes, types_leading_to


def _string_key(node: cst.BaseExpression) -> str | None:
    if type(node) is cst.SimpleString:
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


# The words of a name: `OPENAI_API_KEY`, `apiKey`, `x-api-key` -> openai/api/key, api/key, x/api/key.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# A secret's word followed (anywhere later in the name) by one of these names something about the
# secret, not its value: `token_count`, `password_reset_url`, `api_key_id`, `secret_name`, `token_manager`.
_NOT_VALUE_AFTER = frozenset(
    """count counts num number max min limit limits len length size total usage used budget remaining id ids
    type types name names url uri urls endpoint expiry expires expiration expire expired ttl lifetime field fields
    env var path file dir manager service client provider store validator generator factory model schema class
    policy rule rules strength hint set present provided valid required enabled configured missing error errors
    exists format pattern prefix scheme location source kind mode label param params""".split()
)
# ... and preceded by one of these: `has_token`, `is_valid_token`, `max_token`, `verify_token(...)`.
_NOT_VALUE_BEFORE = frozenset(
    """has is max min num n total count use uses with no missing require requires invalid valid validate verify
    check used remaining""".split()
)


def _words(name: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(name)]


def is_secret_name(name: str, sensitive: Sequence[str]) -> bool:
    """Whether ``name`` most likely holds a secret's value: a sensitive name as whole words
    (``GEMINI_API_KEY``, ``apiKey``, ``refresh_token``, ``bearerToken``), not a longer word
    (``tokens``, ``tokenizer``, the ``secrets`` module) nor a name about the secret rather than
    its value (``max_tokens``, ``token_count``, ``api_key_id``, ``has_password``).

    The one test of a name, for VL401, VL402 and VL404: a false alarm masks a useful value in
    every START log, or costs a reader's time.
    """
    return _is_secret_name(name, tuple(sensitive))


# The same names come back at every log call and parameter of a project.
@functools.lru_cache(maxsize=8192)
def _is_secret_name(name: str, sensitive: tuple[str, ...]) -> bool:
    words = _words(name)
    for pattern in sensitive:
        parts = _words(pattern)
        if not parts:
            continue
        joined = "".join(parts)
        size = len(parts)
        for index, word in enumerate(words):
            if words[index : index + size] == parts:
                end = index + size
            elif word.endswith(joined):
                end = index + 1
            else:
                continue
            if _NOT_VALUE_BEFORE.isdisjoint(words[:index]) and _NOT_VALUE_AFTER.isdisjoint(words[end:]):
                return True
    return False


# Calls whose result says something about a value without carrying it.
_NOT_CARRYING = frozenset({"bool", "len", "type", "isinstance", "issubclass", "hasattr", "callable", "id"})
_MASKING_WORDS = ("mask", "redact")
_KEY_READERS = frozenset({"get", "pop", "getenv"})


def _is_literal(node: cst.BaseExpression) -> bool:
    return type(node) in _LITERALS or (type(node) is cst.Name and node.value in ("None", "True", "False"))


_LITERALS = frozenset({cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float})


def is_masking_call(node: cst.Call, mask_functions: Sequence[str]) -> bool:
    """A call whose result hides its arguments: a function named in ``mask_functions``, or one
    whose name says it masks or redacts (``mask_api_key(key)``, ``redact(headers)``)."""
    name = callee_name(node.func)
    if name is None:
        return False
    lowered = name.lower()
    return name in mask_functions or any(word in lowered for word in _MASKING_WORDS)


def leaked_references(
    expression: cst.CSTNode,
    sensitive: Sequence[str],
    mask_functions: Sequence[str] = (),
    carried: list[cst.Name] | None = None,
) -> list[tuple[cst.CSTNode, str]]:
    """The secret values (:func:`is_secret_name`) that ``expression`` carries into a log line.

    Like :func:`referenced_names`, but following only what reaches the text: the base of an
    attribute (``token.expires_at``) or of a string-keyed subscript (``token_data["sub"]``) is
    not carried; a call's result is (``get_api_key()``, ``token.strip()``), except masking calls
    (:func:`is_masking_call`) and calls that only describe a value (``len``, ``bool``,
    ``isinstance``). Comparisons and the test of a conditional expression yield booleans, and a
    literal dict value (``{"password": "[MASKED]"}``) is a mask. A literal dict key is reported when
    its value is not a literal (``{"token": t}``).

    ``carried`` (when given) receives every variable whose whole value reaches the text
    (``{user}``, not ``{user.id}``): the rule judges those by their type (:class:`Types`).
    """
    found: list[tuple[cst.CSTNode, str]] = []

    def check(node: cst.CSTNode, name: str) -> None:
        if is_secret_name(name, sensitive):
            found.append((node, name))

    # Exact types (libcst never subclasses its concrete nodes): a failed isinstance against
    # libcst's ABC-based classes goes through ABCMeta, and this runs at every log call. Children
    # that can hold none of the nodes judged here (whitespace, commas, numbers) are not entered.
    entered = _entered()
    stack: list[cst.CSTNode] = [expression]
    while stack:
        node = stack.pop()
        if type(node) is cst.Name:
            check(node, node.value)
            if carried is not None:
                carried.append(node)
        elif type(node) is cst.Attribute:
            check(node, node.attr.value)
        elif type(node) is cst.Call:
            func = node.func
            name = callee_name(func)
            if is_masking_call(node, mask_functions) or (type(func) is cst.Name and name in _NOT_CARRYING):
                continue
            # A value read by key: `data.get("password")`, `os.getenv("DB_PASSWORD")`.
            key = _string_key(node.args[0].value) if name in _KEY_READERS and node.args else None
            if key is not None:
                check(node, key)
                continue
            if type(func) is cst.Attribute:
                check(func, func.attr.value)
            elif name is not None:
                check(func, name)
            stack.extend(arg.value for arg in reversed(node.args))
            if type(func) is not cst.Name:
                stack.append(func.value if type(func) is cst.Attribute else func)
        elif type(node) is cst.Subscript:
            index = node.slice[0].slice if len(node.slice) == 1 else None
            key = _string_key(index.value) if type(index) is cst.Index else None
            if key is not None:
                check(node, key)
            else:
                stack.append(node.value)
        elif type(node) is cst.Comparison or (type(node) is cst.UnaryOperation and type(node.operator) is cst.Not):
            continue
        elif type(node) is cst.IfExp:
            stack.extend((node.orelse, node.body))
        elif type(node) is cst.Dict:
            for element in reversed(node.elements):
                if type(element) is cst.DictElement:
                    key = _string_key(element.key)
                    if key is not None and not _is_literal(element.value) and is_secret_name(key, sensitive):
                        found.append((element.key, key))
                        continue
                    stack.append(element.value)
                else:
                    stack.append(element.value)
        elif type(node) is cst.Lambda:
            continue
        else:
            stack.extend(child for child in reversed(child_nodes(node)) if type(child) in entered)
    return found


@functools.cache
def _entered() -> frozenset[type[cst.CSTNode]]:
    """The node types :func:`leaked_references` enters: those it judges, and those that can hold one."""
    return types_leading_to((cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Dict))


# By sibling: a flag that says another parameter or field is secret (`is_secret`, `is_sensitive`),
# and the names that then hold the secret (`value`, `raw_value`, `data`).
_FLAG_WORDS = frozenset({"secret", "sensitive", "private", "encrypted", "confidential"})
_VALUE_WORDS = frozenset({"value", "values", "val", "content", "data", "raw"})


def _is_flag(name: str, sensitive: Sequence[str]) -> bool:
    words = _words(name)
    if len(words) < 2 or words[0] != "is":
        return False
    secret_words = {word for pattern in sensitive for word in _words(pattern)} | _FLAG_WORDS
    return not secret_words.isdisjoint(words[1:])


def secret_siblings(names: Sequence[str], sensitive: Sequence[str]) -> frozenset[str]:
    """The names among ``names`` (one function's parameters, or one class's fields) that are
    secret because a sibling says so: ``value`` beside ``is_secret``."""
    if not any(_is_flag(name, sensitive) for name in names):
        return frozenset()
    return frozenset(name for name in names if _words(name)[-1:] and _words(name)[-1] in _VALUE_WORDS)


def secret_names(names: Sequence[str], sensitive: Sequence[str]) -> frozenset[str]:
    """The names among ``names`` (siblings) that are secret by name or by sibling."""
    return frozenset(name for name in names if is_secret_name(name, sensitive)) | secret_siblings(names, sensitive)


def parameter_secrets(function: cst.FunctionDef | None, sensitive: Sequence[str]) -> frozenset[str]:
    """The parameters of ``function`` that are secret by name or by sibling."""
    if function is None:
        return frozenset()
    params = function.params
    listed = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            listed.append(extra)
    return secret_names([param.name.value for param in listed], sensitive)


def parameter_annotation(function: cst.FunctionDef | None, name: str) -> cst.BaseExpression | None:
    """The annotation of ``function``'s parameter ``name``, if it has both."""
    if function is None:
        return None
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            return param.annotation.annotation if param.annotation is not None else None
    return None


# By type.
Shape = tuple[object, ...]
"""An annotation reduced to plain data (it crosses processes in a pending diagnostic):
``("name", dotted)``, ``("sub", dotted, (shapes...))``, ``("union", (shapes...))``, ``("none",)``,
``("ellipsis",)`` or ``("other",)``."""

_OTHER: Shape = ("other",)


def _parts(shape: Shape, position: int) -> tuple[Shape, ...]:
    """The shapes a union (position 1) or a subscript (position 2) holds."""
    return cast("tuple[Shape, ...]", shape[position])


def annotation_shape(annotation: cst.BaseExpression) -> Shape:
    """The :data:`Shape` of an annotation as written (a string annotation is read as code)."""
    if isinstance(annotation, (cst.Name, cst.Attribute)):
        name = annotation_names(annotation)
        if annotation.__class__ is cst.Name and annotation.value == "None":
            return ("none",)
        return ("name", name[0]) if name else _OTHER
    if isinstance(annotation, cst.Subscript):
        names = annotation_names(annotation.value)
        if not names or not isinstance(annotation.value, (cst.Name, cst.Attribute)):
            return _OTHER
        args = tuple(
            annotation_shape(element.slice.value) if isinstance(element.slice, cst.Index) else _OTHER
            for element in annotation.slice
        )
        return ("sub", names[0], args)
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        members: list[Shape] = []
        for side in (annotation.left, annotation.right):
            shape = annotation_shape(side)
            members.extend(_parts(shape, 1) if shape[0] == "union" else (shape,))
        return ("union", tuple(members))
    if isinstance(annotation, cst.Ellipsis):
        return ("ellipsis",)
    if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
        text = annotation.evaluated_value
        if isinstance(text, str):
            try:
                return annotation_shape(cst.parse_expression(text))
            except cst.ParserSyntaxError:
                return _OTHER
    return _OTHER


class Shown(enum.Enum):
    """How VL402's START log shows one parameter (never by an object's repr)."""

    VALUE = "value"
    """``name={name}``: a plain value (``str``, ``int``, ``UUID``, an enum, a list of those)."""
    MASKED = "masked"
    """``name=[MASKED]``: a secret by name or by sibling."""
    KEYS = "keys"
    """``name={list(name)}``: ``**kwargs`` by its keys (its values may be secrets)."""
    IDS = "ids"
    """``name=User(id={name.id})``: an object of a project class, by its type and id fields."""
    TYPE = "type"
    """``name=<Request>``: any other object, by its type as annotated."""
    RUNTIME_TYPE = "runtime type"
    """``name=<{type(name).__name__}>``: an object of unknown or mixed type, by its type at run time."""
    COUNT = "count"
    """``name=[{len(name)} items]``: a collection of objects, by its size."""


@dataclass(frozen=True)
class Showing:
    """How a parameter is shown, with the type name and id fields it needs."""

    shown: Shown
    type_name: str = ""
    ids: tuple[str, ...] = ()

    def piece(self, name: str) -> str:
        """The ``name=...`` part of START's ``Params:``."""
        shown = self.shown
        if shown is Shown.VALUE:
            return f"{name}={{{name}}}"
        if shown is Shown.MASKED:
            return f"{name}={MASK}"
        if shown is Shown.KEYS:
            return f"{name}={{list({name})}}"
        if shown is Shown.IDS:
            fields = ", ".join(f"{field}={{{name}.{field}}}" for field in self.ids)
            return f"{name}={self.type_name}({fields})"
        if shown is Shown.TYPE:
            return f"{name}=<{self.type_name}>"
        if shown is Shown.RUNTIME_TYPE:
            return f"{name}=<{{type({name}).__name__}}>"
        return f"{name}=[{{len({name})}} items]"


MASK = "[MASKED]"
_VALUE = Showing(Shown.VALUE)
_RUNTIME = Showing(Shown.RUNTIME_TYPE)
_COUNT = Showing(Shown.COUNT)
_SCALARS = frozenset({"str", "int", "float", "bool", "bytes", "complex", "type"})
_CONTAINERS = frozenset({"list", "dict", "set", "frozenset", "tuple"})
_VALUE_TYPES = frozenset(
    {
        "uuid.UUID",
        "datetime.datetime",
        "datetime.date",
        "datetime.time",
        "datetime.timedelta",
        "decimal.Decimal",
        "pathlib.Path",
        "pathlib.PurePath",
        "pydantic.EmailStr",
        "pydantic.HttpUrl",
        "pydantic.AnyUrl",
        "pydantic.AnyHttpUrl",
        "pydantic.UUID4",
        "pydantic.SecretStr",
        "pydantic.SecretBytes",
    }
)
"""Library types whose text is a plain value (``SecretStr``'s hides itself)."""
_TYPING = ("typing.", "typing_extensions.", "collections.abc.")
_TYPING_CONTAINERS = frozenset(
    """List Dict Set FrozenSet Tuple Sequence MutableSequence Mapping MutableMapping Iterable Collection
    AbstractSet MutableSet Deque DefaultDict OrderedDict Counter""".split()
)
MAX_DEPTH = 16


class Types:
    """The type half of the judgement, over the project index (the file's own in a worker, where a
    class in another project module is :attr:`Tri.DEFER`; the whole project's in the project phase)."""

    def __init__(self, index: ProjectIndex, sensitive: Sequence[str]) -> None:
        """Judge with ``index`` and the configured sensitive names."""
        self.index = index
        self.sensitive = sensitive
        self._secrets: dict[Symbol, tuple[Tri, str]] = {}
        self._missing = Tri.DEFER if index.partial else Tri.UNKNOWN

    # How a parameter is shown (VL402).
    def showing(self, path: str, shape: Shape, optional: bool = False) -> Showing | None:
        """How to show a value annotated ``shape`` in the file ``path``; None: it depends on a
        project module this index lacks (ask again in the project phase)."""
        kind = shape[0]
        if kind in ("none", "ellipsis"):
            return _VALUE
        if kind == "union":
            members = [member for member in _parts(shape, 1) if member[0] != "none"]
            return self._union(path, members, optional or len(members) < len(_parts(shape, 1)))
        if kind == "name":
            return self._named(path, str(shape[1]), (), optional)
        if kind == "sub":
            return self._named(path, str(shape[1]), _parts(shape, 2), optional)
        return _RUNTIME

    def _union(self, path: str, members: Sequence[Shape], optional: bool) -> Showing | None:
        found = [self.showing(path, member, optional) for member in members]
        if any(showing is None for showing in found):
            return None
        if len(found) == 1:
            return found[0]
        return _VALUE if all(showing is _VALUE for showing in found) else _RUNTIME

    def _container(self, path: str, args: Sequence[Shape]) -> Showing | None:
        if not args:
            return _COUNT
        found = [self.showing(path, arg) for arg in args]
        if any(showing is None for showing in found):
            return None
        return _VALUE if all(showing is _VALUE for showing in found) else _COUNT

    def _named(self, path: str, dotted: str, args: Sequence[Shape], optional: bool) -> Showing | None:
        symbol = self.index.resolve(path, dotted)
        last = dotted.rsplit(".", 1)[-1]
        if symbol is None:
            return _RUNTIME  # a local name, a type variable
        kind = symbol.kind
        if kind is SymbolKind.BUILTIN:
            if symbol.name in _SCALARS:
                return _VALUE
            return self._container(path, args) if symbol.name in _CONTAINERS else _RUNTIME
        if kind is SymbolKind.EXTERNAL:
            full = symbol.module
            if full.startswith(_TYPING):
                typing_name = full.rsplit(".", 1)[-1]
                if typing_name == "Optional":
                    return self._union(path, args, True)
                if typing_name == "Union":
                    return self._union(path, [arg for arg in args if arg[0] != "none"], optional)
                if typing_name in ("Annotated", "Required", "NotRequired", "Final") and args:
                    return self.showing(path, args[0], optional)
                if typing_name in ("Literal", "LiteralString"):
                    return _VALUE
                if typing_name in _TYPING_CONTAINERS:
                    return self._container(path, args)
                return _RUNTIME
            if full in _VALUE_TYPES:
                return _VALUE
            return Showing(Shown.TYPE, last)
        if kind is SymbolKind.CLASS:
            enum_kind = self._is_enum(symbol, {})
            if enum_kind is Tri.DEFER:
                return None
            if enum_kind is Tri.YES:
                return _VALUE
            fields, complete = self._fields(symbol)
            if complete is Tri.DEFER:
                return None
            ids = _id_fields(fields, self.sensitive)
            if ids and not optional:
                return Showing(Shown.IDS, symbol.name, ids)
            return Showing(Shown.TYPE, symbol.name)
        if kind is SymbolKind.MISSING:
            return None if self.index.partial else Showing(Shown.TYPE, last)
        return _RUNTIME

    def _is_enum(self, symbol: Symbol, seen: dict[Symbol, Tri]) -> Tri:
        """Whether the class ``symbol`` descends from an ``enum`` class. Each class is judged
        once (``seen``): bases shared by bases (mixins) would otherwise be judged once per path to
        them, and there are exponentially many (14 levels of three mixins: 7 million, for one ``print``)."""
        known = seen.get(symbol)
        if known is not None:
            return known
        facts = self.index.class_facts(symbol)
        if facts is None:
            return Tri.NO
        seen[symbol] = Tri.NO  # a cycle of bases adds nothing
        found = Tri.NO
        for base in facts["bases"]:
            resolved = self.index.resolve(symbol.module, base)
            if resolved is None:
                continue
            if resolved.kind is SymbolKind.EXTERNAL and resolved.module.startswith("enum."):
                found = Tri.YES
                break
            if resolved.kind is SymbolKind.CLASS:
                found = max(found, self._is_enum(resolved, seen))
            elif resolved.kind is SymbolKind.MISSING:
                found = max(found, self._missing)
        seen[symbol] = found
        return found

    def _fields(self, symbol: Symbol) -> tuple[dict[str, tuple[str, tuple[str, ...]]], Tri]:
        """A class's fields with its project bases' (name -> (module, annotation names)), and
        whether a base is in a project module the index lacks (DEFER/UNKNOWN, else NO)."""
        fields: dict[str, tuple[str, tuple[str, ...]]] = {}
        state = Tri.NO
        pending = [symbol]
        seen: set[Symbol] = set()
        while pending:
            current = pending.pop()
            if current in seen or len(seen) > MAX_DEPTH:
                continue
            seen.add(current)
            facts = self.index.class_facts(current)
            if facts is None:
                continue
            for name, refs in facts["fields"].items():
                fields.setdefault(name, (current.module, refs))
            for base in facts["bases"]:
                resolved = self.index.resolve(current.module, base)
                if resolved is None:
                    continue
                if resolved.kind is SymbolKind.CLASS:
                    pending.append(resolved)
                elif resolved.kind is SymbolKind.MISSING:
                    state = max(state, self._missing)
        return fields, state

    # Whether a value carries a secret (VL404).
    def secret_in(self, path: str, shape: Shape) -> tuple[Tri, str, str]:
        """Whether a value annotated ``shape`` (in ``path``) holds a secret field at any depth:
        the answer, the class named and the field's path (``config.password``)."""
        found = Tri.NO
        for dotted in _shape_names(shape):
            symbol = self.index.resolve(path, dotted)
            if symbol is None:
                continue
            if symbol.kind is SymbolKind.MISSING:
                found = max(found, self._missing)
            elif symbol.kind is SymbolKind.CLASS:
                secret, field = self._secret(symbol, 0)
                if secret is Tri.YES:
                    return Tri.YES, symbol.name, field
                found = max(found, secret)
        return found, "", ""

    def _secret(self, symbol: Symbol, depth: int) -> tuple[Tri, str]:
        known = self._secrets.get(symbol)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            return Tri.UNKNOWN, ""
        self._secrets[symbol] = (Tri.NO, "")  # a cycle of field types adds nothing new
        fields, found = self._fields(symbol)
        names = list(fields)
        secret = sorted(secret_names(names, self.sensitive), key=names.index)
        result: tuple[Tri, str] = (Tri.YES, secret[0]) if secret else (found, "")
        if not secret:
            for name, (module, refs) in fields.items():
                for ref in refs:
                    resolved = self.index.resolve(module, ref)
                    if resolved is None:
                        continue
                    if resolved.kind is SymbolKind.MISSING:
                        result = (max(result[0], self._missing), "")
                    elif resolved.kind is SymbolKind.CLASS and resolved != symbol:
                        inner, path = self._secret(resolved, depth + 1)
                        if inner is Tri.YES:
                            result = (Tri.YES, f"{name}.{path}")
                            break
                        result = (max(result[0], inner), "")
                if result[0] is Tri.YES:
                    break
        self._secrets[symbol] = result
        return result


def _shape_names(shape: Shape) -> list[str]:
    kind = shape[0]
    if kind == "name":
        return [str(shape[1])]
    if kind == "sub":
        return [str(shape[1]), *(name for arg in _parts(shape, 2) for name in _shape_names(arg))]
    if kind == "union":
        return [name for member in _parts(shape, 1) for name in _shape_names(member)]
    return []


def _id_fields(fields: dict[str, tuple[str, tuple[str, ...]]], sensitive: Sequence[str]) -> tuple[str, ...]:
    """The fields that identify an object: ``id``, else those named ``..._id`` (at most two)."""
    if "id" in fields:
        return ("id",)
    named = [name for name in fields if _words(name)[-1:] == ["id"] and not is_secret_name(name, sensitive)]
    return tuple(named[:2])
