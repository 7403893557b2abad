"""VL704 enum-frontend-drift."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.module_summary import string_value
from vectra_lint.analysis.pydantic_models import LAYERS, is_enum_class
from vectra_lint.engine.context import FileContext
from vectra_lint.frontend.lookup import frontend_models
from vectra_lint.frontend.typescript import EnumValue, TsEnum
from vectra_lint.rule import Expect, Invalid, Rule, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic

MEMBER, CLASS = "member", "class"
_TS_STATUS = 'export enum Status {\n  PENDING = "pending",\n  FAILED = "failed",\n}\n'
_PY_STATUS = 'from enum import Enum\n\n\nclass Status(str, Enum):\n    PENDING = "pending"\n    FAILED = "failed"\n'


def _show(value: EnumValue) -> str:
    return f'"{value[1]}"' if value[0] == "string" else value[1]


def _where(enum: TsEnum) -> str:
    return f"{enum.path}:{enum.line}"


class EnumFrontendDrift(Rule):
    """
    ## What it does
    Compares each Python `Enum` (also `StrEnum`, `IntEnum`, `str, Enum`) of the `schemas` and
    `models` layers with its TypeScript twin of the same name in the frontend's models folder:
    a TS `enum X {}` or an `export const X = {...} as const` object (usually with
    `export type X = (typeof X)[keyof typeof X]`). Reports each Python member that the twin
    lacks or gives another value (at the member), and, at the class, the twin's members that
    Python lacks. Values are compared when both sides write a literal (`auto()` counts as the
    value it produces; TS members without an initialiser count up from 0).

    The folder is VL703's option `frontend-models` (default `frontend/src/models`, looked for
    under the project root, then under its parent, as in a monorepo with `backend/` and
    `frontend/`).

    ## Why is this bad?
    §11 (strict enums): enums must be replicated exactly in the frontend. A value the backend
    sends that the frontend does not know falls through every `switch` and shows nothing, or
    the wrong thing.

    ## Notes
    Each enum is compared on its own, so it needs to see only the enum's module (and the
    frontend folder, read in full). An enum without a TS twin is not reported. When no frontend
    folder is found the run says so once on standard error and reports nothing.
    """

    code = "VL704"
    name = "enum-frontend-drift"
    message = "Enum `{name}` differs from its TypeScript twin (§11)"
    valid = (
        Valid(
            _PY_STATUS,
            path="app/schemas/enums.py",
            files={"frontend/src/models/status.ts": _TS_STATUS},
        ),
        Valid(
            "from enum import IntEnum\n\n\nclass Level(IntEnum):\n    LOW = 0\n    HIGH = 1\n",
            path="app/models/level.py",
            files={"frontend/src/models/level.ts": "export enum Level {\n  LOW,\n  HIGH,\n}\n"},
        ),
    )
    invalid = (
        Invalid(
            _PY_STATUS,
            path="app/schemas/enums.py",
            files={"frontend/src/models/status.ts": _TS_STATUS.replace('"failed"', '"error"')},
            expected=(
                Expect(
                    6,
                    5,
                    '`Status.FAILED` is "failed" here but "error" in the TypeScript twin '
                    "(frontend/src/models/status.ts:1) (§11)",
                ),
            ),
        ),
        Invalid(
            _PY_STATUS,
            path="app/schemas/enums.py",
            files={
                "frontend/src/models/status.ts": "export const Status = {\n"
                '  PENDING: "pending",\n  DONE: "done",\n} as const;\n'
                "export type Status = (typeof Status)[keyof typeof Status];\n"
            },
            expected=(
                Expect(
                    4, 7, "Enum `Status` lacks `DONE` of its TypeScript twin (frontend/src/models/status.ts:1) (§11)"
                ),
                Expect(
                    6, 5, "`Status.FAILED` is missing from the TypeScript twin (frontend/src/models/status.ts:1) (§11)"
                ),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Enums are looked for in the schemas and models layers only."""
        super().__init__(context)
        self._active = context.in_layer(*LAYERS)
        self._enums: set[str] = set()

    def applies(self) -> bool:
        """Only the enum layers are compared; the others are left out of the walk."""
        return self._active

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Report each member of a top-level enum, and the enum itself; the project phase compares."""
        if not node.bases or len(self.context.scope.frames) != 2:
            return
        if not is_enum_class(self.context, node, self._enums):
            return
        name = node.name.value
        self._enums.add(name)
        path = self.context.path
        bases = {self.context.scope.qualified_name(arg.value) for arg in node.bases}
        # auto(): a StrEnum's member name in lower case; a `str, Enum`'s counter as text; else the counter.
        strings = "name" if "enum.StrEnum" in bases else "counter" if "builtins.str" in bases else ""
        members: list[str] = []
        following = 1
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                    continue
                target = small.targets[0].target
                if not isinstance(target, cst.Name) or target.value.startswith("_"):
                    continue
                value = self._value(small.value, target.value, strings, following)
                if (
                    value is not None
                    and value[1].lstrip("-").isdigit()
                    and (value[0] == "number" or strings == "counter")
                ):
                    following = int(value[1]) + 1
                members.append(target.value)
                self.report(target, pending=(MEMBER, path, name, target.value, *(value or ())), anchor=statement)
        if members:
            self.report(node.name, pending=(CLASS, path, name, *members))

    def _value(self, node: cst.BaseExpression, member: str, strings: str, following: int) -> EnumValue | None:
        text = string_value(node)
        if text is not None:
            return ("string", text)
        if isinstance(node, cst.Integer):
            return ("number", str(int(node.value.replace("_", ""), 0)))
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self._value(node.expression, member, strings, following)
            return ("number", f"-{inner[1]}") if inner is not None and inner[0] == "number" else None
        if isinstance(node, cst.Call) and not node.args and self.context.scope.qualified_name(node.func) == "enum.auto":
            if strings == "name":
                return ("string", member.lower())
            return ("string", str(following)) if strings else ("number", str(following))
        return None

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep the members and enums that differ from their TypeScript twin."""
        models = frontend_models(project)
        if models is None:
            return []
        kept: list[Diagnostic] = []
        for diagnostic in diagnostics:
            payload = diagnostic.pending
            if not isinstance(payload, tuple):
                continue
            kind, _path, name, *rest = payload
            twin = models.enums.get(name)
            if twin is None:
                continue
            message = cls._differs(kind, name, rest, twin)
            if message is not None:
                kept.append(replace(diagnostic, message=message, pending=None))
        return kept

    @staticmethod
    def _differs(kind: str, name: str, rest: list[str], twin: TsEnum) -> str | None:
        where = _where(twin)
        if kind == CLASS:
            extra = [member.name for member in twin.members if member.name not in rest]
            if not extra:
                return None
            listed = ", ".join(f"`{member}`" for member in extra)
            return f"Enum `{name}` lacks {listed} of its TypeScript twin ({where}) (§11)"
        member, *value = rest
        found = next((item for item in twin.members if item.name == member), None)
        if found is None:
            return f"`{name}.{member}` is missing from the TypeScript twin ({where}) (§11)"
        if len(value) == 2 and found.value is not None and tuple(value) != found.value:
            ours = _show((value[0], value[1]))
            return f"`{name}.{member}` is {ours} here but {_show(found.value)} in the TypeScript twin ({where}) (§11)"
        return None
