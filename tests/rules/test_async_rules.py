"""VL201-VL207 through the CLI: import resolution, scopes, fixes, options and chains across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.rules.project_helpers import check, invoke, messages, write_project
from vectra_lint import registry
from vectra_lint.analysis import blocking_calls
from vectra_lint.analysis.rule_bases import BlockingCallRule
from vectra_lint.cli import main

BLOCKING = """
    import os
    import subprocess as sp
    import time as clock
    from pathlib import Path
    from shutil import rmtree as wipe
    from urllib.request import urlopen

    import httpx
    import pandas
    import requests
    from app.db import SessionLocal


    async def handler(path: Path, requests_: object) -> None:
        clock.sleep(1)
        requests.post("https://x")
        urlopen("https://x")
        httpx.Client()
        sp.check_call(["ls"])
        os.waitpid(1, 0)
        open("f")
        path.read_text()
        wipe("/tmp/x")
        pandas.read_json("f")
        db = SessionLocal()


    def sync_handler(path: Path) -> None:
        clock.sleep(1)
        requests.get("https://x")
        open("f")
        path.read_text()


    async def nested() -> None:
        def inner() -> None:
            clock.sleep(1)
            open("f")

        callback = lambda: requests.get("https://x")  # noqa: E731
        inner()
        callback()


    async def shadowed(requests: object, os: object) -> None:
        requests.get("https://x")
        os.system("ls")

        def open(name: str) -> None:
            pass

        open("f")
