"""``vectra-lint server``: a Language Server over stdio, with the CLI's engine and config.

Diagnostics are published when a document is opened, changed and saved, for the text in the
editor (saved or not), settled against the rest of the project as ``check`` would. Each fix is a
quick-fix code action (unsafe ones say so and are never preferred), beside a "disable for this
line" action that adds the code to the line's ``# noqa``; ``source.fixAll.vectra-lint`` applies
every safe fix at once, as ``check --fix`` would. Hovering a code of a ``# noqa`` comment shows
the rule's summary; each diagnostic links to its rule's documentation where one is known (the
``docsUrl`` initialization option, else the ``docs/rules.md`` of the checkout it runs from).

The protocol is spoken here with the standard library alone (a general LSP framework costs more
than half a second to import, more than the whole start may take): one thread reads frames, the
main thread handles them in order and runs the checks in this process, one at a time. A burst of
edits is checked once, for its last text: a document is checked when no message waits to be
handled, with no pause after an edit that nothing follows. The engine is imported in the
background as soon as the client has initialized, while the editor gets ready to open its first
file.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload
from urllib.parse import unquote, urlparse

from vectra_lint import __version__
from vectra_lint.diagnostics import selects
from vectra_lint.lsp import protocol
from vectra_lint.lsp.positions import Lines, Position

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.config.projects import Project as ConfigProject
    from vectra_lint.config.projects import Projects
    from vectra_lint.config.settings import Settings
    from vectra_lint.diagnostics import Diagnostic
    from vectra_lint.engine.memo import NodeMemo
    from vectra_lint.lsp.reparse import Reparser
    from vectra_lint.pipeline.cache import ResultCache
    from vectra_lint.pipeline.results import Task

SOURCE = "vectra-lint"
QUICK_FIX = "quickfix"
FIX_ALL = "source.fixAll.vectra-lint"
DOCS_OPTION = "docsUrl"
"""The initialization option naming where the team publishes the rules' documentation: a URL with
``{code}`` and/or ``{name}`` in it (``https://wiki.example/lint/{code}``), or the address of a copy of
``docs/rules.md``, to which each rule's anchor (``#name-code``) is appended."""
CHECKOUT_RULES = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"
"""Where ``docs/rules.md`` is when vectra-lint runs from its checkout (an editable install)."""
RUFF_DOCS_URL = "https://docs.astral.sh/ruff/rules/{name}"
FIRST_READ = 0.5
"""Seconds the first check of a project waits for the other files' facts (from the result cache,
or checked now); past them, it is published with what is known and published again when all is."""
_READ_CHUNK = 8
CONFIG_FILES = ("pyproject.toml", "setup.cfg", ".gitignore")
"""Files whose change can change a project's settings or files (re-read on the next check)."""

# Any: a JSON object of the protocol; what a handler reads of the client's is checked by `_field`.
Json = dict[str, Any]
_T = TypeVar("_T")


@dataclass
class _Settings:
    """The settings of one project's files, and what they were read from."""

    project: ConfigProject
    settings: Settings
    """The project's, with ``whole_project`` set as ``check`` on part of the project sets it."""
    content: bytes | None
    """The configuration file's bytes when it was read: a change (an edit, a checkout) reloads it."""


@dataclass
class _Project:
    """A project's facts by root-relative path (its saved files', with the open documents' text
    in place of theirs) and the index the project phase builds from them, kept between edits."""

    settings: _Settings
    facts: dict[str, Mapping[str, object]] | None = None
    index: Project | None = None
    stale: set[Path] = field(default_factory=set)
    """Files changed on disk since their facts were read."""
    unread: list[Task] = field(default_factory=list)
    """Files whose facts are still to be read (a project the result cache does not know yet)."""


@dataclass
class _Document:
    """An open document: its text, and what its last check found."""

    uri: str
    path: Path | None
    text: str
    version: int | None
    checked_text: str | None = None
    lines: Lines | None = None
    raw: tuple[Diagnostic, ...] = ()
    """The check's diagnostics before the project phase (with the pending ones)."""
    reparser: Reparser | None = None
    """Parses each new text from the last one's tree (made at the first check: libcst is imported
    in the background, not before ``initialize`` is answered)."""
    memo: NodeMemo | None = None
    """What the last check made from nodes that the reparse keeps (made with the reparser)."""
    diagnostics: tuple[Diagnostic, ...] = ()


class Server:
    """The language server's state and its handlers."""

    def __init__(self, writer: protocol.Writer) -> None:
        """A server answering through ``writer``."""
        self.writer = writer
        self.initialized = False
        self.shut_down = False
        self.documents: dict[str, _Document] = {}
        self.finder: Projects | None = None
        """Which project each file is in (found again when settings may have moved)."""
        self.settings: dict[Path, _Settings] = {}
        """By project root."""
        self.projects: dict[Path, _Project] = {}
        self.due: dict[str, None] = {}
        """The documents to check once the messages that wait are handled (in the order given)."""
        self.resolve_edits = False
        self.watch = False
        self.told: set[str] = set()
        self.docs: str | None = None
        """Where vectra-lint's rules are documented (:data:`DOCS_OPTION`); None: nowhere known."""
        self.requests: dict[str, Callable[[object], object]] = {
            "initialize": self.initialize,
            "shutdown": self.shutdown,
            "textDocument/codeAction": self.code_action,
            "codeAction/resolve": self.resolve_code_action,
            "textDocument/hover": self.hover,
        }
        self.notifications: dict[str, Callable[[object], None]] = {
            "initialized": self.on_initialized,
            "textDocument/didOpen": self.did_open,
            "textDocument/didChange": self.did_change,
            "textDocument/didSave": self.did_save,
            "textDocument/didClose": self.did_close,
            "workspace/didChangeWatchedFiles": self.did_change_watched_files,
            "workspace/didChangeConfiguration": self.did_change_configuration,
        }

    # The loop ---------------------------------------------------------------------------------

    def run(self, reader: protocol.FrameReader) -> int:
        """Handle frames until ``exit`` (or the end of input); the process's exit code."""
        inbox: queue.Queue[list[bytes | protocol.Broken | None]] = queue.Queue()

        def read() -> None:
            # The frames the client has sent are passed on together, up to the last byte there is:
            # the edits of a burst are all taken before a check runs for one of them.
            while True:
                batch = [reader.read()]
                while batch[-1] is not None and (reader.has_frame() or reader.pending()):
                    batch.append(reader.read())
                inbox.put(batch)
                if batch[-1] is None:
                    return

        threading.Thread(target=read, name="vectra-lint-reader", daemon=True).start()
        while True:
            # Checks and fact reading wait while messages do: an edit that follows replaces the
            # text a check would have been for.
            idle_work = bool(self.due) or any(project.unread for project in self.projects.values())
            try:
                batch = inbox.get(block=not idle_work)
            except queue.Empty:
                if self.due:
                    self.run_due()
                else:
                    self.read_more()
                continue
            for frame in batch:
                if frame is None:
                    _log("the client closed the connection without `exit`")
                    return 0 if self.shut_down else 1
                if isinstance(frame, protocol.Broken):
                    _log(f"a broken frame: {frame.problem}")
                    self.error(frame.request_id, protocol.PARSE_ERROR, f"broken frame: {frame.problem}")
                    continue
                code = self.handle(frame)
                if code is not None:
                    return code

    def handle(self, body: bytes) -> int | None:
        """Handle one message; the exit code when it is ``exit``."""
        import json

        try:
            message = json.loads(body)
        except ValueError as problem:
            self.error(None, protocol.PARSE_ERROR, f"not JSON: {problem}")
            return None
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            self.error(_id(message), protocol.INVALID_REQUEST, "not a JSON-RPC 2.0 message")
            return None
        method = message.get("method")
        if not isinstance(method, str):
            return None  # an answer to a request of ours (registerCapability): nothing waits for it
        is_request = "id" in message
        if method == "exit":
            return 0 if self.shut_down else 1
        if self.shut_down:
            if is_request:
                self.error(message["id"], protocol.INVALID_REQUEST, "the server is shut down")
            return None
        if not self.initialized and method != "initialize":
            if is_request:
                self.error(message["id"], protocol.SERVER_NOT_INITIALIZED, "the server is not initialized")
            return None
        params = message.get("params")
        try:
            if is_request:
                handler = self.requests.get(method)
                if handler is None:
                    self.error(message["id"], protocol.METHOD_NOT_FOUND, f"unknown method {method}")
                else:
                    self.writer.send({"id": message["id"], "result": handler(params)})
            else:
                notification = self.notifications.get(method)
                if notification is not None:
                    notification(params)
        except _BadParams as problem:
            if is_request:
                self.error(message["id"], protocol.INVALID_REQUEST, str(problem))
        except Exception as problem:  # a bug answers this message, the server keeps serving
            from vectra_lint.pipeline.runner import internal_error

            _log(internal_error(problem))
            if is_request:
                self.error(message["id"], protocol.INTERNAL_ERROR, internal_error(problem))
        return None

    def error(self, request_id: object, code: int, message: str) -> None:
        """Answer a request (``None``: one whose id is unknown) with an error."""
        self.writer.send({"id": request_id, "error": {"code": code, "message": message}})

    def notify(self, method: str, params: Json) -> None:
        """Send a notification to the client."""
        self.writer.send({"method": method, "params": params})

    def tell(self, text: str) -> None:
        """Show an error in the editor, once until things work again (not at every keystroke)."""
        if text not in self.told:
            self.told.add(text)
            self.notify("window/showMessage", {"type": 1, "message": f"vectra-lint: {text}"})

    # Lifecycle --------------------------------------------------------------------------------

    def initialize(self, params: object) -> Json:
        """Answer what the server can do. Workspace folders need no bookkeeping: each file's settings
        come from its own nearest pyproject.toml, whichever folder it is in."""
        params = params if isinstance(params, dict) else {}
        self.initialized = True
        capabilities = params.get("capabilities") or {}
        code_action = (capabilities.get("textDocument") or {}).get("codeAction") or {}
        resolvable = (code_action.get("resolveSupport") or {}).get("properties") or []
        self.resolve_edits = "edit" in resolvable
        self.watch = bool(
            ((capabilities.get("workspace") or {}).get("didChangeWatchedFiles") or {}).get("dynamicRegistration")
        )
        options = params.get("initializationOptions")
        configured = options.get(DOCS_OPTION) if isinstance(options, dict) else None
        self.docs = configured if isinstance(configured, str) and configured else _checkout_docs()
        return {
            "capabilities": {
                "positionEncoding": "utf-16",
                "textDocumentSync": {"openClose": True, "change": 1, "save": {"includeText": False}},
                "codeActionProvider": {"codeActionKinds": [QUICK_FIX, FIX_ALL], "resolveProvider": True},
                "hoverProvider": True,
                "workspace": {"workspaceFolders": {"supported": True}},
            },
            "serverInfo": {"name": "vectra-lint", "version": __version__},
        }

    def on_initialized(self, params: object) -> None:
        """Watch the configuration files (where the client can), and import the engine meanwhile."""
        if self.watch:
            watchers = [{"globPattern": f"**/{name}"} for name in CONFIG_FILES] + [{"globPattern": "**/*.py"}]
            registration = {
                "id": "vectra-lint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": watchers},
            }
            self.writer.send(
                {
                    "id": "vectra-lint-watch",
                    "method": "client/registerCapability",
                    "params": {"registrations": [registration]},
                }
            )
        threading.Thread(target=_warm_up, name="vectra-lint-warm-up", daemon=True).start()

    def shutdown(self, params: object) -> None:
        """Stop answering: ``exit`` follows."""
        self.shut_down = True
        self.due.clear()
        for project in self.projects.values():
            project.unread.clear()

    # Documents --------------------------------------------------------------------------------

    def did_open(self, params: object) -> None:
        """Check a document when it is opened."""
        item = _field(params, "textDocument", dict)
        uri = _field(item, "uri", str)
        document = _Document(uri, _path(uri), _field(item, "text", str), item.get("version"))
        self.documents[uri] = document
        self.check_and_publish(document)

    def did_change(self, params: object) -> None:
        """Take the new text; check it once the burst of edits it belongs to is over (when no
        message waits)."""
        item = _field(params, "textDocument", dict)
        document = self.documents.get(_field(item, "uri", str))
        if document is None:
            return
        for change in _field(params, "contentChanges", list):
            text = _field(change, "text", str)
            where = change.get("range")
            if where is None:
                document.text = text
            else:  # an incremental change, from a client that ignored the full sync asked for
                lines = Lines(document.text)
                start, end = lines.offset(where["start"]), lines.offset(where["end"])
                document.text = document.text[:start] + text + document.text[end:]
        document.version = item.get("version")
        self.due[document.uri] = None

    def did_save(self, params: object) -> None:
        """Check the saved document now."""
        document = self.documents.get(_field(_field(params, "textDocument", dict), "uri", str))
        if document is not None:
            self.due.pop(document.uri, None)
            self.check_and_publish(document)

    def did_close(self, params: object) -> None:
        """Forget a closed document and clear its diagnostics; its saved file's facts count again."""
        uri = _field(_field(params, "textDocument", dict), "uri", str)
        document = self.documents.pop(uri, None)
        self.due.pop(uri, None)
        if document is not None and document.path is not None:
            for project in self.projects.values():
                project.stale.add(document.path)
        self.notify("textDocument/publishDiagnostics", {"uri": uri, "diagnostics": []})

    def did_change_watched_files(self, params: object) -> None:
        """A configuration file changed: settings are read again; a Python file changed: its facts."""
        changes = _field(params, "changes", list)
        paths = [path for change in changes if (path := _path(change.get("uri", ""))) is not None]
        if any(path.name in CONFIG_FILES for path in paths):
            self.reload()
            return
        for project in self.projects.values():
            project.stale.update(path for path in paths if path.suffix == ".py")
        self.recheck_all()

    def did_change_configuration(self, params: object) -> None:
        """Read every project's settings again and check the open documents."""
        self.reload()

    def reload(self) -> None:
        """Forget the settings and projects; check every open document again."""
        self.finder = None
        self.settings.clear()
        self.projects.clear()
        self.told.clear()
        self.recheck_all()

    def recheck_all(self) -> None:
        """Check every open document again (once the messages that wait are handled)."""
        self.due.update(dict.fromkeys(self.documents))

    def run_due(self) -> None:
        """Check the first document to check (the loop looks at the client's messages between two)."""
        uri = next(iter(self.due))
        del self.due[uri]
        document = self.documents.get(uri)
        if document is not None:
            self.check_and_publish(document)

    def current(self, uri: str) -> _Document | None:
        """The open document, checked for its latest text (a check that waits is done now)."""
        document = self.documents.get(uri)
        if document is None:
            return None
        if uri in self.due or document.checked_text != document.text:
            self.due.pop(uri, None)
            self.check_and_publish(document)
        return document

    # Checking ---------------------------------------------------------------------------------

    def check_and_publish(self, document: _Document) -> None:
        """Check a document and publish its diagnostics (and those of the documents it changes)."""
        if document.path is None or document.path.suffix != ".py":
            return
        changed = self.check(document)
        self.publish(document)
        for other in changed:
            self.publish(other)

    def check(self, document: _Document) -> list[_Document]:
        """Lint the document's text as the file it is; the other open documents of its project
        whose diagnostics its new facts changed (settled again, without linting them again)."""
        from vectra_lint.config.files import ConfigError
        from vectra_lint.lsp.reparse import Reparser
        from vectra_lint.pipeline.results import Task
        from vectra_lint.pipeline.ruff import RuffError
        from vectra_lint.registry import RegistryError

        assert document.path is not None
        if document.reparser is None or document.memo is None:
            from vectra_lint.engine.memo import NodeMemo

            document.reparser = Reparser()
            document.memo = NodeMemo()
        path = document.path
        text = document.text
        document.checked_text = text
        document.lines = Lines(text)
        try:
            project = self.project_for(path)
            settings = project.settings.settings
            task = Task(path, _display(path), _relative(path, settings.root))
            self.load_facts(project, path)
            linted = _lint(task, text, settings, document.reparser, document.memo)
        except (ConfigError, RegistryError, RuffError) as problem:
            self.tell(str(problem))
            document.raw = document.diagnostics = ()
            return []
        if isinstance(linted, str):
            self.tell(linted)
            document.raw = document.diagnostics = ()
            return []
        raw, facts, parsed = linted
        document.raw = raw
        changed: list[_Document] = []
        assert project.facts is not None
        # Text that does not parse is mostly a keystroke away from text that does: the other files
        # keep seeing this one's last facts, rather than losing them and getting them back.
        if (parsed or task.relative not in project.facts) and project.facts.get(task.relative) != facts:
            project.facts[task.relative] = facts
            project.index = None
            changed = self.settle_others(project, document)
        document.diagnostics = self.settle(project, task.display, raw)
        return changed

    def settle(self, project: _Project, display: str, raw: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
        """A file's diagnostics with the pending ones settled against the project's index."""
        settled = [d for d in raw if d.pending is None]
        pending = [d for d in raw if d.pending is not None]
        if pending:
            from vectra_lint.analysis.project import Project, settle_pending

            assert project.facts is not None
            if project.index is None:
                project.index = Project(project.settings.settings, project.facts)
            settled += [d for d in settle_pending(project.index, pending) if d.path == display]
        return tuple(sorted(settled, key=lambda d: d.sort_key))

    def settle_others(self, project: _Project, edited: _Document) -> list[_Document]:
        """Settle the other open documents of ``project`` again; those whose diagnostics changed."""
        changed = []
        for other in self.documents.values():
            if other is edited or other.path is None or other.lines is None:
                continue
            if not any(d.pending is not None for d in other.raw) or self.project_for(other.path) is not project:
                continue
            diagnostics = self.settle(project, _display(other.path), other.raw)
            if diagnostics != other.diagnostics:
                other.diagnostics = diagnostics
                changed.append(other)
        return changed

    def _levels(self, document: _Document) -> Callable[[str], str]:
        """The severity of each code in the document's project (the one model every output shares)."""
        from vectra_lint.config.files import ConfigError

        if document.path is not None:
            try:
                return self._settings_for(document.path).settings.severity_of
            except ConfigError:
                pass  # said once already; its diagnostics are none
        return lambda code: "error"

    def publish(self, document: _Document) -> None:
        """Send the document's diagnostics, with positions from its one line table."""
        lines = document.lines
        assert lines is not None
        level = self._levels(document)
        shown = [_lsp_diagnostic(lines, d, level, self.docs_url) for d in document.diagnostics]
        params: Json = {"uri": document.uri, "diagnostics": shown}
        if document.version is not None:
            params["version"] = document.version
        self.notify("textDocument/publishDiagnostics", params)

    def project_for(self, path: Path) -> _Project:
        """The project of ``path``'s settings (its facts loaded on first use)."""
        found = self._settings_for(path)
        project = self.projects.get(found.project.root)
        if project is None or project.settings is not found:
            project = self.projects[found.project.root] = _Project(found)
        return project

    def _settings_for(self, path: Path) -> _Settings:
        """The settings of ``path``'s project, found as ``check`` finds it (``config/projects.py``),
        read again when its configuration file's bytes changed.

        What was read before is kept by project root. This is the one place the server decides
        which settings a file gets.
        """
        from dataclasses import replace

        from vectra_lint.config.projects import Projects

        if self.finder is None:
            self.finder = Projects(_make_settings)
        project = self.finder.for_path(path)
        content = _read_config(project.config)
        found = self.settings.get(project.root)
        if found is not None and found.project.config == project.config:
            if found.content == content:
                return found
            # Changed since it was read (an edit, a checkout): look for every project again, as a
            # table added or removed moves their roots.
            self.finder = Projects(_make_settings)
            project = self.finder.for_path(path)
            content = _read_config(project.config)
        # The project phase sees every file of the project (as `check` on part of it does).
        settings = replace(project.settings, whole_project=project.marked)
        found = self.settings[project.root] = _Settings(project, settings, content)
        return found

    def load_facts(self, project: _Project, path: Path) -> None:
        """Read the facts of the project's other files (from the result cache where it has them),
        once, for up to ``FIRST_READ`` seconds: what is left is read between messages
        (:meth:`read_more`), so that a project the cache does not know does not keep the first
        file's diagnostics waiting. Later, only the facts of files changed on disk are read."""
        from vectra_lint.pipeline.discovery import discover

        settings = project.settings.settings
        if project.facts is None:
            known = project.settings.project
            assert self.finder is not None
            tasks = discover([known.root], self.finder, known.root, only=known).tasks if known.marked else []
            project.facts = {}
            project.unread = [task for task in tasks if task.path is not None and task.path != path]
            project.stale.clear()
            self.read_some(project, FIRST_READ)
            return
        open_paths = {document.path for document in self.documents.values()}
        stale = [stale for stale in project.stale if stale not in open_paths]
        project.stale.clear()
        if not stale:
            return
        for stale_path in stale:
            project.facts.pop(_relative(stale_path, settings.root), None)
        assert self.finder is not None
        found = discover(stale, self.finder, settings.root, only=project.settings.project).tasks
        tasks = [task for task in found if task.path is not None]
        project.unread = [*tasks, *(task for task in project.unread if task.path not in stale)]
        self.read_some(project, FIRST_READ)

    def read_some(self, project: _Project, seconds: float, size: int = _READ_CHUNK) -> bool:
        """Read unread facts, ``size`` files at a time, for about ``seconds`` (at least ``size``
        files); whether all are read."""
        from vectra_lint.pipeline import project_run

        settings = project.settings.settings
        assert project.facts is not None
        deadline = time.monotonic() + seconds
        while project.unread:
            chunk, project.unread = project.unread[:size], project.unread[size:]
            # One job: a process pool forked from this threaded process could deadlock.
            unread: list[str] = []
            outcomes = project_run.context(chunk, settings, 1, _cache(project.settings), settings.root, unread)
            for notice in unread:
                _log(f"warning: {notice}")
            # An open document's facts are its text's, not its file's.
            open_paths = {document.path for document in self.documents.values()}
            project.facts.update({o.task.relative: o.facts for o in outcomes if o.task.path not in open_paths})
            project.index = None
            if time.monotonic() >= deadline:
                break
        return not project.unread

    def read_more(self) -> None:
        """Read one more file's facts (a file the cache does not have is checked: the client's next
        message waits for one file at most); once all are, settle the project's open documents again."""
        project = next((project for project in self.projects.values() if project.unread), None)
        if project is None or not self.read_some(project, 0.0, 1):
            return
        for document in self.documents.values():
            if document.path is None or document.lines is None or self.project_for(document.path) is not project:
                continue
            diagnostics = self.settle(project, _display(document.path), document.raw)
            if diagnostics != document.diagnostics:
                document.diagnostics = diagnostics
                self.publish(document)

    # Code actions and hover -------------------------------------------------------------------

    def code_action(self, params: object) -> list[Json]:
        """For the diagnostics in the range: each fix, and "disable for this line"; and the
        action that applies every safe fix."""
        uri = _field(_field(params, "textDocument", dict), "uri", str)
        document = self.current(uri)
        if document is None:
            return []
        where = _field(params, "range", dict)
        first = _field(_field(where, "start", dict), "line", int) + 1
        last = _field(_field(where, "end", dict), "line", int) + 1
        context = _field(params, "context", dict)
        wanted = [kind for kind in context.get("only") or () if isinstance(kind, str)]
        actions: list[Json] = []
        # `only` narrows by prefix: "source" asks for source.fixAll.vectra-lint too.
        if not wanted or any(QUICK_FIX.startswith(kind) or kind.startswith(QUICK_FIX) for kind in wanted):
            chosen = [d for d in document.diagnostics if d.line <= last and d.end_line >= first]
            actions += [self.fix_action(document, d) for d in chosen if d.fix is not None]
            actions += [noqa for d in chosen if (noqa := self.noqa_action(document, d)) is not None]
        if not wanted or any(FIX_ALL.startswith(kind) for kind in wanted):
            from vectra_lint.diagnostics import Applicability

            if any(d.fix is not None and d.fix.applicability is Applicability.SAFE for d in document.diagnostics):
                action: Json = {"title": "vectra-lint: apply every safe fix", "kind": FIX_ALL}
                if self.resolve_edits:
                    action["data"] = {"uri": uri, "version": document.version}
                else:
                    edit = self.fix_all_edit(document)
                    if edit is None:
                        return actions
                    action["edit"] = edit
                actions.append(action)
        return actions

    def fix_action(self, document: _Document, diagnostic: Diagnostic) -> Json:
        """The quick fix of one diagnostic."""
        from vectra_lint.diagnostics import Applicability

        assert diagnostic.fix is not None and document.lines is not None
        fix = diagnostic.fix
        unsafe = fix.applicability is not Applicability.SAFE
        lines = document.lines
        edits = [{"range": lines.range(edit.start, edit.end), "newText": edit.content} for edit in fix.edits]
        return {
            "title": f"{fix.description} ({diagnostic.code}{', unsafe' if unsafe else ''})",
            "kind": QUICK_FIX,
            "diagnostics": [_lsp_diagnostic(lines, diagnostic, self._levels(document), self.docs_url)],
            "isPreferred": not unsafe,
            "edit": {"changes": {document.uri: edits}},
        }

    def noqa_action(self, document: _Document, diagnostic: Diagnostic) -> Json | None:
        """ "Disable for this line": the diagnostic's code added to the ``# noqa`` of the line where
        the engine honours it. A client that resolves actions gets the edit when the user picks it
        (working it out reads the whole file's tokens)."""
        from vectra_lint.fixing.add_noqa import NOT_SILENCEABLE

        if diagnostic.code in NOT_SILENCEABLE or document.lines is None:
            return None
        action: Json = {
            "title": f"Disable {diagnostic.code} for this line",
            "kind": QUICK_FIX,
            "diagnostics": [_lsp_diagnostic(document.lines, diagnostic, self._levels(document), self.docs_url)],
        }
        if self.resolve_edits:
            action["data"] = {"uri": document.uri, "noqa": [diagnostic.code, diagnostic.line, diagnostic.column]}
            return action
        edit = self.noqa_edit(document, diagnostic)
        if edit is None:
            return None
        action["edit"] = {"changes": {document.uri: [edit]}}
        return action

    def noqa_edit(self, document: _Document, diagnostic: Diagnostic) -> Json | None:
        """The text edit that adds the diagnostic's code to its line's ``# noqa`` (``check --add-noqa``'s)."""
        from vectra_lint.fixing.add_noqa import add_noqa

        assert document.lines is not None
        text = document.checked_text or ""
        changed, count = add_noqa(text, [diagnostic])
        if not count or changed == text:
            return None
        # The one line that changed, as the smallest edit (the rest of the text is the same).
        start = 0
        limit = min(len(text), len(changed))
        while start < limit and text[start] == changed[start]:
            start += 1
        end = 0
        while end < limit - start and text[len(text) - 1 - end] == changed[len(changed) - 1 - end]:
            end += 1
        where = document.lines.range(start, len(text) - end)
        line = where["start"]["line"] + 1
        if where["end"]["line"] + 1 != line or line not in (diagnostic.line, *diagnostic.noqa_lines):
            return None  # not the comment of a line that silences it: offer nothing rather than break code
        return {"range": where, "newText": changed[start : len(changed) - end]}

    def fix_all_edit(self, document: _Document) -> Json | None:
        """Every safe fix applied (as ``check --fix``), as one edit of the whole text."""
        from vectra_lint.pipeline.results import Mode, Task
        from vectra_lint.pipeline.runner import process

        assert document.path is not None and document.lines is not None
        text = document.checked_text or ""
        settings = self.project_for(document.path).settings.settings
        task = Task(document.path, _display(document.path), _relative(document.path, settings.root))
        # The CLI's fix loop for one file, as its workers run it: fixes of diagnostics that wait for
        # the project phase are not applied.
        outcome = process(task, text.encode("utf-8", "surrogatepass"), settings, Mode(fix=True), None)
        if outcome.error is not None or outcome.fixed_text is None or outcome.fixed_text == text:
            return None
        everything = {"start": {"line": 0, "character": 0}, "end": document.lines.end()}
        return {"changes": {document.uri: [{"range": everything, "newText": outcome.fixed_text}]}}

    def resolve_code_action(self, params: object) -> Json:
        """The edit of a fix-all or "disable for this line" action, worked out when it is picked."""
        action = params if isinstance(params, dict) else {}
        data = action.get("data")
        if not isinstance(data, dict):
            return action
        document = self.current(str(data.get("uri", "")))
        if document is None:
            return action
        if action.get("kind") == FIX_ALL:
            edit = self.fix_all_edit(document)
            if edit is not None:
                return {**action, "edit": edit}
        elif isinstance(data.get("noqa"), list) and len(data["noqa"]) == 3:
            code, line, column = data["noqa"]
            for diagnostic in document.diagnostics:
                if (diagnostic.code, diagnostic.line, diagnostic.column) == (code, line, column):
                    text_edit = self.noqa_edit(document, diagnostic)
                    if text_edit is not None:
                        return {**action, "edit": {"changes": {document.uri: [text_edit]}}}
        return action

    def hover(self, params: object) -> Json | None:
        """On a code of a ``# noqa`` comment: the rule's name and summary, and a link to its docs."""
        from vectra_lint.engine import noqa

        uri = _field(_field(params, "textDocument", dict), "uri", str)
        document = self.documents.get(uri)
        given = _field(params, "position", dict)
        position: Position = {"line": _field(given, "line", int), "character": _field(given, "character", int)}
        if document is None:
            return None
        lines = document.lines if document.lines is not None and document.checked_text == document.text else None
        lines = lines or Lines(document.text)
        line = lines.line_text(position["line"])
        column = lines.offset(position) - lines.offset({"line": position["line"], "character": 0})
        hash_at = line.find("#")
        while hash_at >= 0:
            for code, start, end in noqa.code_spans(line, hash_at):
                if start <= column <= end:
                    return self.hover_code(code, position["line"], (start, end), lines)
            hash_at = line.find("#", hash_at + 1)
        return None

    def docs_url(self, code: str, name: str) -> str | None:
        """The address of a rule's documentation (Ruff's for its codes); None where none is known."""
        if selects("VL", code):
            if self.docs is None:
                return None
            if "{code}" in self.docs or "{name}" in self.docs:
                return self.docs.replace("{code}", code).replace("{name}", name)
            return f"{self.docs}#{name}-{code.lower()}"
        if name and name != code and any(selects(prefix, code) for prefix in ("E", "W", "F")):
            return RUFF_DOCS_URL.format(name=name)
        return None  # a plugin rule: `vectra-lint rule CODE` documents it

    def hover_code(self, code: str, line: int, span: tuple[int, int], lines: Lines) -> Json:
        """The hover of one code, at ``span`` (columns in characters) of 0-based ``line``."""
        from vectra_lint.registry import rules_by_code

        rule = rules_by_code().get(code)
        if rule is not None:
            href = self.docs_url(rule.code, rule.name)
            more = f"[Documentation]({href})" if href else f"`vectra-lint rule {rule.code}` documents it."
            text = f"**{rule.code} {rule.name}**\n\n{rule.summary()}\n\n{more}"
        elif selects("E", code) or selects("W", code):
            text = f"**{code}**: a Ruff (PEP 8) rule; `ruff rule {code}` documents it."
        else:
            text = f"**{code}**: not a rule vectra-lint knows."
        base = lines.offset({"line": line, "character": 0})
        return {
            "contents": {"kind": "markdown", "value": text},
            "range": lines.range(base + span[0], base + span[1]),
        }


class _BadParams(Exception):
    """A message whose parameters lack what the method needs."""


def _field(params: object, name: str, kind: type[_T]) -> _T:
    value = params.get(name) if isinstance(params, dict) else None
    if not isinstance(value, kind):
        raise _BadParams(f"`{name}` is missing or not a {kind.__name__}")
    return value


def _id(message: object) -> object:
    return message.get("id") if isinstance(message, dict) else None


class _RuffLater(Sequence["Diagnostic"]):
    """Ruff's findings on a text, from a Ruff process started at once and waited for only when the
    engine reads them (after its walk): the two run at the same time instead of one after the other."""

    def __init__(self, text: str, display: str, settings: Settings) -> None:
        """Start Ruff on ``text`` (in a thread that waits for the process)."""
        self.found: tuple[Diagnostic, ...] | None = None
        self.error: Exception | None = None

        def run() -> None:
            from vectra_lint.pipeline import ruff

            try:
                self.found = ruff.to_diagnostics(ruff.check_text(text, display, settings), text, display)
            except Exception as error:  # handed to the thread that reads the findings
                self.error = error

        self.thread = threading.Thread(target=run, name="vectra-lint-ruff", daemon=True)
        self.thread.start()

    def wait(self) -> tuple[Diagnostic, ...]:
        """The findings (Ruff's errors are raised here)."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.found is not None
        return self.found

    def __len__(self) -> int:
        """How many findings."""
        return len(self.wait())

    @overload
    def __getitem__(self, index: int) -> Diagnostic: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Diagnostic, ...]: ...

    def __getitem__(self, index: int | slice) -> Diagnostic | tuple[Diagnostic, ...]:
        """A finding (or several)."""
        return self.wait()[index]

    def __iter__(self) -> Iterator[Diagnostic]:
        """The findings."""
        return iter(self.wait())


def _lint(
    task: Task, text: str, settings: Settings, reparser: Reparser, memo: NodeMemo
) -> tuple[tuple[Diagnostic, ...], dict[str, object], bool] | str:
    """The document's diagnostics (before the project phase), facts and whether it parsed, as the
    CLI's worker finds them for the same bytes (the tree from ``reparser``: the same as a whole
    parse; what ``memo`` kept of the last check, for the nodes it reused); or why the file could
    not be checked."""
    from vectra_lint.engine.limits import CannotAnalyse
    from vectra_lint.engine.lint import lint_text
    from vectra_lint.pipeline import ruff
    from vectra_lint.pipeline.runner import internal_error

    external = _RuffLater(text, task.display, settings) if settings.ruff_selected else None
    try:
        # Not `external or ()`: its truth is its length, which would wait for Ruff before the walk.
        given: Sequence[Diagnostic] = () if external is None else external
        result = lint_text(task.display, task.relative, text, settings, given, parse=reparser.parse, memo=memo)
        if external is not None:
            external.wait()  # a file that does not parse never read them: Ruff's failure still counts
    except CannotAnalyse as error:
        return f"{task.display}: cannot analyse: {error}"
    except RecursionError:
        return f"{task.display}: cannot analyse: too deeply nested"
    except ruff.RuffCrash as error:
        return f"{task.display}: cannot analyse: {error}"
    except ruff.RuffError:
        raise  # not about this file: Ruff cannot be used
    except Exception as error:  # a bug on one file must not stop the server
        return f"{task.display}: {internal_error(error)}"
    finally:
        if external is not None:
            external.thread.join()
    return result.diagnostics, result.facts, result.parsed


def _cache(settings: _Settings) -> ResultCache:
    from vectra_lint.pipeline import cache as result_cache

    root = settings.project.root
    return result_cache.ResultCache(root / result_cache.CACHE_DIR, settings.project.digest, settings.settings)


def _make_settings(config: Path | None, root: Path) -> tuple[Settings, str]:
    """A project's settings and their cache digest (``config/projects.py`` asks for them)."""
    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.pipeline import cache as result_cache

    settings = load(config, Overrides(), root)
    return settings, result_cache.settings_digest(settings, result_cache.tool_fingerprint())


