"""VL703 schema-frontend-drift."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.pydantic_models import ModelIndex, PydanticModels
from vectra_lint.api import Analysis, Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.frontend.compare import Comparison, counterpart, differences, parse_pairs
from vectra_lint.frontend.lookup import FRONTEND_MODELS, PAIRS, frontend_models

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

_TS_USER = (
    "export interface UserRead {\n  id: number;\n  fullName: string;\n  email?: string | null;\n  tags: string[];\n}\n"
)
_PY_RESULT = (
    "from typing import Literal\n\nfrom pydantic import BaseModel\n\n\n"
    "class JobResult(BaseModel):\n    status: Literal['ok', 'error']\n    code: Literal[200, 404] | None = None\n"
)
_PY_USER = (
    "from pydantic import BaseModel, ConfigDict\nfrom pydantic.alias_generators import to_camel\n\n\n"
    "class UserRead(BaseModel):\n    model_config = ConfigDict(alias_generator=to_camel)\n\n"
    "    id: int\n    full_name: str\n    email: str | None = None\n    tags: list[str]\n"
)


@dataclass(frozen=True)
class DriftMessage(Message):
    """The message with its named parts (``name``, ``ts``, ``where``, ``what``)."""

    name: str
    ts: str
    where: str
    what: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"Schema `{self.name}` differs from its TypeScript counterpart `{self.ts}` ({self.where}): "
            f"{self.what} (§11)"
        )


@dataclass(frozen=True)
class ModelCandidate:
    """A class of a schema module (``path``) that may be a model, for the project phase to compare."""

    path: str
    name: str


class SchemaFrontendDrift(Rule):
    """
    ## What it does
    Compares each Pydantic/SQLModel model of the `schemas` layer with its TypeScript counterpart
    in the frontend's models folder (option `frontend-models`, default `frontend/src/models`,
    looked for under the project root, then under its parent: a monorepo keeps the backend in
    `backend/` beside `frontend/`). The counterpart is the `interface`, `type` (object types,
    intersections, `Partial`/`Omit`/`Pick` of them) or `class` of the same name, or of the
    name less a suffix `Read`, `Response`, `Public`, `Out` or `Schema` (`ConnectorResponse` is
    mirrored as `Connector`), or the one named in option `pairs`. Inherited fields count on both
    sides (Python bases, TS `extends` and intersections).

    One diagnostic per model, at the Python class, names the TS file and each difference: a
    field missing in TS, a TS member that is not a field, optionality (`Optional`/`| None` must
    be `?` or `| null` in TS; a required field must not be optional in TS, unless it has a
    default), or a type that does not map (`str` -> `string`, `int`/`float` -> `number`, `bool`
    -> `boolean`, `list[X]` -> `X[]`/`Array<X>`, `dict` -> `Record`/object, `datetime`/`UUID`
    -> `string`, an `Enum` -> its TS name, a model -> its counterpart, `Literal["ok", "error"]`
    -> the union `"ok" | "error"`, its members in any order and quoted either way). Field names are compared
    as they are on the wire: `Field(alias=...)` (or `serialization_alias`) and a camelCase
    `alias_generator` in `model_config` (also inherited) are honoured.

    ## Why is this bad?
    §11: the backend schemas are the single source of truth, and every change to one must be
    mirrored in `frontend/src/models/` in the same change. A field the frontend does not know,
    or thinks optional, fails at run time in the browser, far from the change that caused it.

    ## Notes
    It needs to see the schema's module and the modules of its project base classes (in the
    `schemas` or `models` layers); a base it cannot follow (a module that was not checked, as
    when pre-commit passes only changed files, or a library model other than `BaseModel` and
    `SQLModel`) makes it skip the model rather than guess. The frontend folder is read in full
    on every run. When no frontend folder is found the run says so once on standard error and
    reports nothing. Types it cannot read on either side (a TS alias of a primitive, a
    conditional type, a Python class it does not know) are not judged.
    """

    code = "VL703"
    name = "schema-frontend-drift"
    message = "A schema differs from its TypeScript counterpart (§11)"
    options = (FRONTEND_MODELS, PAIRS)
    analyses: ClassVar[tuple[type[Analysis], ...]] = (*INDEX_ANALYSES, PydanticModels)
    valid = (
        Valid(_PY_USER, path="app/schemas/user.py", files={"frontend/src/models/user.ts": _TS_USER}),
        Valid(
            "from pydantic import BaseModel\n\n\nclass ConnectorBase(BaseModel):\n    name: str\n\n\n"
            "class ConnectorResponse(ConnectorBase):\n    id: int\n",
            path="app/schemas/connector.py",
            files={
                "frontend/src/models/connector.ts": "interface Named {\n  name: string;\n}\n"
                "export interface Connector extends Named {\n  id: number;\n}\n"
            },
        ),
        Valid(
            _PY_RESULT,
            path="app/schemas/jobs.py",
            files={
                "frontend/src/models/jobs.ts": "export interface JobResult {\n  status: \"error\" | 'ok';\n"
                "  code?: 404 | 200 | null;\n}\n"
            },
        ),
        Valid(
            "from pydantic import BaseModel\n\n\nclass Draft(BaseModel):\n    title: str\n",
            path="app/schemas/draft.py",
            files={"frontend/src/models/other.ts": "export interface Other {\n  title: string;\n}\n"},
        ),
    )
    invalid = (
        Invalid(
            _PY_RESULT,
            path="app/schemas/jobs.py",
            files={
                "frontend/src/models/jobs.ts": "export interface JobResult {\n  status: 'ok' | 'failed';\n"
                "  code?: 200 | 404;\n}\n"
            },
            expected=(
                Expect(
                    6,
                    7,
                    "Schema `JobResult` differs from its TypeScript counterpart `JobResult` "
                    "(frontend/src/models/jobs.ts:1): `status` is `Literal['ok', 'error']` here "
                    "(TS `\"ok\" | \"error\"`) but `'ok' | 'failed'` there (§11)",
                ),
            ),
        ),
        Invalid(
            _PY_USER.replace("    tags: list[str]\n", "    tags: list[str]\n    is_active: bool\n"),
            path="app/schemas/user.py",
            files={"frontend/src/models/user.ts": _TS_USER},
            expected=(
                Expect(
                    5,
                    7,
                    "Schema `UserRead` differs from its TypeScript counterpart `UserRead` "
                    "(frontend/src/models/user.ts:1): `is_active` (`isActive`) is missing there (§11)",
                ),
            ),
        ),
        Invalid(
            "from pydantic import BaseModel\n\n\n"
            "class Hit(BaseModel):\n    score: float\n    note: str | None = None\n",
            path="app/schemas/search.py",
            files={"frontend/src/models/search.ts": "export type Hit = {\n  score: string;\n  note: string;\n};\n"},
            expected=(
                Expect(
                    4,
                    7,
                    "Schema `Hit` differs from its TypeScript counterpart `Hit` (frontend/src/models/search.ts:1): "
                    "`score` is `float` here (TS `number`) but `string` there; `note` may be None here "
                    "(`str | None`) but is required there (add `?` or `| null`) (§11)",
                ),
            ),
        ),
        Invalid(
            "from pydantic import BaseModel\n\n\nclass ConnectorOut(BaseModel):\n    id: int\n",
            path="app/schemas/connector.py",
            options={"pairs": ["ConnectorOut=ConnectorView"]},
            files={"frontend/src/models/connector.ts": "export class ConnectorView {\n  id!: string;\n}\n"},
            expected=(
                Expect(
                    4,
                    7,
                    "Schema `ConnectorOut` differs from its TypeScript counterpart `ConnectorView` "
                    "(frontend/src/models/connector.ts:1): `id` is `int` here (TS `number`) but `string` there (§11)",
                ),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Candidates are the top-level classes with bases in the schemas layer."""
        super().__init__(context)
        self._active = context.in_layer("schemas")

    def applies(self) -> bool:
        """Only schema modules are compared; the others are left out of the walk."""
        return self._active

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Report a possible model; the project phase compares it with TypeScript."""
        if node.bases and len(self.context.scope.frames) == 2:
            self.report(node.name, pending=ModelCandidate(self.context.path, node.name.value))

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep the models whose TypeScript counterpart differs, with the differences."""
        models = frontend_models(project)
        if models is None:
            return []
        index = ModelIndex.of(project)
        pairs = parse_pairs(project.settings.option(cls.code, PAIRS))
        kept: list[Diagnostic] = []
        for diagnostic in diagnostics:
            payload = diagnostic.pending
            if not isinstance(payload, ModelCandidate):
                continue
            path, name = payload.path, payload.name
            model = index.model(path, name)
            ts_name = counterpart(name, models, pairs) if model is not None else None
            members = models.members(ts_name) if ts_name is not None else None
            if model is None or ts_name is None or members is None:
                continue
            found = differences(model, members, Comparison(index, models, pairs, path))
            if found:
                declaration = models.objects[ts_name]
                where = f"{declaration.path}:{declaration.line}"
                message = DriftMessage(name=name, ts=ts_name, where=where, what="; ".join(found))
                kept.append(replace(diagnostic, message=str(message), pending=None))
        return kept
