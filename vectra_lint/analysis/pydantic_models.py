"""The Pydantic/SQLModel models and enums of the schemas and models layers, as per-file facts.

Collected in the single walk (only in files of the ``schemas`` and ``models`` layers: elsewhere
it costs one check per class) and settled in the project phase, where bases in other modules are
resolved through the project index (:func:`resolve_model`). Field types are reduced to the shapes
the frontend's TypeScript types are compared with (:data:`PyType`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

import libcst as cst

from vectra_lint.analysis.module_summary import base_name, string_value
from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import Analysis

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project

PyType = tuple[object, ...]
"""A reduced type: ``(kind, *parts)``. Kinds: ``string``, ``datetime``, ``number``, ``decimal``,
``boolean``, ``any``, ``none``, ``dict``, ``list`` (element), ``tuple`` (elements), ``union``
(alternatives), ``literal`` (values as TypeScript writes them), ``ref`` (a name as written, for
the project phase to resolve) and ``opaque``."""

LAYERS = ("schemas", "models")
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.v1.BaseModel",
        "pydantic.generics.GenericModel",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
NEUTRAL_BASES = frozenset({"typing.Generic", "abc.ABC", "typing_extensions.Generic"})
ENUM_BASES = frozenset({"enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"})
_STRING_TYPES = frozenset(
    {
        "builtins.str",
        "builtins.bytes",
        "uuid.UUID",
        "pathlib.Path",
        "pydantic.EmailStr",
        "pydantic.NameEmail",
        "pydantic.HttpUrl",
        "pydantic.AnyUrl",
        "pydantic.AnyHttpUrl",
        "pydantic.SecretStr",
        "pydantic.UUID4",
        "pydantic.constr",
    }
)
_DATETIME_TYPES = frozenset({"datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta"})
_NUMBER_TYPES = frozenset({"builtins.int", "builtins.float", "pydantic.conint", "pydantic.confloat"})
_LIST_TYPES = frozenset(
    {
        "builtins.list",
        "builtins.set",
        "builtins.frozenset",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Sequence",
        "typing.Iterable",
        "collections.abc.Sequence",
        "collections.abc.Iterable",
        "pydantic.conlist",
    }
)
_DICT_TYPES = frozenset(
    {"builtins.dict", "typing.Dict", "typing.Mapping", "collections.abc.Mapping", "builtins.object"}
)
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_SKIPPED_WRAPPERS = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_NOT_FIELDS = frozenset({"sqlmodel.Relationship", "sqlmodel.main.Relationship", "pydantic.PrivateAttr"})
_FIELD_CALLS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field", "sqlmodel.main.Field"})


class FieldFacts(TypedDict):
    """A model field: its name, its alias on the wire, its reduced type, whether it has a default."""

    name: str
    alias: str | None
    type: PyType
    annotation: str
    has_default: bool


class ModelFacts(TypedDict):
    """A top-level class of the layer: bases as written, own fields, config, enum members."""

    bases: tuple[str, ...]
    fields: tuple[FieldFacts, ...]
    alias_generator: str | None
    """``camel``, ``pascal``, ``snake``, ``none`` (set to None), ``unknown``; None when not set here."""
    enum: bool


# What the walk knows of a name: a qualified name (an import or a builtin) or, for a name bound
# in the module itself, the name as written (resolved in the project phase).
def _qualified(context: FileContext, node: cst.BaseExpression) -> str | None:
    return context.scope.qualified_name(node)


def reduce_type(context: FileContext, node: cst.BaseExpression) -> PyType:
    """The reduced form of an annotation."""
    if isinstance(node, cst.SimpleString):
        text = string_value(node)
        if text is None:
            return ("opaque",)
        try:
            node = cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return ("opaque",)
        return _reduce_plain(node)
    if isinstance(node, cst.Name) and node.value == "None":
        return ("none",)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union([reduce_type(context, node.left), reduce_type(context, node.right)])
    if isinstance(node, cst.Subscript):
        return _reduce_subscript(context, node)
    if isinstance(node, (cst.Name, cst.Attribute)):
        qualified = _qualified(context, node)
        found = _reduce_qualified(qualified) if qualified is not None else None
        if found is not None:
            return found
        dotted = dotted_name(node)
        return ("ref", dotted) if dotted is not None else ("opaque",)
    return ("opaque",)


def _reduce_plain(node: cst.BaseExpression) -> PyType:
    """A forward reference (``"Item"``): a name of the module, not followed further."""
    dotted = dotted_name(node)
    return ("ref", dotted) if dotted is not None else ("opaque",)


def _reduce_qualified(qualified: str) -> PyType | None:
    if qualified in _STRING_TYPES:
        return ("string",)
    if qualified in _DATETIME_TYPES:
        return ("datetime",)
    if qualified in _NUMBER_TYPES:
        return ("number",)
    if qualified == "decimal.Decimal":
        return ("decimal",)
    if qualified == "builtins.bool":
        return ("boolean",)
    if qualified in ("typing.Any", "typing_extensions.Any"):
        return ("any",)
    if qualified in _LIST_TYPES:
        return ("list", ("any",))
    if qualified in _DICT_TYPES:
        return ("dict",)
    if qualified == "builtins.tuple" or qualified == "typing.Tuple":
        return ("list", ("any",))
    if qualified.startswith("builtins."):
        return ("opaque",)
    return None


def _union(parts: list[PyType]) -> PyType:
    flat: list[PyType] = []
    for part in parts:
        for item in part[1:] if part[0] == "union" else (part,):
            typed = cast(PyType, item)
            if typed not in flat:
                flat.append(typed)
    return flat[0] if len(flat) == 1 else ("union", *flat)


def _subscript_args(node: cst.Subscript) -> list[cst.BaseExpression]:
    return [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]


def _reduce_subscript(context: FileContext, node: cst.Subscript) -> PyType:
    qualified = _qualified(context, node.value)
    args = _subscript_args(node)
    if not args:
        return ("opaque",)
    if qualified in _OPTIONAL:
        return _union([reduce_type(context, args[0]), ("none",)])
    if qualified in _UNION:
        return _union([reduce_type(context, arg) for arg in args])
    if qualified in _ANNOTATED:
        return reduce_type(context, args[0])
    if qualified in _LITERAL:
        values = [_literal(arg) for arg in args]
        if any(value is None for value in values):
            return ("opaque",)
        return ("literal", *values)
    if qualified in _LIST_TYPES:
        return ("list", reduce_type(context, args[0]))
    if qualified in ("builtins.tuple", "typing.Tuple"):
        if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
            return ("list", reduce_type(context, args[0]))
        return ("tuple", *(reduce_type(context, arg) for arg in args))
    if qualified in _DICT_TYPES:
        return ("dict",)
    if qualified == "sqlalchemy.orm.Mapped":
        return reduce_type(context, args[0])
    return ("opaque",)


def _literal(node: cst.BaseExpression) -> str | None:
    """A ``Literal[...]`` value as TypeScript writes it."""
    text = string_value(node)
    if text is not None:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(node, cst.Integer):
        return str(int(node.value.replace("_", ""), 0))
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _literal(node.expression)
        return f"-{inner}" if inner is not None and inner[:1].isdigit() else None
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value.lower()
    return None


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def generator_kind(context: FileContext, node: cst.BaseExpression) -> str:
    """What an ``alias_generator`` does to field names: ``camel``, ``pascal``, ``snake``, ``none``, ``unknown``."""
    if isinstance(node, cst.Name) and node.value == "None":
        return "none"
    if isinstance(node, cst.Call):
        # pydantic's AliasGenerator: the serialization alias is what the frontend receives.
        for keyword in ("serialization_alias", "alias"):
            inner = _keyword(node, keyword)
            if inner is not None:
                return generator_kind(context, inner)
        return "unknown"
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return "unknown"
    qualified = _qualified(context, node) or dotted_name(node) or ""
    # pydantic 1's `to_camel` made PascalCase; its `to_lower_camel` made camelCase.
    if qualified in ("pydantic.utils.to_camel", "pydantic.v1.utils.to_camel"):
        return "pascal"
    last = qualified.rsplit(".", 1)[-1].lower()
    for kind in ("pascal", "snake", "camel"):
        if kind in last:
            return kind
    return "unknown"


_PASCAL_JOIN = re.compile(r"([0-9A-Za-z])_(?=[0-9A-Z])")
_ALREADY_CAMEL = re.compile(r"^[a-z]+[A-Za-z0-9]*$")


def to_pascal(snake: str) -> str:
    """``full_name`` -> ``FullName`` (as pydantic's ``to_pascal``)."""
    return _PASCAL_JOIN.sub(lambda match: match.group(1), snake.title())


def to_camel(snake: str) -> str:
    """``full_name`` -> ``fullName`` (as pydantic's ``to_camel``)."""
    if _ALREADY_CAMEL.match(snake) and not re.search(r"\d[a-z]", snake):
        return snake
    return re.sub(r"(^_*[A-Z])", lambda match: match.group(1).lower(), to_pascal(snake))


def to_snake(name: str) -> str:
    """``fullName`` -> ``full_name``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def wire_name(field: FieldFacts, generator: str | None) -> str | None:
    """The field's name in JSON: its alias, else the generator's output; None when unknown."""
    if field["alias"] is not None:
        return field["alias"]
    if generator in (None, "none"):
        return field["name"]
    if generator == "camel":
        return to_camel(field["name"])
    if generator == "pascal":
        return to_pascal(field["name"])
    if generator == "snake":
        return to_snake(field["name"])
    return None


def is_enum_class(context: FileContext, node: cst.ClassDef, local_enums: set[str]) -> bool:
    """Whether a class derives from ``enum.Enum`` (or a variant), directly or through an enum of the same module."""
    for arg in node.bases:
        if arg.keyword is not None:
            continue
        if isinstance(arg.value, cst.Name) and arg.value.value in local_enums:
            return True
        qualified = _qualified(context, arg.value)
        if qualified in ENUM_BASES:
            return True
    return False


class PydanticModels(Analysis):
    """Collects :class:`ModelFacts` for the top-level classes of the schemas and models layers."""

    def __init__(self, context: FileContext) -> None:
        """Start reading one file (nothing is read outside the schemas and models layers)."""
        super().__init__(context)
        self.active = context.in_layer(*LAYERS)
        self.classes: dict[str, ModelFacts] = {}
        self.enums: set[str] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Read a top-level class: its bases, fields and config."""
        if not self.active or len(self.context.scope.frames) != 2 or not node.bases:
            return
        name = node.name.value
        enum = is_enum_class(self.context, node, self.enums)
        if enum:
            self.enums.add(name)
        bases = tuple(b for b in (base_name(arg.value) for arg in node.bases if arg.keyword is None) if b)
        generator: str | None = None
        for arg in node.bases:
            if arg.keyword is not None and arg.keyword.value == "alias_generator":
                generator = generator_kind(self.context, arg.value)
        fields: list[FieldFacts] = []
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
                generator = self._config_class(statement) or generator
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and not enum:
                    field = self._field(small.target.value, small.annotation.annotation, small.value)
                    if field is not None:
                        fields.append(field)
                elif isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name) and target.value == "model_config":
                        generator = self._model_config(small.value) or generator
        self.classes[name] = ModelFacts(bases=bases, fields=tuple(fields), alias_generator=generator, enum=enum)

    def _field(self, name: str, annotation: cst.BaseExpression, value: cst.BaseExpression | None) -> FieldFacts | None:
        if name.startswith("_") or name == "model_config":
            return None
        if isinstance(annotation, cst.Subscript) and _qualified(self.context, annotation.value) in _SKIPPED_WRAPPERS:
            return None
        alias: str | None = None
        has_default = value is not None
        if isinstance(value, cst.Call):
            callee = _qualified(self.context, value.func)
            if callee in _NOT_FIELDS:
                return None
            if callee in _FIELD_CALLS or (callee is None and dotted_name(value.func) == "Field"):
                alias = _field_alias(value)
                has_default = _field_has_default(value)
        text = self.context.code_for(annotation)
        return FieldFacts(
            name=name, alias=alias, type=reduce_type(self.context, annotation), annotation=text, has_default=has_default
        )

    def _model_config(self, value: cst.BaseExpression) -> str | None:
        if isinstance(value, cst.Call):
            found = _keyword(value, "alias_generator")
            return generator_kind(self.context, found) if found is not None else None
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == "alias_generator":
                    return generator_kind(self.context, element.value)
        return None

    def _config_class(self, node: cst.ClassDef) -> str | None:
        """pydantic 1's ``class Config: alias_generator = ...``."""
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name) and target.value == "alias_generator":
                        return generator_kind(self.context, small.value)
        return None

    def facts(self) -> object:
        """This file's classes (None outside the layers, or without classes)."""
        return self.classes or None


