"""VL705 through the CLI, on projects written to disk with and without their tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, messages, write_project


def test_vl705_looks_at_the_tests_folder_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/services/__init__.py": "from .users import UserService\n",
            "app/services/users.py": "class UserService:\n    pass\n",
            "app/services/billing/invoices.py": "class Invoices:\n    pass\n",
            "app/services/orders.py": "class Orders:\n    pass\n",
            "tests/unit/services/test_users.py": "def test_users() -> None:\n    assert True\n",
            "tests/invoices_test.py": "def test_invoices() -> None:\n    assert True\n",
        },
    )
    assert messages(tmp_path, monkeypatch, "VL705") == [
        "app/services/orders.py:1:1 VL705 Service module `orders` has no test module `tests/**/test_orders.py` (§14)"
    ]
    # pre-commit passes only the changed service: the answer is the same.
    assert check(tmp_path, monkeypatch, "VL705", ["app/services/orders.py", "app/services/users.py"]) == [
        "app/services/orders.py:1:1 VL705"
    ]
    (tmp_path / "tests/unit/services/test_orders.py").write_text("def test_orders() -> None:\n    assert True\n")
    assert check(tmp_path, monkeypatch, "VL705", ["app/services/orders.py"]) == []
    (tmp_path / "tests/unit/services/test_orders.py").unlink()
    assert check(tmp_path, monkeypatch, "VL705", ["app/services/orders.py"]) == ["app/services/orders.py:1:1 VL705"]


def test_vl705_tests_folder_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.service-without-tests]\ntests = ["backend/tests"]\n'
    write_project(
        tmp_path,
        {
            "app/services/users.py": "class UserService:\n    pass\n",
            "tests/test_users.py": "",
            "backend/tests/test_other.py": "",
        },
        config=config,
    )
    assert messages(tmp_path, monkeypatch, "VL705") == [
        "app/services/users.py:1:1 VL705 Service module `users` has no test module "
        "`backend/tests/**/test_users.py` (§14)"
    ]
