"""VL705 through the CLI, on projects written to disk with and without their tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, messages, write_project

SERVICES = {
    "app/__init__.py": "",
    "app/services/__init__.py": "from .users import UserService\n",
    "app/services/users.py": "class UserService:\n    def run(self) -> int:\n        return 1\n",
    "app/services/billing/__init__.py": "",
    "app/services/billing/invoices.py": "class Invoices:\n    def run(self) -> int:\n        return 1\n",
    "app/services/orders.py": "class Orders:\n    def run(self) -> int:\n        return 1\n",
    "app/api/orders.py": "router = None\n",
}


def _message(module: str, dotted: str, tests: str = "tests") -> str:
    return f"Service module `{module}` has no test module: nothing under `{tests}/` imports `{dotted}` (§14)"


def test_vl705_a_test_counts_by_what_it_imports_not_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            **SERVICES,
            # Another name, another folder, the module imported under an alias: it tests invoices.
            "tests/unit/billing_checks.py": "import app.services.billing.invoices as inv\n",
            # Imported inside the test function only.
            "tests/test_accounts.py": "def test_user() -> None:\n    from app.services import users\n",
            # Named like the orders service, but it tests the orders route.
            "tests/api/test_orders.py": "from app.api.orders import router\n",
            # A fixture file importing the service tests nothing.
            "tests/conftest.py": "from app.services.orders import Orders\n",
        },
    )
    assert messages(tmp_path, monkeypatch, "VL705") == [
        f"app/services/orders.py:1:1 VL705 {_message('orders', 'app.services.orders')}"
    ]
    # pre-commit passes only the services: the tests are read from disk, with the same answer.
    assert check(tmp_path, monkeypatch, "VL705", ["app/services"]) == ["app/services/orders.py:1:1 VL705"]
    # The tests alone and the services alone: a test checked in the run counts the same.
    assert check(tmp_path, monkeypatch, "VL705", ["app/services/orders.py", "tests"]) == [
        "app/services/orders.py:1:1 VL705"
    ]


def test_vl705_follows_relative_imports_and_package_imports_of_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            **SERVICES,
            "tests/__init__.py": "",
            "tests/billing/__init__.py": "",
            "tests/billing/test_money.py": (
                "from app.services.billing import invoices\nfrom app.services import orders\n"
            ),
            # The package alone does not test the users module (a re-export names no module).
            "tests/test_users.py": "from app.services import UserService\nimport app.services\n",
        },
    )
    assert check(tmp_path, monkeypatch, "VL705") == ["app/services/users.py:1:1 VL705"]
    assert check(tmp_path, monkeypatch, "VL705", ["app/services/users.py"]) == ["app/services/users.py:1:1 VL705"]


def test_vl705_sees_a_test_file_change_with_the_service_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {**SERVICES, "tests/test_orders.py": "from app.api.orders import router\n"})
    service = ["app/services/orders.py"]
    assert check(tmp_path, monkeypatch, "VL705", service) == ["app/services/orders.py:1:1 VL705"]
    cached = sorted(path.name for path in (tmp_path / ".vectra-lint-cache").iterdir())
    # The cached answer is not reused once the test (same name, not checked) imports the service.
    (tmp_path / "tests/test_orders.py").write_text("from app.services.orders import Orders\n\n\nORDERS = Orders\n")
    assert check(tmp_path, monkeypatch, "VL705", service) == []
    # Only the project phase was settled again: the files' entries (keyed by settings) still serve.
    assert sorted(path.name for path in (tmp_path / ".vectra-lint-cache").iterdir()) == cached
    (tmp_path / "tests/test_orders.py").unlink()
    assert check(tmp_path, monkeypatch, "VL705", service) == ["app/services/orders.py:1:1 VL705"]
    (tmp_path / "tests/deep/er").mkdir(parents=True)
    (tmp_path / "tests/deep/er/orders_test.py").write_text("from app.services.orders import *\n")
    assert check(tmp_path, monkeypatch, "VL705", service) == []


def test_vl705_tests_folder_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.service-without-tests]\ntests = ["backend/tests"]\n'
    write_project(
        tmp_path,
        {
            "app/services/users.py": "class UserService:\n    def run(self) -> int:\n        return 1\n",
            "app/services/orders.py": "class Orders:\n    def run(self) -> int:\n        return 1\n",
            "tests/test_users.py": "from app.services import users\n",
            "backend/tests/test_other.py": "from app.services.orders import Orders\n",
        },
        config=config,
    )
    assert messages(tmp_path, monkeypatch, "VL705") == [
        f"app/services/users.py:1:1 VL705 {_message('users', 'app.services.users', 'backend/tests')}"
    ]


def test_vl705_makes_relative_imports_of_a_test_package_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.service-without-tests]\ntests = ["app/tests"]\n'
    write_project(
        tmp_path,
        {
            **SERVICES,
            "app/tests/__init__.py": "",
            "app/tests/test_flow.py": (
                "from ..services import orders\nfrom ..services.billing.invoices import Invoices\n"
            ),
            # `.users` is `app.tests.users`, not the service.
            "app/tests/test_users.py": "from .users import UserService\n",
        },
        config=config,
    )
    assert check(tmp_path, monkeypatch, "VL705") == ["app/services/users.py:1:1 VL705"]
    assert check(tmp_path, monkeypatch, "VL705", ["app/services"]) == ["app/services/users.py:1:1 VL705"]


def test_vl705_a_service_module_with_nothing_to_run_needs_no_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # langflow's services hold schema, constants and abstract-base modules beside the services.
    files = {
        "app/services/cache/schema.py": (
            "from typing import Protocol\n\n\nclass GetCache(Protocol):\n"
            "    async def __call__(self, key: str) -> bytes: ...\n"
        ),
        "app/services/cache/base.py": (
            "import abc\n\n\nclass CacheService(abc.ABC):\n    @abc.abstractmethod\n"
            '    def get(self, key: str) -> bytes:\n        """The value of ``key``."""\n\n'
            "    def set(self, key: str, value: bytes) -> None:\n        raise NotImplementedError\n"
        ),
        "app/services/settings/constants.py": 'DEFAULT_TTL = 60\nNAMES = ("a", "b")\n',
        "app/services/settings/flags.py": (
            "class Flags(BaseSettings):\n    mvp: bool = False\n\n    class Config:\n        env_prefix = 'APP_'\n"
        ),
        # A method with code of its own, even inside `if TYPE_CHECKING:`'s `else`, is something to run.
        "app/services/cache/memory.py": (
            "if TYPE_CHECKING:\n    pass\nelse:\n\n    class Memory:\n"
            "        def get(self, key: str) -> bytes:\n            return key.encode()\n"
        ),
    }
    write_project(tmp_path, files)
    assert check(tmp_path, monkeypatch, "VL705") == ["app/services/cache/memory.py:1:1 VL705"]