def _field_alias(call: cst.Call) -> str | None:
    for keyword in ("serialization_alias", "alias"):
        value = _keyword(call, keyword)
        if value is not None:
            return string_value(value)
    return None


def _field_has_default(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            return not isinstance(arg.value, cst.Ellipsis)
        if arg.keyword is not None and arg.keyword.value in ("default", "default_factory"):
            return not isinstance(arg.value, cst.Ellipsis)
    return False


@dataclass(frozen=True)
class ResolvedModel:
    """A model with what it inherits: fields in definition order (a base's first), the alias generator."""

    path: str
    name: str
    fields: tuple[FieldFacts, ...]
    generator: str | None


@dataclass(frozen=True)
class Resolved:
    """What a name used as a field type is in the project: an enum, a model, or neither (None)."""

    kind: str
    """``enum`` or ``model``."""
    name: str


class ModelIndex:
    """The models and enums of every checked schemas/models file, with bases resolved across modules."""

    CACHE_KEY = "vectra_lint.analysis.pydantic_models"

    def __init__(self, project: Project) -> None:
        """Index the facts of one run."""
        self.index = ProjectIndex.of(project)
        self.classes: dict[str, dict[str, ModelFacts]] = {
            path: cast(dict[str, ModelFacts], facts) for path, facts in project.facts_of(PydanticModels).items()
        }
        self._models: dict[tuple[str, str], ResolvedModel | None] = {}

    @classmethod
    def of(cls, project: Project) -> ModelIndex:
        """The index of the run, built once."""
        found = project.cache.get(cls.CACHE_KEY)
        if not isinstance(found, ModelIndex):
            found = cls(project)
            project.cache[cls.CACHE_KEY] = found
        return found

    def resolve_class(self, path: str, dotted: str) -> tuple[str, str] | str | None:
        """A project class (its file and name), an external dotted name, or None when unknown."""
        symbol = self.index.resolve(path, dotted)
        if symbol is None:
            return None
        if symbol.kind is SymbolKind.CLASS:
            return (symbol.module, symbol.name)
        if symbol.kind is SymbolKind.EXTERNAL:
            return symbol.module
        return None

    def model(self, path: str, name: str) -> ResolvedModel | None:
        """The model ``name`` of file ``path`` with its inherited fields; None when it is not a
        Pydantic/SQLModel model or a base cannot be followed (not checked, not in the layers)."""
        key = (path, name)
        if key not in self._models:
            self._models[key] = None  # a cycle ends here
            self._models[key] = self._resolve_model(path, name)
        return self._models[key]

    def _resolve_model(self, path: str, name: str) -> ResolvedModel | None:
        facts = self.classes.get(path, {}).get(name)
        if facts is None or facts["enum"]:
            return None
        is_model = False
        inherited: dict[str, FieldFacts] = {}
        generator: str | None = None
        base_generators: list[str | None] = []
        for base in facts["bases"]:
            found = self.resolve_class(path, base)
            if isinstance(found, tuple):
                parent = self.model(*found)
                if parent is None:
                    return None
                is_model = True
                base_generators.append(parent.generator)
                for field in parent.fields:
                    inherited.setdefault(field["name"], field)
            elif found in MODEL_BASES:
                is_model = True
            elif found not in NEUTRAL_BASES:
                return None
        if not is_model:
            return None
        fields = dict(inherited)
        for field in facts["fields"]:
            fields[field["name"]] = field
        generator = facts["alias_generator"]
        if generator is None:
            generator = next((found for found in base_generators if found is not None), None)
        return ResolvedModel(path, name, tuple(fields.values()), generator)

    def type_of(self, path: str, dotted: str) -> Resolved | None:
        """What a ``ref`` type of file ``path`` names: an enum or model of the project, else None."""
        found = self.resolve_class(path, dotted)
        if not isinstance(found, tuple):
            return None
        facts = self.classes.get(found[0], {}).get(found[1])
        if facts is None:
            return None
        if facts["enum"]:
            return Resolved("enum", found[1])
        if self.model(*found) is not None:
            return Resolved("model", found[1])
        return None
