"""VL704 enum-frontend-drift."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from vectra_lint.analysis.module_summary import INDEX_ANALYSES, string_value
from vectra_lint.analysis.pydantic_models import LAYERS, ModelIndex, PydanticModels, is_enum_class
from vectra_lint.api import Analysis, Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.frontend.compare import RawEnumUse, parse_pairs, raw_enum_uses
from vectra_lint.frontend.lookup import MODELS_CODE, PAIRS, frontend_models
from vectra_lint.frontend.typescript import EnumValue, FrontendModels, TsEnum

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

MEMBER, CLASS = "member", "class"


@dataclass(frozen=True)
class EnumCandidate:
    """An enum of a schema or model module (``path``) and its members, for the project phase."""

    path: str
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class MemberCandidate:
    """One member of such an enum, with its value when the walk could read it."""

    path: str
    name: str
    member: str
    value: EnumValue | None


_USES_KEY = "vectra_lint.rules.frontend.enum_frontend_drift.uses"
_TS_STATUS = 'export enum Status {\n  PENDING = "pending",\n  FAILED = "failed",\n}\n'
_PY_STATUS = 'from enum import Enum\n\n\nclass Status(str, Enum):\n    PENDING = "pending"\n    FAILED = "failed"\n'
# Where the examples' twins are declared, as the messages name them.
_JOB_TS, _STATUS_TS = "frontend/src/models/job.ts:1", "frontend/src/models/status.ts:1"
_PY_JOB = (
    _PY_STATUS.replace("from enum", "from pydantic import BaseModel\nfrom enum")
    + "\n\nclass JobRead(BaseModel):\n    id: int\n    status: Status\n"
)


def _show(value: EnumValue) -> str:
    return f'"{value[1]}"' if value[0] == "string" else value[1]


@dataclass(frozen=True)
class UntwinnedMessage(Message):
    """An enum without a TypeScript twin, and the schema fields whose counterparts hold its values raw."""

    enum: str
    uses: tuple[RawEnumUse, ...]

    def __str__(self) -> str:
        """The text users see."""
        listed = "; ".join(str(use) for use in self.uses)
        return f"Enum `{self.enum}` has no TypeScript twin, so the frontend spells its values by hand: {listed} (§11)"


@dataclass(frozen=True)
class LacksMessage(Message):
    """An enum that lacks members of its twin (declared at ``twin``, ``path:line``)."""

    enum: str
    members: tuple[str, ...]
    twin: str

    def __str__(self) -> str:
        """The text users see."""
        listed = ", ".join(f"`{member}`" for member in self.members)
        return f"Enum `{self.enum}` lacks {listed} of its TypeScript twin ({self.twin}) (§11)"


@dataclass(frozen=True)
class MissingMessage(Message):
    """A member that the enum's twin (declared at ``twin``, ``path:line``) lacks."""

    enum: str
    member: str
    twin: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.enum}.{self.member}` is missing from the TypeScript twin ({self.twin}) (§11)"


@dataclass(frozen=True)
class ValueMessage(Message):
    """A member whose value differs in the twin (declared at ``twin``, ``path:line``)."""

    enum: str
    member: str
    ours: EnumValue
    theirs: EnumValue
    twin: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.enum}.{self.member}` is {_show(self.ours)} here but {_show(self.theirs)} "
            f"in the TypeScript twin ({self.twin}) (§11)"
        )


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

    An enum without any TS twin is reported, at the Python class, when a model of the `schemas`
    layer that has a TypeScript counterpart (as VL703 finds it, option `pairs` included) types
    a field with the enum (also in a list, or `| None`) and the counterpart's member holds raw
    values there (`string`, `number`, literals such as `"pending" | "failed"`): the frontend
    then spells the values by hand. The message names each such field, its counterpart and
    the member's TS type. A TS member typed with a type of the enum's name (`status: Status`,
    say a `type Status = "pending" | "failed"` alias) is the frontend's own mirror: not reported.

    ## Why is this bad?
    §11 (strict enums): enums must be replicated exactly in the frontend. A value the backend
    sends that the frontend does not know falls through every `switch` and shows nothing, or
    the wrong thing.

    ## Notes
    Each enum with a twin is compared on its own, so it needs to see only the enum's module
    (and the frontend folder, read in full). An enum without a twin is judged by the schemas
    that use it: they must be checked in the same run (as for VL703), so a run on the enum's
    module alone does not report it. An enum used by no schema with a counterpart is not
    reported. When no frontend folder is found the run says so once on standard error and
    reports nothing.
    """

    code = "VL704"
    name = "enum-frontend-drift"
    message = "An enum differs from its TypeScript twin (§11)"
    analyses: ClassVar[tuple[type[Analysis], ...]] = (*INDEX_ANALYSES, PydanticModels)
    valid = (
        Valid(
            _PY_JOB,
            path="app/schemas/jobs.py",
            files={
                "frontend/src/models/job.ts": 'export type Status = "pending" | "failed";\n'
                "export interface Job {\n  id: number;\n  status: Status;\n}\n"
            },
        ),
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
            _PY_JOB,
            path="app/schemas/jobs.py",
            files={"frontend/src/models/job.ts": "export interface Job {\n  id: number;\n  status: string;\n}\n"},
            expected=(
                Expect(
                    5,
                    7,
                    UntwinnedMessage("Status", (RawEnumUse("JobRead", "status", "Job", _JOB_TS, "string"),)),
                ),
            ),
        ),
        Invalid(
            _PY_STATUS,
            path="app/schemas/enums.py",
            files={"frontend/src/models/status.ts": _TS_STATUS.replace('"failed"', '"error"')},
            expected=(
                Expect(6, 5, ValueMessage("Status", "FAILED", ("string", "failed"), ("string", "error"), _STATUS_TS)),
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
                Expect(4, 7, LacksMessage("Status", ("DONE",), _STATUS_TS)),
                Expect(6, 5, MissingMessage("Status", "FAILED", _STATUS_TS)),
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
                self.report(target, pending=MemberCandidate(path, name, target.value, value), anchor=statement)
        if members:
            self.report(node.name, pending=EnumCandidate(path, name, tuple(members)))

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
            if isinstance(payload, EnumCandidate):
                kind, path, name, rest = CLASS, payload.path, payload.name, list(payload.members)
            elif isinstance(payload, MemberCandidate):
                kind, path, name, rest = MEMBER, payload.path, payload.name, [payload.member, *(payload.value or ())]
            else:
                continue
            twin = models.enums.get(name)
            if twin is None:
                uses = _raw_uses(project, models).get((path, name)) if kind == CLASS else None
                if uses:
                    kept.append(replace(diagnostic, message=str(UntwinnedMessage(name, tuple(uses))), pending=None))
                continue
            message = cls._differs(kind, name, rest, twin)
            if message is not None:
                kept.append(replace(diagnostic, message=str(message), pending=None))
        return kept

    @staticmethod
    def _differs(kind: str, name: str, rest: list[str], twin: TsEnum) -> Message | None:
        where = f"{twin.path}:{twin.line}"
        if kind == CLASS:
            extra = tuple(member.name for member in twin.members if member.name not in rest)
            return LacksMessage(name, extra, where) if extra else None
        member, *value = rest
        found = next((item for item in twin.members if item.name == member), None)
        if found is None:
            return MissingMessage(name, member, where)
        if len(value) == 2 and found.value is not None and tuple(value) != found.value:
            return ValueMessage(name, member, (value[0], value[1]), found.value, where)
        return None


def _raw_uses(project: Project, models: FrontendModels) -> dict[tuple[str, str], list[RawEnumUse]]:
    """The schema fields that use each enum where TypeScript holds raw values (computed once per run)."""
    found = project.cache.get(_USES_KEY)
    if not isinstance(found, dict):
        pairs = parse_pairs(project.settings.option(MODELS_CODE, PAIRS))
        found = raw_enum_uses(ModelIndex.of(project), models, pairs, project.settings)
        project.cache[_USES_KEY] = found
    return found
