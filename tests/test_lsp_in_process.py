"""The language server's handlers driven in this process: what its loop does between messages."""

from __future__ import annotations

import json
import queue
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from vectra_lint.lsp import server as lsp_server

Message = dict[str, Any]


class _Reader:
    """Frames given by the test, then nothing until ``release`` (a client that waits)."""

    def __init__(self, batches: list[list[Message]]) -> None:
        self.frames: list[bytes] = []
        self.batches = [[json.dumps({"jsonrpc": "2.0", **message}).encode() for message in b] for b in batches]
        self.released = threading.Event()

    def read(self) -> bytes | None:
        if not self.frames and self.batches:
            self.frames = self.batches.pop(0)
        if self.frames:
            return self.frames.pop(0)
        self.released.wait(30)
        return None

    def has_frame(self) -> bool:
        return bool(self.frames)

    def pending(self) -> bool:
        return False


class _Writer:
    def __init__(self) -> None:
        self.sent: queue.Queue[Message] = queue.Queue()

    def send(self, message: Message) -> None:
        self.sent.put(message)


def _published(writer: _Writer) -> Message:
    while True:
        message = writer.sent.get(timeout=30)
        if message.get("method") == "textDocument/publishDiagnostics":
            params: Message = message["params"]
            return params


def test_an_edit_is_checked_without_waiting_for_a_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The clock stands still: a check that waited for a pause after the edit would never run.
    monkeypatch.setattr("time.monotonic", lambda: 1000.0)
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2"]\n')
    uri = (tmp_path / "app.py").as_uri()
    bad = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n"

    def change(version: int, text: str) -> Message:
        return {
            "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        }

    opened = {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}}
    reader = _Reader(
        [
            [{"id": 1, "method": "initialize", "params": {"rootUri": tmp_path.as_uri(), "capabilities": {}}}],
            [{"method": "textDocument/didOpen", "params": opened}],
            # A burst: only its last text is checked.
            [change(2, bad), change(3, "y = 2\n"), change(4, bad)],
        ]
    )
    writer = _Writer()
    server = lsp_server.Server(writer)  # type: ignore[arg-type]
    done = threading.Thread(target=server.run, args=(reader,), daemon=True)
    done.start()
    try:
        assert _published(writer) == {"uri": uri, "diagnostics": [], "version": 1}
        published = _published(writer)
        assert published["version"] == 4
        assert [d["code"] for d in published["diagnostics"]] == ["VL201"]
        assert writer.sent.empty()
    finally:
        reader.released.set()
        done.join(30)


def _message(method: str, params: Message, number: int | None = None) -> bytes:
    message: Message = {"jsonrpc": "2.0", "method": method, "params": params}
    if number is not None:
        message["id"] = number
    return json.dumps(message).encode()


def test_no_documentation_link_where_none_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Installed from a wheel (no checkout beside it) and no `docsUrl`: vectra-lint has no web address.
    monkeypatch.setattr(lsp_server, "CHECKOUT_RULES", tmp_path / "site-packages" / "docs" / "rules.md")
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2", "E501"]\n')
    writer = _Writer()
    server = lsp_server.Server(writer)  # type: ignore[arg-type]
    server.handle(_message("initialize", {"rootUri": tmp_path.as_uri(), "capabilities": {}}, 1))
    uri = (tmp_path / "app.py").as_uri()
    text = f"import time\n\n\nasync def poll() -> None:\n    time.sleep(1)  # {'x' * 120}  # noqa: VL201\n"
    opened = {"uri": uri, "languageId": "python", "version": 1, "text": text.replace("  # noqa: VL201", "")}
    server.handle(_message("textDocument/didOpen", {"textDocument": opened}))
    shown = {d["code"]: d.get("codeDescription") for d in _published(writer)["diagnostics"]}
    assert shown == {"VL201": None, "E501": {"href": "https://docs.astral.sh/ruff/rules/line-too-long"}}
    server.handle(
        _message(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}
        )
    )
    hover = {"textDocument": {"uri": uri}, "position": {"line": 4, "character": len(text.split("\n")[4]) - 2}}
    server.handle(_message("textDocument/hover", hover, 2))
    while (answer := writer.sent.get(timeout=30)).get("id") != 2:
        pass
    assert answer["result"]["contents"]["value"].startswith("**VL201 blocking-sleep**\n\n")
    assert answer["result"]["contents"]["value"].endswith("\n\n`vectra-lint rule VL201` documents it.")


