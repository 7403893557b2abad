"""VL703, VL704 and VL706 on whole projects: a monorepo (``backend/`` beside ``frontend/``) written
here, a backend without frontend, partial runs as pre-commit makes them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.rules.project_helpers import CONFIG, check, invoke, messages, write_project

SCHEMA_BASE = """
    from pydantic import BaseModel, ConfigDict
    from pydantic.alias_generators import to_camel


    class CamelModel(BaseModel):
        model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
"""
SCHEMAS = """
    from datetime import datetime
    from typing import Optional
    from uuid import UUID

    from pydantic import Field

    from app.models.enums import ProjectState, Visibility
    from app.schemas.base import CamelModel


    class ProjectBase(CamelModel):
        name: str
        description: Optional[str] = None


    class ProjectPublic(ProjectBase):
        id: UUID
        state: ProjectState
        owner_ids: list[int]
        created_at: datetime


    class ProjectCreate(ProjectBase):
        visibility: Visibility


    class ProjectUpdate(CamelModel):
        name: str | None = None
        budget: float = Field(default=0, alias="budgetEur")
"""
ENUMS = """
    from enum import Enum, StrEnum, auto


    class ProjectState(StrEnum):
        DRAFT = auto()
        ACTIVE = auto()
        ARCHIVED = auto()


    class Visibility(str, Enum):
        PRIVATE = "private"
        TEAM = "team"
        PUBLIC = "public"
"""
TS_MODELS = """
    import { ProjectState, Visibility } from "./enums";

    interface Timestamps {
      createdAt: string;
    }

    export interface ProjectBase {
      name: string;
      description?: string | null;
    }

    export interface Project extends ProjectBase, Timestamps {
      id: string;
      state: ProjectState;
      ownerIds: number[];
    }

    export type ProjectCreate = ProjectBase;

    export interface ProjectUpdate {
      name: string;
      budgetEur?: number;
    }
"""
TS_ENUMS = """
    export enum ProjectState {
      DRAFT = "draft",
      ACTIVE = "active",
      ARCHIVED = "archived",
    }

    export const Visibility = {
      PRIVATE: "private",
      TEAM: "team",
      ORG: "org",
    } as const;
    export type Visibility = (typeof Visibility)[keyof typeof Visibility];