"""


def test_each_blocking_call_is_reported_once_by_its_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app/handlers.py": BLOCKING})
    assert check(tmp_path, monkeypatch, "VL201,VL202,VL203,VL204,VL205,VL206") == [
        "app/handlers.py:15:5 VL201",
        "app/handlers.py:16:5 VL202",
        "app/handlers.py:17:5 VL202",
        "app/handlers.py:18:5 VL202",
        "app/handlers.py:19:5 VL203",
        "app/handlers.py:20:5 VL203",
        "app/handlers.py:21:5 VL204",
        "app/handlers.py:22:5 VL204",
        "app/handlers.py:23:5 VL204",
        "app/handlers.py:24:5 VL205",
        "app/handlers.py:25:10 VL206",
    ]


def test_vl205_fix_offloads_the_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/load.py": """
                import pandas as pd


                async def load(path: str) -> object:
                    frame = pd.read_csv(path)
                    return frame
            """
        },
    )
    invoke(tmp_path, monkeypatch, "--select", "VL205", "--fix", ".")
    assert (tmp_path / "app/load.py").read_text() == (
        "import asyncio\n\nimport pandas as pd\n\n\nasync def load(path: str) -> object:\n"
        "    frame = await asyncio.to_thread(pd.read_csv, path)\n    return frame\n"
    )
    assert check(tmp_path, monkeypatch, "VL205") == []


def test_vl206_factories_add_to_the_shared_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.session-without-async-with]\nfactories = ["get_db"]\n'
    write_project(
        tmp_path,
        {
            "app/users.py": """
                from app.db import SessionLocal, get_db


                async def save() -> None:
                    db = get_db()
                    other = SessionLocal()
                    async with get_db() as managed, get_db.begin() as transaction:
                        pass
            """
        },
        config,
    )
    # `factories` adds to `session-factories` (SessionLocal stays a factory).
    assert check(tmp_path, monkeypatch, "VL206") == ["app/users.py:5:10 VL206", "app/users.py:6:13 VL206"]


SESSION_USES = {
    "app/api/users.py": """
        from fastapi import APIRouter
        from sqlalchemy.orm import Session

        from app.db import open_db

        router = APIRouter()


        @router.post("/users")
        async def create(user: object) -> None:
            store = open_db()
            store.add(user)
            with Session(engine) as db:
                db.add(user)
    """
}


def test_one_session_factories_setting_serves_vl206_vl502_and_vl503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set under one rule, read by all three; the sync `Session` is never VL206's.
    config = '[tool.vectra-lint.rules.VL503]\nsession-factories = ["open_db", "Session"]\n'
    write_project(tmp_path, SESSION_USES, config)
    assert check(tmp_path, monkeypatch, "VL206,VL502,VL503") == [
        "app/api/users.py:11:13 VL206",
        "app/api/users.py:11:13 VL503",
        "app/api/users.py:12:5 VL502",
        "app/api/users.py:13:10 VL503",
        "app/api/users.py:14:9 VL502",
    ]
    write_project(tmp_path, SESSION_USES, "[tool.vectra-lint]\n")
    assert check(tmp_path, monkeypatch, "VL206,VL502,VL503") == [
        "app/api/users.py:13:10 VL503",
        "app/api/users.py:14:9 VL502",
    ]


def test_rules_that_share_the_session_factories_must_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (
        '[tool.vectra-lint.rules.VL206]\nsession-factories = ["open_db"]\n'
        '[tool.vectra-lint.rules.VL503]\nsession-factories = ["make_db"]\n'
    )
    write_project(tmp_path, SESSION_USES, config)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 2
    assert "rules.VL503.session-factories: differs from its value for VL206 (one setting" in result.output


def test_vl205_extra_calls_are_followed_by_vl207(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.cpu-bound-not-offloaded]\nextra-calls = ["numpy.load"]\n'
    write_project(
        tmp_path,
        {
            "app/vectors.py": """
                import numpy as np


                def _load(path: str) -> object:
                    return np.load(path)


                async def vectors(path: str) -> object:
                    np.load(path)
                    return _load(path)
            """
        },
        config,
    )
    assert check(tmp_path, monkeypatch, "VL205,VL207") == ["app/vectors.py:9:5 VL205", "app/vectors.py:10:12 VL207"]


HELPERS = {
    "app/__init__.py": "",
    "app/utils/__init__.py": "from .files import load_csv as load_csv\n",
    "app/utils/files.py": """
        import pandas as pd


        def _read(path: str) -> object:
            return pd.read_csv(path)


        def load_csv(path: str) -> object:
            return _read(path)


        def first() -> None:
            second()


        def second() -> None:
            first()
    """,
    "app/services/__init__.py": "",
    "app/services/ingest.py": """
        import asyncio

        from app.utils import load_csv
        from ..utils.files import _read as reader, first


        class Ingest:
            def _load(self, path: str) -> object:
                return load_csv(path)

            async def run(self, path: str) -> object:
                rows = self._load(path)
                reader(path)
                first()
                await asyncio.to_thread(load_csv, path)
                await asyncio.to_thread(lambda: load_csv(path))
                return rows
    """,
}


def test_vl207_names_the_chain_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, HELPERS)
    assert messages(tmp_path, monkeypatch, "VL207") == [
        "app/services/ingest.py:12:16 VL207 `self._load` blocks the event loop inside `async def run`: "
        "Ingest._load -> load_csv -> _read -> pd.read_csv (VL205)",
        "app/services/ingest.py:13:9 VL207 `reader` blocks the event loop inside `async def run`: "
        "_read -> pd.read_csv (VL205)",
    ]


def test_vl207_on_one_file_settles_against_the_whole_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, HELPERS)
    # Pre-commit passes only the changed files: the helpers' module is still read (from the cache
    # when it has not changed), so the file gets what a full run gives it.
    full = check(tmp_path, monkeypatch, "VL207", ["."])
    assert full == ["app/services/ingest.py:12:16 VL207", "app/services/ingest.py:13:9 VL207"]
    assert check(tmp_path, monkeypatch, "VL207", ["app/services/ingest.py"]) == full


def test_vl207_gives_the_benefit_of_the_doubt_when_a_helper_is_not_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, HELPERS, config='[tool.vectra-lint]\nextend-exclude = ["app/utils"]\n')
    assert check(tmp_path, monkeypatch, "VL207", ["app/services/ingest.py"]) == []


def test_vl207_noqa_applies_to_pending_diagnostics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = dict(HELPERS)
    files["app/services/ingest.py"] = files["app/services/ingest.py"].replace(
        "reader(path)", "reader(path)  # noqa: VL207 -- tiny file"
    )
    write_project(tmp_path, files)
    assert check(tmp_path, monkeypatch, "VL207,VL002") == ["app/services/ingest.py:12:16 VL207"]


def test_async_rules_run_on_the_parallel_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = dict(HELPERS)
    for number in range(8):
        files[f"app/services/extra_{number}.py"] = (
            "from app.utils import load_csv\n\n\nasync def go():\n    load_csv('x')\n"
        )
    write_project(tmp_path, files)
    found = check(tmp_path, monkeypatch, "VL207", (".",), "--jobs", "2")
    assert found == [
        *[f"app/services/extra_{number}.py:5:5 VL207" for number in range(8)],
        "app/services/ingest.py:12:16 VL207",
        "app/services/ingest.py:13:9 VL207",
    ]


def test_the_blocking_table_names_the_rules_that_report_its_calls() -> None:
    rules = registry.rules_by_code()
    in_table = set(blocking_calls.BLOCKING.values())
    table_rules = {code for code, rule in rules.items() if issubclass(rule, BlockingCallRule)}
    assert in_table == table_rules | {blocking_calls.SLEEP}
    assert rules[blocking_calls.SLEEP].name == "blocking-sleep"
    assert blocking_calls.EXTRA_CALLS in rules[blocking_calls.EXTRA_CALLS_RULE].options


CLIENTS = {
    "app/services/search.py": """
        import weaviate
        from qdrant_client import QdrantClient


        class Search:
            client: weaviate.Client

            def __init__(self, url: str) -> None:
                self.qdrant = QdrantClient(url=url)

            async def run(self, text: str) -> object:
                self.qdrant.search(collection_name="docs", query_vector=[])
                return self.client.query.get("Doc", ["text"]).do()
    """
}


def test_vl202_sync_clients_option_names_the_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, CLIENTS)
    assert check(tmp_path, monkeypatch, "VL202") == ["app/services/search.py:12:9 VL202"]
    config = '[tool.vectra-lint.rules.blocking-http]\nsync-clients = ["weaviate.Client"]\n'
    write_project(tmp_path, CLIENTS, config)
    assert messages(tmp_path, monkeypatch, "VL202") == [
        # The first call on the client is reported, not the calls chained on its result.
        "app/services/search.py:13:16 VL202 `self.client.query.get` is a call on a sync `weaviate.Client` inside "
        "`async def`; use its async client"
    ]


RETURNED = {
    "app/services/cache.py": """
        import glob as files
        from pathlib import Path
        from typing import Optional

        import redis
        from openai import OpenAI
        from qdrant_client import QdrantClient


        def connect(url: str) -> redis.Redis:
            return redis.Redis.from_url(url)


        class Cache:
            def __init__(self, folder: str = "") -> None:
                self.folder = Path(folder) if folder else None
                self.spool = folder and Path(folder)
                self.label = folder or "cache"

            async def warm(self, key: str) -> None:
                conn = connect("redis://")
                conn.get(key)
                llm = await self.llm()
                llm.models.list()
                self.later()
                target = self.target(key)
                target.touch()
                self.folder.exists()
                self.spool.unlink()
                self.label.strip()
                files.iglob("*.json")

            async def llm(self) -> OpenAI:
                return OpenAI()

            def later(self) -> OpenAI:
                return OpenAI()

            @staticmethod
            def target(key: str) -> Path:
                return Path(key)


        class Other:
            def target(self, key: str) -> str:
                return key

            async def warm(self, key: str) -> None:
                self.target(key).strip()
                unknown = self.llm()
                unknown.models.list()
                coroutine = Cache().llm()
                pending = connect  # an alias of the function: not followed
                pending("redis://").get(key)


        def data_dir() -> Optional[Path]:
            return Path("data")


        class Injected:
            def __init__(self, qdrant: QdrantClient | None = None) -> None:
                self.qdrant = qdrant or QdrantClient(url="http://qdrant")

            async def run(self) -> None:
                self.qdrant.count("docs")
                data_dir().iterdir()
    """
}


def test_vl202_vl204_follow_what_annotated_functions_and_methods_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, RETURNED)
    assert check(tmp_path, monkeypatch, "VL202,VL204") == [
        "app/services/cache.py:22:9 VL202",
        "app/services/cache.py:24:9 VL202",
        "app/services/cache.py:27:9 VL204",
        "app/services/cache.py:28:9 VL204",
        "app/services/cache.py:29:9 VL204",
        "app/services/cache.py:31:9 VL204",
        "app/services/cache.py:66:9 VL202",
        "app/services/cache.py:67:9 VL204",
    ]