def _actions(server: lsp_server.Server, writer: _Writer, uri: str) -> list[Message]:
    """Every quick fix of the document (the actions of each of its lines)."""
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10_000, "character": 0}}
    params = {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": [], "only": ["quickfix"]}}
    server.handle(_message("textDocument/codeAction", params, 99))
    while (answer := writer.sent.get(timeout=30)).get("id") != 99:
        pass
    actions: list[Message] = answer["result"]
    assert any(action["title"].endswith("(VL402, unsafe)") for action in actions)
    return actions


def test_edits_parsed_from_the_last_tree_find_what_a_fresh_check_finds(tmp_path: Path) -> None:
    backend = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
    project = tmp_path / "backend"
    shutil.copytree(backend, project, ignore=shutil.ignore_patterns(".vectra-lint-cache", "__pycache__"))
    path = project / "app" / "services" / "document_service.py"
    original = path.read_text()
    head, _, body = original.partition("class DocumentService:")
    text = head + "class DocumentService:" + body + "\n\nclass OtherService:" + body
    edits = [
        ("logger = logging.getLogger(__name__)\n", "logger = logging.getLogger(__name__)\n# a note\n"),
        (
            "logger = logging.getLogger(__name__)\n",
            "def _first() -> None:\n    pass\n\n\nlogger = logging.getLogger(__name__)\n",
        ),
        # The logger renamed: VL402's rewrites of the functions the edit did not touch log through
        # the new name.
        ("logger = logging.getLogger(__name__)\n", "log = logging.getLogger(__name__)\n"),
        ("    async def get_document(", "    async def get_document_by_id("),
        (
            "    async def delete_document(self, document_id: int) -> None:\n",
            "    async def delete_document(self, document_id: int) -> None:\n        time.sleep(1)\n",
        ),
        ("class OtherService:", "class OtherService:\n    password = 'hunter2'"),
    ]
    writer = _Writer()
    server = lsp_server.Server(writer)  # type: ignore[arg-type]
    server.handle(_message("initialize", {"rootUri": project.as_uri(), "capabilities": {}}, 1))
    uri = path.as_uri()
    opened = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    server.handle(_message("textDocument/didOpen", {"textDocument": opened}))
    _published(writer)
    for version, (old, new) in enumerate(edits, start=2):
        assert old in text
        text = text.replace(old, new, 1)
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
        server.handle(_message("textDocument/didChange", change))
        server.run_due()
        published = _published(writer)
        # A server that never saw the earlier texts parses this one whole (and remembers nothing).
        fresh_writer = _Writer()
        fresh = lsp_server.Server(fresh_writer)  # type: ignore[arg-type]
        fresh.handle(_message("initialize", {"rootUri": project.as_uri(), "capabilities": {}}, 1))
        fresh.handle(_message("textDocument/didOpen", {"textDocument": {**opened, "text": text, "version": version}}))
        assert published == _published(fresh_writer)
        assert published["diagnostics"]
        # The quick fixes too (VL402's rewrites of the functions the edit did not touch among them).
        assert _actions(server, writer, uri) == _actions(fresh, fresh_writer, uri)
    reparser = server.documents[uri].reparser
    # Each edit but the last (in the file's last statement, which is never parsed apart) took the short way.
    assert reparser is not None and reparser.reused == len(edits) - 1


def test_a_project_the_cache_does_not_know_does_not_hold_up_the_first_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No time for the first read beyond one chunk of files: on any machine, however fast, the
    # first diagnostics are published before the project is read.
    monkeypatch.setattr(lsp_server, "FIRST_READ", 0.0)
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for number in range(40):
        (tmp_path / "app" / f"m{number:03}.py").write_text(f"def f{number}() -> int:\n    return {number}\n")
    # Read last: until then the service's cross-file finding cannot be decided.
    (tmp_path / "app" / "zz_helpers.py").write_text("import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n")
    service = "from app.zz_helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
    (tmp_path / "app" / "service.py").write_text(service)
    writer = _Writer()
    server = lsp_server.Server(writer)  # type: ignore[arg-type]
    server.handle(_message("initialize", {"rootUri": tmp_path.as_uri(), "capabilities": {}}, 1))
    uri = (tmp_path / "app" / "service.py").as_uri()
    opened = {"uri": uri, "languageId": "python", "version": 1, "text": service}
    server.handle(_message("textDocument/didOpen", {"textDocument": opened}))
    # First what is known, then (the other files read between messages) the finding that needed
    # the helper.
    assert _published(writer) == {"uri": uri, "version": 1, "diagnostics": []}
    for _ in range(100):
        server.read_more()
        if not writer.sent.empty():
            break
    assert [d["code"] for d in _published(writer)["diagnostics"]] == ["VL207"]


def test_ruff_runs_while_the_engine_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ruff's answer is held until the engine has parsed the text: a server that waited for Ruff
    # before its own check would see Ruff give up (and its finding go missing).
    from vectra_lint.lsp.reparse import Reparser
    from vectra_lint.pipeline import ruff

    parsed = threading.Event()
    ran_beside: list[bool] = []
    real_check, real_parse = ruff.check_text, Reparser.parse

    def check_text(*args: Any) -> list[Any]:
        ran_beside.append(parsed.wait(10))
        return real_check(*args) if ran_beside[-1] else []

    def parse(self: Reparser, text: str) -> Any:
        module = real_parse(self, text)
        parsed.set()
        return module

    monkeypatch.setattr(ruff, "check_text", check_text)
    monkeypatch.setattr(Reparser, "parse", parse)
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL201", "W291"]\n')
    writer = _Writer()
    server = lsp_server.Server(writer)  # type: ignore[arg-type]
    server.handle(_message("initialize", {"rootUri": tmp_path.as_uri(), "capabilities": {}}, 1))
    text = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n\n\nx = 1 \n"
    opened = {"uri": (tmp_path / "app.py").as_uri(), "languageId": "python", "version": 1, "text": text}
    server.handle(_message("textDocument/didOpen", {"textDocument": opened}))
    assert [d["code"] for d in _published(writer)["diagnostics"]] == ["VL201", "W291"]
    assert ran_beside == [True]