"""


def _files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _project(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return write_project(root, files, config)


def _monorepo(tmp_path: Path, config: str = CONFIG, **extra: str) -> Path:
    repo = tmp_path / "repo"
    _files(
        repo,
        {
            "frontend/src/models/project.ts": TS_MODELS,
            "frontend/src/models/enums.ts": TS_ENUMS,
            "frontend/package.json": "{}",
        },
    )
    files = {
        "app/__init__.py": "",
        "app/schemas/__init__.py": "",
        "app/schemas/base.py": SCHEMA_BASE,
        "app/schemas/project.py": SCHEMAS,
        "app/models/__init__.py": "",
        "app/models/enums.py": ENUMS,
        **extra,
    }
    return _project(repo / "backend", files, config)


def test_monorepo_drift_is_reported_at_the_python_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _monorepo(tmp_path)
    assert messages(backend, monkeypatch, "VL703,VL704") == [
        "app/models/enums.py:10:7 VL704 Enum `Visibility` lacks `ORG` of its TypeScript twin "
        "(../frontend/src/models/enums.ts:7) (§11)",
        "app/models/enums.py:13:5 VL704 `Visibility.PUBLIC` is missing from the TypeScript twin "
        "(../frontend/src/models/enums.ts:7) (§11)",
        "app/schemas/project.py:23:7 VL703 Schema `ProjectCreate` differs from its TypeScript counterpart "
        "`ProjectCreate` (../frontend/src/models/project.ts:18): `visibility` is missing there (§11)",
        "app/schemas/project.py:27:7 VL703 Schema `ProjectUpdate` differs from its TypeScript counterpart "
        "`ProjectUpdate` (../frontend/src/models/project.ts:20): `name` may be None here (`str | None`) but is "
        "required there (add `?` or `| null`) (§11)",
    ]


def test_models_in_step_are_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _monorepo(tmp_path)
    in_step = {
        "app/models/enums.py": ENUMS.replace('    PUBLIC = "public"', '    ORG = "org"'),
        "app/schemas/project.py": SCHEMAS.replace("name: str | None = None", "name: str"),
    }
    _files(backend, in_step)
    _files(
        backend.parent,
        {
            "frontend/src/models/project.ts": TS_MODELS.replace(
                "ProjectBase;", "ProjectBase & {\n  visibility: Visibility;\n};"
            )
        },
    )
    assert check(backend, monkeypatch, "VL703,VL704") == []


def test_type_and_alias_differences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _monorepo(tmp_path)
    _files(
        backend.parent,
        {
            "frontend/src/models/project.ts": TS_MODELS.replace("ownerIds: number[]", "ownerIds: string[]").replace(
                "state: ProjectState", "state: string"
            )
        },
    )
    found = [line for line in messages(backend, monkeypatch, "VL703") if "ProjectPublic" in line]
    assert found == [
        "app/schemas/project.py:16:7 VL703 Schema `ProjectPublic` differs from its TypeScript counterpart `Project` "
        "(../frontend/src/models/project.ts:12): `state` is `ProjectState` here (TS `ProjectState`) "
        "but `string` there; "
        "`owner_ids` (`ownerIds`) is `list[int]` here (TS `number[]`) but `string[]` there (§11)"
    ]


def test_no_frontend_folder_is_said_once_and_reports_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _project(tmp_path / "service", {"app/schemas/project.py": SCHEMAS, "app/models/enums.py": ENUMS})
    result = invoke(backend, monkeypatch, "--output-format", "concise", "--select", "VL703,VL704", ".")
    assert result.stdout == "All checks passed!\n"
    assert result.stderr.count("no frontend models folder found") == 1
    assert "`frontend/src/models`" in result.stderr


def test_a_backend_without_schemas_hears_nothing_of_a_frontend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _project(tmp_path / "tool", {"app/services/run.py": '"""Run."""\n'})
    result = invoke(backend, monkeypatch, "--select", "VL703,VL704", ".")
    # Nothing of the frontend; only that the two rules have no schemas or models to compare.
    assert result.stderr.splitlines()[:3] == [
        "warning: in the project at ., layers match no file:",
        '  models = ["app/models/**"]: VL704 cannot report without it',
        '  schemas = ["app/schemas/**"]: VL703, VL704 cannot report without it',
    ]
    assert "frontend" not in result.stderr


def test_configured_folder_and_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (
        "[tool.vectra-lint]\n[tool.vectra-lint.rules.schema-frontend-drift]\n"
        'frontend-models = "web/types"\npairs = ["ProjectUpdate=ProjectPatch"]\n'
    )
    backend = write_project(
        tmp_path,
        {
            "app/schemas/base.py": SCHEMA_BASE,
            "app/schemas/project.py": SCHEMAS,
            "app/models/enums.py": ENUMS,
            "web/types/patch.ts": "export interface ProjectPatch {\n  name?: string;\n  budget?: number;\n}\n",
        },
        config,
    )
    assert messages(backend, monkeypatch, "VL703") == [
        "app/schemas/project.py:27:7 VL703 Schema `ProjectUpdate` differs from its TypeScript counterpart "
        "`ProjectPatch` (web/types/patch.ts:1): `budget` (`budgetEur`) is missing there; "
        "`budget` there is not a field here (§11)"
    ]


def test_partial_runs_report_what_a_full_run_reports_for_their_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _monorepo(tmp_path)
    full = check(backend, monkeypatch, "VL703,VL704", ["."])
    # The files not passed (the schemas' base class) are still read: the project is settled whole.
    named = ["app/schemas/project.py", "app/models/enums.py"]
    assert check(backend, monkeypatch, "VL703,VL704", named) == [line for line in full if line.split(":")[0] in named]
    assert check(backend, monkeypatch, "VL703", ["app/schemas"]) == [
        "app/schemas/project.py:23:7 VL703",
        "app/schemas/project.py:27:7 VL703",
    ]


def test_noqa_on_a_member_and_on_a_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enums = ENUMS.replace('PUBLIC = "public"', 'PUBLIC = "public"  # noqa: VL704 -- not shown in the UI yet')
    backend = _monorepo(tmp_path, **{"app/models/enums.py": enums})
    assert check(backend, monkeypatch, "VL704") == ["app/models/enums.py:10:7 VL704"]


TRANSLATIONS_CONFIG = (
    "[tool.vectra-lint]\n[tool.vectra-lint.rules.error-code-untranslated]\n"
    'translations = ["../frontend/src/i18n/*.ts", "../frontend/src/i18n/*.json"]\n'
)
ERRORS = """
    from app.core.codes import QUOTA_EXCEEDED


    class VectraException(Exception):
        error_code = "INTERNAL_ERROR"

        def __init__(self, message: str, error_code: str = "UNKNOWN_ERROR") -> None:
            super().__init__(message)
            self.error_code = error_code


    class QuotaError(VectraException):
        error_code = QUOTA_EXCEEDED


    def fail() -> None:
        raise VectraException("gone", error_code="USER_GONE")


    def fail_again() -> None:
        raise VectraException("gone", "USER_GONE")


    def internal() -> None:
        raise VectraException("x", error_code="DEBUG_ONLY")  # noqa: VL706 -- never shown to users
