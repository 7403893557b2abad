"""Issue 19's acceptance on a real backend piece (``fixtures/secrets_backend``): VL402's fix logs no
secret-bearing value, VL404 after the fix reports none of its START logs, every significant
function is instrumented, and the fixed code re-parses and is stable under a second ``--fix``."""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst
import pytest

from tests.helpers import parses
from tests.rules.project_helpers import check, invoke, messages
from vectra_lint.engine.walker import iter_nodes

FIXTURE = Path(__file__).parent.parent.parent / "fixtures" / "secrets_backend"

# What START shows of each function's parameters: secrets masked, objects of project classes by
# type and id fields (the classes live in other modules), other objects by type, never a repr.
START = {
    "app/services/user_service.py": [
        "user_in=<UserCreate>",
        "current_user=User(id={current_user.id}), user_in=<UserUpdate>",
        "email={email}, password=[MASKED]",
        "user_id={user_id}",
        "user=User(id={user.id}), reason={reason}",
    ],
    "app/services/connectors.py": [
        "config=<SqlConnectorConfig>, timeout={timeout}",
        "connector_in=<ConnectorCreate>, owner=User(id={owner.id}), kind={kind}",
    ],
    "app/services/settings_service.py": [
        "session=<AsyncSession>, key={key}, value=[MASKED], is_secret={is_secret}",
        "session=<AsyncSession>, settings_in=[{len(settings_in)} items]",
        "model={model}, input_tokens={input_tokens}, output_tokens={output_tokens}, tags={tags}",
    ],
    "app/api/routes/users.py": [
        "user_in=<UserCreate>, session=<{type(session).__name__}>",
        "user_in=<UserUpdate>, session=<{type(session).__name__}>, current_user=User(id={current_user.id})",
    ],
    "app/api/routes/admin.py": [
        "user_id={user_id}, user_in=<UserUpdate>",
        "settings_in=[{len(settings_in)} items]",
    ],
}


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    root = tmp_path / "secrets_backend"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".vectra-lint-cache"))
    return root


def _sources(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))}


def _text(module: cst.Module, node: cst.BaseExpression) -> str:
    """An f-string's text as written, implicitly concatenated parts joined."""
    if isinstance(node, cst.ConcatenatedString):
        return _text(module, node.left) + _text(module, node.right)
    assert isinstance(node, cst.FormattedString)
    return module.code_for_node(node)[2:-1]


def _start_params(source: str) -> list[str]:
    """The ``Params:`` part of every START log, in order."""
    module = cst.parse_module(source)
    found = []
    for call in iter_nodes(module, cst.Call):
        if call.args and isinstance(call.args[0].value, (cst.FormattedString, cst.ConcatenatedString)):
            text = _text(module, call.args[0].value)
            if text.startswith("START |"):
                found.append(text.split("Params: ", 1)[1])
    return found


def test_the_fix_logs_no_secret_and_instruments_every_significant_function(
    backend: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = check(backend, monkeypatch, "VL402")
    assert len(before) == 14
    # The decorator factory and its wrapper are not significant functions.
    assert not [found for found in before if found.startswith("app/services/connectors.py:19")]
    # The routes nested in `AdminRoutes._setup_routes` are routes.
    assert [f for f in before if f.startswith("app/api/routes/admin.py")] == [
        "app/api/routes/admin.py:25:19 VL402",
        "app/api/routes/admin.py:31:19 VL402",
    ]
    invoke(backend, monkeypatch, "--select", "VL402", "--fix", "--unsafe-fixes", ".")
    fixed = _sources(backend)
    assert all(parses(text) for text in fixed.values())
    for path, expected in START.items():
        assert _start_params(fixed[path]) == expected, path
    # No START log shows an object or a secret: VL404 reports none of them, VL402 nothing left.
    assert check(backend, monkeypatch, "VL402,VL404") == []
    # The function that reused its own `func_name` and timer got no second one.
    service = fixed["app/services/user_service.py"]
    assert "func_name_2" not in service and "start_2" not in service
    assert "elapsed = round((time.perf_counter() - start_time) * 1000, 2)" in service
    # The function that always raises has no FINISH and is not reported for lacking one.
    reject = service[service.index("def reject") :]
    assert "FINISH" not in reject and "❌ FAIL" in reject
    # ... nor a start time nothing reads: the fix leaves no unused variable or import behind.
    assert "perf_counter" not in reject[: reject.index("try:")]
    assert check(backend, monkeypatch, "F841,F401") == []
    # A second --fix changes nothing.
    invoke(backend, monkeypatch, "--select", "VL402", "--fix", "--unsafe-fixes", ".")
    assert _sources(backend) == fixed


def test_vl404_reports_objects_whose_classes_hold_secrets_across_modules(
    backend: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the fix used to write: reprs of objects whose classes hold secrets, at any depth.
    (backend / "app/services/audit.py").write_text(
        "from __future__ import annotations\n\nimport logging\n\n"
        "from app.models.user import User\n"
        "from app.schemas.connector import ConnectorCreate, SqlConnectorConfig\n"
        "from app.schemas.settings import SettingUpdate, UsageRecord\n"
        "from app.schemas.user import UserCreate, UserPublic\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        "def audit(user_in: UserCreate, current_user: User, config: SqlConnectorConfig) -> None:\n"
        '    logger.info(f"START | audit | Params: user_in={user_in}")\n'
        '    logger.info(f"START | audit | Params: current_user={current_user}")\n'
        '    logger.info("config %s", config)\n'
        '    logger.info(f"START | audit | Params: user={current_user.id}, email={user_in.email}")\n\n\n'
        "def batch(connector_in: ConnectorCreate, settings_in: list[SettingUpdate], public: UserPublic) -> None:\n"
        '    logger.info(f"{connector_in}")\n'
        '    logger.info(f"{settings_in}")\n'
        '    logger.info(f"{public} {len(settings_in)}")\n\n\n'
        "def usage(record: UsageRecord, key: str, value: str, is_secret: bool) -> None:\n"
        '    logger.info(f"{record} {key} {is_secret}")\n'
        '    logger.info(f"{key}={value}")\n',
        encoding="utf-8",
    )
    found = messages(backend, monkeypatch, "VL404")
    # `UserPublic` shares `UserBase` with `User` but not its `hashed_password`; token counts and
    # flags are not secrets.
    assert found == [
        "app/services/audit.py:14:5 VL404 `user_in` is logged whole and its `UserCreate` holds `password`; "
        "log its id fields instead (§6.4)",
        "app/services/audit.py:15:5 VL404 `current_user` is logged whole and its `User` holds `hashed_password`; "
        "log its id fields instead (§6.4)",
        "app/services/audit.py:16:5 VL404 `config` is logged whole and its `SqlConnectorConfig` holds `password`; "
        "log its id fields instead (§6.4)",
        "app/services/audit.py:21:5 VL404 `connector_in` is logged whole and its `ConnectorCreate` holds "
        "`config.password`; log its id fields instead (§6.4)",
        "app/services/audit.py:22:5 VL404 `settings_in` is logged whole and its `SettingUpdate` holds `value`; "
        "log its id fields instead (§6.4)",
        "app/services/audit.py:28:5 VL404 `value` is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)",
    ]