def _read_config(config: Path | None) -> bytes | None:
    from vectra_lint.config.files import ConfigError

    if config is None:
        return None
    try:
        return config.read_bytes()
    except OSError as error:
        raise ConfigError(f"{config}: {error.strerror or error}") from None


def _checkout_docs() -> str | None:
    """The ``file:`` URI of ``docs/rules.md`` in the checkout vectra-lint runs from (an editable
    install), when it is there and is vectra-lint's; vectra-lint has no web address."""
    rules = CHECKOUT_RULES
    try:
        with rules.open(encoding="utf-8") as opened:
            first = opened.readline()
    except (OSError, UnicodeDecodeError):
        return None
    return rules.as_uri() if first.strip() == "# vectra-lint rules" else None


# The LSP's DiagnosticSeverity of each level of the one severity model (``Settings.severity_of``).
_SEVERITY = {"error": 1, "warning": 2, "info": 3}


def _lsp_diagnostic(
    lines: Lines, diagnostic: Diagnostic, level: Callable[[str], str], docs: Callable[[str, str], str | None]
) -> Json:
    result: Json = {
        "range": {
            "start": lines.at(diagnostic.line, diagnostic.column),
            "end": lines.at(diagnostic.end_line, diagnostic.end_column),
        },
        "message": diagnostic.message,
        "severity": _SEVERITY[level(diagnostic.code)],
        "code": diagnostic.code,
        "source": SOURCE,
    }
    href = docs(diagnostic.code, diagnostic.name)
    if href is not None:
        result["codeDescription"] = {"href": href}
    return result


def _path(uri: str) -> Path | None:
    """The file a ``file:`` URI names (None for other schemes: an unsaved buffer)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    if os.name == "nt":  # file:///C:/x -> C:\\x (urllib.request, which does this everywhere, is slow to import)
        from nturl2path import url2pathname

        return Path(url2pathname(parsed.path)).resolve()
    return Path(unquote(parsed.path)).resolve()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _log(text: str) -> None:
    sys.stderr.write(f"vectra-lint server: {text}\n")
    sys.stderr.flush()


def _warm_up() -> None:
    """Import what the first check needs, while the client is still getting ready."""
    from vectra_lint.pipeline import project_run, runner
    from vectra_lint.registry import rules_by_code

    del project_run, runner
    rules_by_code()


def serve() -> None:
    """Serve over standard input and output until the client says exit; exit 0 after a
    ``shutdown``, 1 without one (as LSP says)."""
    # The protocol owns the real standard output; anything else printed goes to standard error.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server = Server(protocol.Writer(out))
    try:
        code = server.run(protocol.FrameReader(sys.stdin.fileno()))
    except BrokenPipeError:
        code = 1  # the client is gone
    sys.exit(code)
