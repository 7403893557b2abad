"""VL501-VL505 and VL705 through the CLI, on projects written to disk with their own layer globs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, messages, write_project

CUSTOM_LAYERS = """
[tool.vectra-lint.layers]
routes = ["backend/app/api/v1/endpoints/*.py"]
services = ["backend/app/domain/**"]
models = ["backend/app/db/tables/**"]
schemas = ["backend/app/contracts/**"]
config = ["backend/app/settings.py"]
"""


def test_vl501_follows_the_configured_globs_and_every_import_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            "backend/app/__init__.py": "",
            "backend/app/api/__init__.py": "",
            "backend/app/api/v1/__init__.py": "",
            "backend/app/api/v1/endpoints/__init__.py": "",
            "backend/app/api/v1/endpoints/users.py": "from app.domain.users import UserService\n",
            "backend/app/domain/__init__.py": "",
            "backend/app/domain/users.py": """
                from app.api.v1.endpoints import users
                from ..api.v1.endpoints.users import router
                import app.api.v1.endpoints.users as endpoints
                from app.api import v1
                from app.db.tables.user import User
                from starlette.requests import Request
            """,
            "backend/app/db/__init__.py": "",
            "backend/app/db/tables/__init__.py": "",
            "backend/app/db/tables/user.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from ...domain import users
                from . import order
            """,
            "backend/app/db/tables/order.py": "",
            "backend/app/contracts/__init__.py": "",
            "backend/app/contracts/user.py": "from app.domain.users import U\nfrom app.db.tables.user import User\n",
        },
        config="[tool.vectra-lint]\n" + CUSTOM_LAYERS,
    )
    assert messages(tmp_path, monkeypatch, "VL501") == [
        "backend/app/contracts/user.py:1:1 VL501 A `schemas` module imports `app.domain.users` of the `services` "
        "layer (§5: routes -> services -> models)",
        "backend/app/db/tables/user.py:4:5 VL501 A `models` module imports `...domain` of the `services` layer "
        "(§5: routes -> services -> models)",
        "backend/app/domain/users.py:1:1 VL501 A `services` module imports `app.api.v1.endpoints` of the `routes` "
        "layer (§5: routes -> services -> models)",
        "backend/app/domain/users.py:2:1 VL501 A `services` module imports `..api.v1.endpoints.users` of the "
        "`routes` layer (§5: routes -> services -> models)",
        "backend/app/domain/users.py:3:1 VL501 A `services` module imports `app.api.v1.endpoints.users` of the "
        "`routes` layer (§5: routes -> services -> models)",
        "backend/app/domain/users.py:6:1 VL501 A `services` module imports `starlette.requests.Request`: the HTTP "
        "request and response belong to the routes (§5: services are independent of HTTP context)",
    ]


def test_vl501_gives_the_same_answer_for_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/deps.py": "",
            "app/services/__init__.py": "",
            "app/services/users.py": "from app.api import deps\nfrom app import models\n",
            "app/models/__init__.py": "",
        },
    )
    expected = ["app/services/users.py:1:1 VL501"]
    assert check(tmp_path, monkeypatch, "VL501") == expected
    assert check(tmp_path, monkeypatch, "VL501", ["app/services/users.py"]) == expected
    monkeypatch.chdir(tmp_path / "app")
    assert check(tmp_path / "app", monkeypatch, "VL501", ["services/users.py"]) == ["services/users.py:1:1 VL501"]


def test_vl502_to_vl504_only_in_routes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    route = """
        import aiohttp
        from openai import AsyncOpenAI as LLM
        from sqlalchemy import select as build
        from app.core.db import SessionLocal
        from app.deps import SessionDep


        @router.get("/users")
        async def users(session: SessionDep, http: aiohttp.ClientSession) -> object:
            await http.get("https://example.com")
            rows = await session.scalars(build(User))
            async with SessionLocal.begin() as db:
                db.add(User())
            return await LLM().embeddings.create(input="x")


        async def helper(session=None) -> None:
            await session.commit()
            SessionLocal()
    """
    write_project(
        tmp_path,
        {"backend/app/api/v1/endpoints/users.py": route, "backend/app/domain/users.py": route},
        config="[tool.vectra-lint]\n" + CUSTOM_LAYERS,
    )
    assert check(tmp_path, monkeypatch, "VL502,VL503,VL504") == [
        "backend/app/api/v1/endpoints/users.py:2:1 VL504",
        "backend/app/api/v1/endpoints/users.py:11:18 VL502",
        "backend/app/api/v1/endpoints/users.py:11:34 VL502",
        "backend/app/api/v1/endpoints/users.py:12:16 VL503",
        "backend/app/api/v1/endpoints/users.py:13:9 VL502",
        "backend/app/api/v1/endpoints/users.py:14:18 VL504",
        "backend/app/api/v1/endpoints/users.py:18:11 VL502",
    ]


def test_vl504_client_list_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.ai-call-in-route]\nclients = ["vendor_llm"]\n'
    route = "import openai\nimport vendor_llm.chat\n\nvendor_llm.chat.complete('hi')\n"
    write_project(tmp_path, {"app/api/chat.py": route}, config=config)
    assert messages(tmp_path, monkeypatch, "VL504") == [
        "app/api/chat.py:2:1 VL504 `import vendor_llm.chat` in a route: keep LLM, embedding and vector-store "
        "calls in a service (§7)",
        "app/api/chat.py:4:1 VL504 `vendor_llm.chat.complete(...)` in a route: keep LLM, embedding and "
        "vector-store calls in a service (§7)",
    ]


def test_vl505_every_form_outside_the_config_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = """
        import os
        import os as system
        from os import environ as env, getenv
        from dotenv import dotenv_values, load_dotenv

        load_dotenv()
        values = dotenv_values(".env")
        a = os.environ["A"]
        os.environ["B"] = "1"
        del env["C"]
        d = env.get("D")
        e = getenv("E")
        system.putenv("F", "1")
        g = "G" in os.environ
        h = dict(env)


        def shadowed(os: object, env: dict[str, str]) -> object:
            return os.environ, env["X"]
    """
    write_project(
        tmp_path,
        {"backend/app/jobs.py": source, "backend/app/settings.py": source},
        config="[tool.vectra-lint]\n" + CUSTOM_LAYERS,
    )
    assert messages(tmp_path, monkeypatch, "VL505") == [
        f"backend/app/jobs.py:{where} VL505 `{use}` reads or writes the environment outside the config module; "
        "use `settings` (§2)"
        for where, use in [
            ("6:1", "load_dotenv(...)"),
            ("7:10", "dotenv_values(...)"),
            ("8:5", "os.environ[...]"),
            ("9:1", "os.environ[...]"),
            ("10:5", "env[...]"),
            ("11:5", "env.get(...)"),
            ("12:5", "getenv(...)"),
            ("13:1", "system.putenv(...)"),
            ("14:12", "os.environ"),
            ("15:10", "env"),
        ]
    ]