"""


def test_untranslated_codes_are_reported_once_per_translation_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _monorepo(
        tmp_path,
        TRANSLATIONS_CONFIG,
        **{
            "app/core/codes.py": 'QUOTA_EXCEEDED = "QUOTA_EXCEEDED"\n',
            "app/core/errors.py": ERRORS,
            "tests/test_errors.py": 'def test_x() -> None:\n    raise ValueError(error_code="TEST_ONLY")\n',
        },
    )
    _files(
        backend.parent,
        {
            "frontend/src/i18n/en.ts": "export default {\n  errors: { INTERNAL_ERROR: 'Oops' },\n};\n",
            "frontend/src/i18n/fr.json": '{"UNKNOWN_ERROR": "Inconnu"}',
        },
    )
    # The translation files are outside the folder the command runs in: shown by their full path,
    # as every such path is; the message names them relative to the project root, as configured.
    frontend = f"{backend.parent.resolve()}/frontend/src/i18n"
    assert messages(backend, monkeypatch, "VL706") == [
        f"{frontend}/en.ts:1:1 VL706 Error code `QUOTA_EXCEEDED` (app/core/errors.py:13) has no "
        "translation in ../frontend/src/i18n/en.ts (§4)",
        f"{frontend}/en.ts:1:1 VL706 Error code `USER_GONE` (app/core/errors.py:17) has no "
        "translation in ../frontend/src/i18n/en.ts (§4)",
        f"{frontend}/fr.json:1:1 VL706 Error code `QUOTA_EXCEEDED` (app/core/errors.py:13) has no "
        "translation in ../frontend/src/i18n/fr.json (§4)",
        f"{frontend}/fr.json:1:1 VL706 Error code `USER_GONE` (app/core/errors.py:17) has no "
        "translation in ../frontend/src/i18n/fr.json (§4)",
    ]


def test_translation_globs_that_match_nothing_are_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _monorepo(
        tmp_path,
        TRANSLATIONS_CONFIG,
        **{
            "app/core/errors.py": ERRORS.replace(
                "from app.core.codes import QUOTA_EXCEEDED\n", "QUOTA_EXCEEDED = 'Q'\n"
            )
        },
    )
    result = invoke(backend, monkeypatch, "--output-format", "concise", "--select", "VL706", ".")
    assert result.stdout == "All checks passed!\n"
    assert result.stderr.count("matches no file") == 2


def test_python_field_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schemas = """
        from typing import ClassVar, Literal, Optional

        from pydantic import BaseModel, Field
        from pydantic.utils import to_camel
        from sqlmodel import Relationship, SQLModel


        class Legacy(BaseModel):
            user_id: int
            tags: list[str] = Field(default_factory=list)
            kind: Literal["a", "b"] = Field(...)
            note: Optional[str]
            limit: ClassVar[int] = 3
            _cache: dict = {}

            class Config:
                alias_generator = to_camel


        class Row(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            owner: "User" = Relationship(back_populates="rows")
            score: float = 0.5
    """
    typescript = """
        export interface Legacy {
          UserId: number;
          Tags?: string[];
          Kind: "a" | "c";
          Note: string | null;
        }

        export class Row {
          id?: number;
          score: number;
        }
    """
    backend = _project(tmp_path, {"app/schemas/legacy.py": schemas, "frontend/src/models/legacy.ts": typescript})
    assert messages(backend, monkeypatch, "VL703") == [
        "app/schemas/legacy.py:8:7 VL703 Schema `Legacy` differs from its TypeScript counterpart `Legacy` "
        '(frontend/src/models/legacy.ts:1): `kind` (`Kind`) is `Literal["a", "b"]` here (TS `"a" | "b"`) '
        'but `"a" | "c"` there (§11)'
    ]


def test_enum_auto_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enums = """
        from enum import Enum, IntEnum, StrEnum, auto


        class A(str, Enum):
            X = auto()
            Y = auto()


        class B(StrEnum):
            X = auto()


        class C(IntEnum):
            X = auto()
            Y = 5
            Z = auto()
    """
    typescript = (
        'export enum A { X = "1", Y = "3" }\nexport enum B { X = "x" }\nexport enum C { X = 1, Y = 5, Z = 7 }\n'
    )
    backend = _project(tmp_path, {"app/models/e.py": enums, "frontend/src/models/e.ts": typescript})
    assert messages(backend, monkeypatch, "VL704") == [
        'app/models/e.py:6:5 VL704 `A.Y` is "2" here but "3" in the TypeScript twin (frontend/src/models/e.ts:1) (§11)',
        "app/models/e.py:16:5 VL704 `C.Z` is 6 here but 7 in the TypeScript twin (frontend/src/models/e.ts:3) (§11)",
    ]


def test_an_edited_typescript_model_is_seen_by_a_cached_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _monorepo(tmp_path)
    before = check(backend, monkeypatch, "VL704")
    assert before  # the enums differ
    # The Python files are unchanged: only the TypeScript side moves, and the cache must notice.
    (backend.parent / "frontend" / "src" / "models" / "enums.ts").write_text("export {};\n")
    after = check(backend, monkeypatch, "VL704")
    assert after != before
    assert after == check(backend, monkeypatch, "VL704", ["."], "--no-cache")


def test_literal_fields_match_the_same_typescript_union_in_any_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas = """
        from typing import Literal, Optional, Union

        from pydantic import BaseModel


        class Task(BaseModel):
            phase: Literal["queued", "running", "done"]
            retry: Optional[Literal['never', "always"]] = None
            mixed: Union[Literal["auto", 0], int]
            flag: Literal[True, False]
            single: Literal["v1"]


        class Drifted(BaseModel):
            phase: Literal["queued", "running", "done"]
            level: Literal["low", "high"]
            grade: Literal[1, 2]
    """
    typescript = """
        export interface Task {
          phase: 'done' | "queued" | 'running';
          retry?: "always" | 'never' | null;
          mixed: number | 'auto' | 0;
          flag: false | true;
          single: "v1";
        }

        export type Drifted = {
          phase: "queued" | "running";
          level: "low" | "high" | "urgent";
          grade: "1" | "2";
        };
    """
    backend = _project(tmp_path, {"app/schemas/task.py": schemas, "frontend/src/models/task.ts": typescript})
    assert messages(backend, monkeypatch, "VL703") == [
        "app/schemas/task.py:14:7 VL703 Schema `Drifted` differs from its TypeScript counterpart `Drifted` "
        '(frontend/src/models/task.ts:9): `phase` is `Literal["queued", "running", "done"]` here '
        '(TS `"queued" | "running" | "done"`) but `"queued" | "running"` there; '
        '`level` is `Literal["low", "high"]` here (TS `"low" | "high"`) but `"low" | "high" | "urgent"` there; '
        '`grade` is `Literal[1, 2]` here (TS `1 | 2`) but `"1" | "2"` there (§11)'
    ]


def test_an_enum_without_twin_is_reported_where_a_schema_counterpart_holds_raw_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enums = """
        from enum import Enum, IntEnum


        class Priority(str, Enum):
            LOW = "low"
            HIGH = "high"


        class Tier(IntEnum):
            FREE = 0
            PRO = 1


        class Region(str, Enum):
            EU = "eu"


        class Unused(str, Enum):
            A = "a"


        class Colour(str, Enum):
            RED = "red"
    """
    schemas = """
        from typing import Optional

        from pydantic import BaseModel, ConfigDict
        from pydantic.alias_generators import to_camel

        from app.models.enums import Colour, Priority, Region, Tier


        class TicketOut(BaseModel):
            model_config = ConfigDict(alias_generator=to_camel)

            title: str
            priority: Optional[Priority] = None
            past_priorities: list[Priority]
            tier: Tier
            region: Region


        class Draft(BaseModel):
            colour: Colour
    """
    # `Region` has a TS mirror of its own name (an alias): that is the frontend's twin enough.
    typescript = """
        export type Region = "eu";

        export interface Ticket {
          title: string;
          priority?: "low" | "high" | null;
          pastPriorities: string[];
          tier: number;
          region: Region;
        }
    """
    rows = """
        from sqlmodel import SQLModel

        from app.models.enums import Colour


        class Paint(SQLModel):
            colour: Colour
    """
    backend = _project(
        tmp_path,
        {
            "app/models/enums.py": enums,
            "app/models/paint.py": rows,
            "app/schemas/ticket.py": schemas,
            "frontend/src/models/ticket.ts": typescript,
            # `Paint` (a model of the `models` layer, not a schema) has a counterpart: not judged.
            "frontend/src/models/paint.ts": "export interface Paint {\n  colour: string;\n}\n",
        },
    )
    assert messages(backend, monkeypatch, "VL704") == [
        "app/models/enums.py:4:7 VL704 Enum `Priority` has no TypeScript twin, so the frontend spells its values "
        'by hand: `TicketOut.priority` is `"low" | "high" | null` in `Ticket` (frontend/src/models/ticket.ts:3); '
        "`TicketOut.past_priorities` is `string[]` in `Ticket` (frontend/src/models/ticket.ts:3) (§11)",
        "app/models/enums.py:9:7 VL704 Enum `Tier` has no TypeScript twin, so the frontend spells its values "
        "by hand: `TicketOut.tier` is `number` in `Ticket` (frontend/src/models/ticket.ts:3) (§11)",
    ]
    # With a twin, the enum is compared member by member instead.
    (backend / "frontend/src/models/tier.ts").write_text("export enum Tier {\n  FREE,\n  PRO,\n}\n")
    assert check(backend, monkeypatch, "VL704") == ["app/models/enums.py:4:7 VL704"]


def test_codes_held_by_locals_reach_the_translation_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handlers = """
        from fastapi import HTTPException
        from fastapi.responses import JSONResponse

        from app.core.codes import QUOTA_EXCEEDED
        from app.core.errors import NotFound, VectraException

        STORAGE_FULL = "STORAGE_FULL"


        def find(entity_id: int) -> None:
            code = "ENTITY_NOT_FOUND"
            if entity_id < 0:
                code = "ENTITY_INVALID"
            raise NotFound("No such entity", error_code=code)


        async def on_error(request: object, exc: VectraException) -> JSONResponse:
            error_code = exc.error_code or "INTERNAL_ERROR"
            kind: str = "TIMEOUT" if exc.args else "UNAVAILABLE"  # not a code: no `error_code` key
            return JSONResponse(
                status_code=500,
                content={"error": {"error_code": error_code, "kind": kind}, "detail": str(exc)},
            )


        def retry(items: list[int]) -> None:
            for item in items:
                if item:
                    raise VectraException("again", error_code=last)
                last = "RETRY_LATER"


        def quota() -> None:
            reason = QUOTA_EXCEEDED
            raise VectraException("full", error_code=reason)


        def shadowed(error_code: str = "PARAM_DEFAULT") -> None:
            STORAGE_FULL = "DISK_FULL"
            raise VectraException("full", error_code=STORAGE_FULL)


        def passed_on(error_code: str) -> None:
            raise VectraException("passed", error_code=error_code)


        def http() -> None:
            raise HTTPException(404, detail={"error_code": "ROUTE_GONE", "hint": {"code": "NOT_A_CODE"}})
    """
    errors = """
        class VectraException(Exception):
            error_code = "INTERNAL_ERROR"


        class NotFound(VectraException):
            pass
    """
    backend = _monorepo(
        tmp_path,
        TRANSLATIONS_CONFIG,
        **{
            "app/core/codes.py": 'QUOTA_EXCEEDED = "QUOTA_EXCEEDED"\n',
            "app/core/errors.py": errors,
            "app/api/handlers.py": handlers,
        },
    )
    _files(
        backend.parent,
        {
            "frontend/src/i18n/en.json": '{"errors": {"INTERNAL_ERROR": "Oops", "ENTITY_NOT_FOUND": "Not found", '
            '"TIMEOUT": "Slow", "STORAGE_FULL": "Full"}}'
        },
    )
    found = messages(backend, monkeypatch, "VL706")
    assert sorted(line.split(" VL706 ", 1)[1].split(" has no", 1)[0] for line in found) == [
        "Error code `DISK_FULL` (app/api/handlers.py:40)",
        "Error code `ENTITY_INVALID` (app/api/handlers.py:14)",
        "Error code `QUOTA_EXCEEDED` (app/api/handlers.py:35)",
        "Error code `RETRY_LATER` (app/api/handlers.py:29)",
        "Error code `ROUTE_GONE` (app/api/handlers.py:48)",
    ]
    assert all(line.startswith("../frontend/src/i18n/en.json:1:1 VL706") for line in found)
