"""VL104 raw-string-enum-field."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

# Wrappers that keep a field a string: its type is the first argument.
_TRANSPARENT = frozenset({"Optional", "Annotated", "Mapped", "Union"})
NAMES = StringsOption(
    "names", ("status", "type", "kind", "state", "role"), "Field names that hold an enumerated value."
)
SUFFIXES = StringsOption("suffixes", ("_status", "_type", "_role"), "Name endings that hold an enumerated value.")
EXEMPT = StringsOption(
    "exempt",
    ("mime_type", "media_type", "content_type"),
    "Field names that match but hold an open vocabulary (any MIME type), not an enumeration.",
)


@dataclass(frozen=True)
class StringFieldMessage(Message):
    """A class field (its name as written) that holds an enumerated value, annotated ``str``."""

    field: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Field `{self.field}` is annotated `str`; use an `Enum` of its values (§11)"


class RawStringEnumField(Rule):
    """
    ## What it does
    In the `schemas` and `models` layers, flags a class field named `status`, `type`, `kind`,
    `state` or `role`, or ending in `_status`, `_type` or `_role`, that is annotated `str`.
    `Optional[str]`, `str | None`, `Union[str, None]`, `Annotated[str, ...]` and SQLAlchemy's
    `Mapped[str]` are strings too. Names are compared case-insensitively and are options.
    `mime_type`, `media_type` and `content_type` are exempt by default (option `exempt`): they
    hold an open vocabulary (any MIME type), not a closed set of values.

    ## Why is this bad?
    §11 (strict enums): status and type values must be Python `Enum`s, replicated exactly in the
    frontend. A raw string accepts any typo, and the frontend cannot know the allowed values.

    ## Notes
    Only annotated class attributes are fields (Pydantic, SQLModel, dataclasses, SQLAlchemy
    declarative models); parameters and module variables are not checked. Which files are schemas
    and models comes from `[tool.vectra-lint.layers]`.
    """

    code = "VL104"
    name = "raw-string-enum-field"
    message = "Status/type field annotated `str`; use an `Enum` (§11)"
    options = (NAMES, SUFFIXES, EXEMPT)
    valid = (
        Valid(
            "from enum import Enum\n\nfrom pydantic import BaseModel\n\n\n"
            "class OrderStatus(str, Enum):\n    OPEN = 'open'\n    CLOSED = 'closed'\n\n\n"
            "class Order(BaseModel):\n    status: OrderStatus\n    title: str\n",
            path="app/schemas/order.py",
        ),
        Valid("class Order:\n    status: str\n", path="app/services/order.py"),
        Valid(
            "class Order:\n    def update(self, status: str) -> None:\n        self.status: str = status\n",
            path="app/models/order.py",
        ),
        Valid("class Order:\n    status_message: str\n    typed: str\n", path="app/models/order.py"),
        Valid(
            "class Upload:\n    mime_type: str\n    media_type: str | None = None\n    content_type: str\n",
            path="app/schemas/upload.py",
        ),
        Valid(
            "from typing import ClassVar\n\n\nclass Order:\n    type: ClassVar[str] = 'order'\n",
            path="app/models/order.py",
        ),
    )
    invalid = (
        Invalid(
            "class Order:\n    status: str\n",
            path="app/schemas/order.py",
            expected=(Expect(2, 5, StringFieldMessage("status")),),
        ),
        Invalid(
            "from typing import Optional\n\n\nclass Document:\n"
            "    doc_type: Optional[str] = None\n    processing_status: str | None = None\n",
            path="app/models/document.py",
            expected=(
                Expect(5, 5, StringFieldMessage("doc_type")),
                Expect(6, 5, StringFieldMessage("processing_status")),
            ),
        ),
        Invalid(
            "from sqlalchemy.orm import Mapped, mapped_column\n\n\n"
            "class Job:\n    State: Mapped[str] = mapped_column()\n",
            path="app/models/job.py",
            expected=(Expect(5, 5, StringFieldMessage("State")),),
        ),
        Invalid(
            "class Job:\n    phase: str\n",
            path="app/models/job.py",
            options={"names": ["phase"], "suffixes": []},
            expected=(Expect(2, 5, StringFieldMessage("phase")),),
        ),
        Invalid(
            "class Message:\n    role: str\n    sender_role: str\n",
            path="app/schemas/chat.py",
            expected=(
                Expect(2, 5, StringFieldMessage("role")),
                Expect(3, 5, StringFieldMessage("sender_role")),
            ),
        ),
        Invalid(
            "class Job:\n    kind: 'str'\n",
            path="app/schemas/job.py",
            expected=(Expect(2, 5, StringFieldMessage("kind")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Read the layer and the options once per file."""
        super().__init__(context)
        self._active = context.in_layer("schemas", "models")
        self._in_class_body: list[bool] = []
        self._names: frozenset[str] = frozenset()
        self._suffixes: tuple[str, ...] = ()
        self._exempt: frozenset[str] = frozenset()
        if self._active:
            self._names = frozenset(name.lower() for name in self.option(NAMES))
            self._suffixes = tuple(suffix.lower() for suffix in self.option(SUFFIXES))
            self._exempt = frozenset(name.lower() for name in self.option(EXEMPT))

    def applies(self) -> bool:
        """Only schema and model modules are checked; the others are left out of the walk."""
        return self._active

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Annotated names directly in a class body are fields."""
        self._in_class_body.append(True)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        """Leave the class."""
        self._in_class_body.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Annotated names in a method body are locals, not fields."""
        self._in_class_body.append(False)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Leave the function."""
        self._in_class_body.pop()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Report an enum-like class field annotated as a string."""
        if not isinstance(node.target, cst.Name):
            return
        if not self._in_class_body or not self._in_class_body[-1]:
            return
        field_name = node.target.value.lower()
        if field_name not in self._names and not field_name.endswith(self._suffixes):
            return
        if field_name in self._exempt:
            return
        if _is_string_type(node.annotation.annotation):
            self.report(node.target, StringFieldMessage(node.target.value))


def _is_string_type(node: cst.BaseExpression) -> bool:
    """``str``, or a wrapper (Optional, Annotated, Mapped, ``| None``) around ``str``."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        text = node.evaluated_value
        if not isinstance(text, str):
            return False
        try:
            return _is_string_type(cst.parse_expression(text))
        except cst.ParserSyntaxError:
            return False
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        sides = [node.left, node.right]
        others = [side for side in sides if not _is_none(side)]
        return len(others) == 1 and _is_string_type(others[0])
    if isinstance(node, cst.Subscript):
        wrapper = dotted_name(node.value)
        if wrapper is None or wrapper.rsplit(".", 1)[-1] not in _TRANSPARENT or not node.slice:
            return False
        arguments = [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]
        if wrapper.rsplit(".", 1)[-1] == "Union":
            others = [argument for argument in arguments if not _is_none(argument)]
            return len(others) == 1 and _is_string_type(others[0])
        return bool(arguments) and _is_string_type(arguments[0])
    name = dotted_name(node)
    return name in ("str", "builtins.str")


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
