"""VL505: only the resolved `os` module's environment (and dotenv), each use once."""

from __future__ import annotations

from tests.helpers import lint, settings_for

SOURCE = """from os import environ, getenv, putenv

import dotenv
import dotenv.main


class Secrets:
    environ: dict[str, str] = {}

    def getenv(self, key: str, default: str = "") -> str:
        return self.environ.get(key, default)

    def putenv(self, key: str, value: str) -> None:
        self.environ[key] = value


def configure(store: Secrets, getenv: Secrets) -> str:
    store.putenv("MODE", "test")
    store.getenv(key="MODE")
    getenv.getenv("X")
    return store.environ["MODE"]


def spawn(run: object) -> None:
    run(environ=None, putenv=False)
    (lambda environ: environ.get("A"))({})


def boot() -> None:
    dotenv.main.load_dotenv(dotenv.find_dotenv(), override=True)
    dotenv.dotenv_values(".env.test")
    putenv("TZ", "UTC")
    mode = getenv("MODE")
    secrets = dict(environ)
"""


def test_vl505_reports_the_environment_once_per_use_and_nothing_named_like_it() -> None:
    found = [d for d in lint(SOURCE, settings_for("VL505"), "app/x.py") if d.code == "VL505"]
    assert [(d.line, d.column, d.message.split("`")[1]) for d in found] == [
        (30, 5, "dotenv.main.load_dotenv(...)"),
        (31, 5, "dotenv.dotenv_values(...)"),
        (32, 5, "putenv(...)"),
        (33, 12, "getenv(...)"),
        (34, 20, "environ"),
    ]
