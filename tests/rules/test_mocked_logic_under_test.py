"""VL707 mocked-logic-under-test: patches of what the module under test defines, not of what it imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, messages, write_project

PRICING = '''\
"""Pricing."""

import httpx

from app.core.rates import fetch_rates


def discount(total: float) -> float:
    return total * 0.1


class PriceService:
    def total(self, amounts: list[float]) -> float:
        return sum(amounts) - discount(sum(amounts))
'''
OTHER = """\
def helper() -> int:
    return 1
"""
RATES = """\
def fetch_rates() -> dict[str, float]:
    return {}
"""


def _project(root: Path, test: str) -> Path:
    return write_project(
        root,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/rates.py": RATES,
            "app/services/__init__.py": "from app.services.pricing import PriceService\n",
            "app/services/pricing.py": PRICING,
            "app/services/other.py": OTHER,
            "tests/test_pricing.py": test,
        },
    )


def _found(root: Path, monkeypatch: pytest.MonkeyPatch, test: str, paths: tuple[str, ...] = (".",)) -> list[str]:
    _project(root, test)
    return check(root, monkeypatch, "VL707", paths)


def test_string_patches_of_definitions_are_reported_and_of_imports_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = """\
    from unittest import mock
    from unittest.mock import patch

    from app.services.pricing import PriceService


    @patch("app.services.pricing.discount")
    def test_a(fake) -> None:
        with patch("app.services.pricing.fetch_rates"), mock.patch("app.services.pricing.httpx"):
            PriceService().total([1.0])
        with mock.patch("app.services.pricing.PriceService.total"):
            pass
        with patch("app.services.pricing.PriceService"):
            pass
    """
    assert _found(tmp_path, monkeypatch, test) == [
        "tests/test_pricing.py:7:2 VL707",
        "tests/test_pricing.py:11:10 VL707",
        "tests/test_pricing.py:13:10 VL707",
    ]


def test_object_patches_follow_the_object_to_where_it_is_defined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = """\
    from unittest.mock import patch

    from app.services import PriceService, pricing


    def test_a(mocker, monkeypatch) -> None:
        mocker.patch.object(PriceService, "total")
        monkeypatch.setattr(pricing, "discount", lambda total: 0)
        monkeypatch.setattr(pricing, "fetch_rates", dict)
        monkeypatch.setattr("app.services.pricing.discount", lambda total: 0)
        with patch.object(pricing, "httpx"):
            pass
    """
    _project(tmp_path, test)
    found = messages(tmp_path, monkeypatch, "VL707")
    assert [line.split(" ")[0] for line in found] == [
        "tests/test_pricing.py:7:5",
        "tests/test_pricing.py:8:5",
        "tests/test_pricing.py:10:5",
    ]
    assert found[0].endswith(
        "`PriceService.total` is defined in `app/services/pricing.py`, the module this test imports its subject "
        "from: patching it mocks the logic under test; patch what that module imports instead (§14)"
    )


def test_a_module_the_test_does_not_import_from_may_be_patched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = """\
    from unittest.mock import patch


    def test_a() -> None:
        from app.services.pricing import PriceService

        with patch("app.services.other.helper"):
            PriceService()
        with patch("app.services.pricing.discount"):
            PriceService()
    """
    # The import inside the test function counts: only the patch of pricing is reported.
    assert _found(tmp_path, monkeypatch, test) == ["tests/test_pricing.py:9:10 VL707"]


def test_a_run_on_the_test_alone_reports_what_a_full_run_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = """\
    from unittest.mock import patch

    from app.services.pricing import PriceService
    from app.services.gone import Missing


    def test_a() -> None:
        with patch("app.services.pricing.discount"), patch("app.services.gone.helper"):
            PriceService()
    """
    # The project phase sees every file of the project (pre-commit passes only the changed
    # test); a module that does not exist defines nothing that could be reported.
    assert _found(tmp_path, monkeypatch, test, ("tests/test_pricing.py",)) == ["tests/test_pricing.py:8:10 VL707"]
    assert _found(tmp_path, monkeypatch, test) == ["tests/test_pricing.py:8:10 VL707"]


def test_only_test_modules_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = """\
    from unittest.mock import patch

    from app.services.pricing import PriceService

    PATCHER = patch("app.services.pricing.discount")
    """
    _project(tmp_path, "")
    write_project(tmp_path, {"tests/helpers.py": code})
    assert check(tmp_path, monkeypatch, "VL707") == []


def test_the_module_named_like_the_test_is_its_subject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = """\
    from unittest.mock import patch

    from app.core.rates import fetch_rates
    from app.services.pricing import PriceService


    def test_a() -> None:
        # Patching the configuration's own function is how a test of pricing isolates it.
        with patch("app.core.rates.fetch_rates"), patch("app.services.pricing.discount"):
            PriceService().total([fetch_rates()["eur"]])
    """
    assert _found(tmp_path, monkeypatch, test) == ["tests/test_pricing.py:9:47 VL707"]
