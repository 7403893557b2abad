"""``vectra-lint server``: a Language Server over stdio, on pygls, with the CLI's engine and config.

Diagnostics are published when a document is opened, changed and saved, for the text in the
editor (saved or not), settled against the rest of the project as ``check`` would. Each fix is a
quick-fix code action (unsafe ones say so and are never preferred); ``source.fixAll.vectra-lint``
applies every safe fix at once, as ``check --fix`` would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from vectra_lint import __version__
from vectra_lint.config.files import ConfigError
from vectra_lint.config.loader import Overrides, load
from vectra_lint.config.projects import Project, Projects
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit
from vectra_lint.engine.lines import LineIndex
from vectra_lint.fixing.apply import MAX_FIX_PASSES, fix_text
from vectra_lint.pipeline import cache as result_cache
from vectra_lint.pipeline import project_run
from vectra_lint.pipeline.discovery import discover
from vectra_lint.pipeline.results import Mode, Outcome, Task
from vectra_lint.pipeline.ruff import RuffError
from vectra_lint.pipeline.runner import default_jobs, finish_project, process
from vectra_lint.registry import RegistryError

SOURCE = "vectra-lint"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.vectra-lint"


@dataclass
class _Project:
    """One config's settings, its cache and the other files' outcomes (their facts), kept between
    keystrokes and read again when a file is saved."""

    settings: Settings
    project: Project
    cache: result_cache.ResultCache
    context: list[Outcome] | None = None


@dataclass(frozen=True)
class _Checked:
    """What was last reported for a document: the diagnostics and the text they refer to."""

    text: str
    diagnostics: tuple[Diagnostic, ...]


class VectraLanguageServer(LanguageServer):
    """The server's state: projects by config file, and each open document's last result."""

    def __init__(self) -> None:
        """A server named as the CLI, with full-text sync (the engine checks whole files)."""
        super().__init__("vectra-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.projects: dict[Path, _Project] = {}
        self.finder = Projects(_settings)
        self.checked: dict[str, _Checked] = {}

    def project_for(self, path: Path) -> _Project:
        """The settings (and cache) of the project ``path`` is in, found as ``check`` finds it."""
        project = self.finder.for_path(path)
        found = self.projects.get(project.root)
        if found is None:
            # The project phase sees every file of the project (as `check` on part of it does).
            settings = replace(project.settings, whole_project=project.marked)
            cache = result_cache.ResultCache(project.root / result_cache.CACHE_DIR, project.digest, settings)
            found = self.projects[project.root] = _Project(settings, project, cache)
        return found

    def check(self, document: TextDocument) -> _Checked:
        """Lint the document's current text as the file it is, against its project."""
        path = Path(document.path).resolve()
        project = self.project_for(path)
        settings = project.settings
        relative = _relative(path, settings.root)
        task = Task(path, _display(path), relative)
        if project.context is None:
            tasks = (
                discover([settings.root], self.finder, settings.root, only=project.project).tasks
                if project.project.marked
                else []
            )
            project.context = project_run.context(tasks, settings, default_jobs(), project.cache, exclude=path)
        context = [outcome for outcome in project.context if outcome.task.path != path]
        outcome = process(task, document.source.encode("utf-8"), settings, Mode(), None)
        finished = finish_project([outcome], settings, None, None, context)[0]
        result = _Checked(document.source, finished.diagnostics)
        self.checked[document.uri] = result
        return result


def _settings(config: Path | None, root: Path) -> tuple[Settings, str]:
    settings = load(config, Overrides(), root)
    return settings, result_cache.settings_digest(settings, result_cache.tool_fingerprint())


server = VectraLanguageServer()


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


def _range(document: TextDocument, lines: LineIndex, start: int, end: int) -> types.Range:
    start_line, start_column = lines.line_col(start)
    end_line, end_column = lines.line_col(end)
    inner = types.Range(
        start=types.Position(line=start_line - 1, character=start_column - 1),
        end=types.Position(line=end_line - 1, character=end_column - 1),
    )
    # Our columns count characters; the client's count its own units (UTF-16 by default).
    return document.position_codec.range_to_client_units(document.lines, inner)


def _lsp_diagnostic(document: TextDocument, diagnostic: Diagnostic) -> types.Diagnostic:
    inner = types.Range(
        start=types.Position(line=diagnostic.line - 1, character=diagnostic.column - 1),
        end=types.Position(line=diagnostic.end_line - 1, character=diagnostic.end_column - 1),
    )
    return types.Diagnostic(
        range=document.position_codec.range_to_client_units(document.lines, inner),
        message=diagnostic.message,
        severity=types.DiagnosticSeverity.Error if diagnostic.code == "VL001" else types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        source=SOURCE,
    )


def _publish(ls: VectraLanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    if not document.path.endswith(".py"):
        return
    try:
        checked = ls.check(document)
    except (ConfigError, RegistryError, RuffError) as error:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"vectra-lint: {error}"))
        return
    diagnostics = [_lsp_diagnostic(document, d) for d in checked.diagnostics]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: VectraLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    """Check a document when it is opened."""
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: VectraLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """Check the edited text."""
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: VectraLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved file changes what the project knows: read the other files' facts again, then check."""
    for project in ls.projects.values():
        project.context = None
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: VectraLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    """Forget a closed document and clear its diagnostics."""
    ls.checked.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


def _edits(document: TextDocument, text: str, edits: tuple[Edit, ...]) -> list[types.TextEdit]:
    lines = LineIndex(text)
    return [
        types.TextEdit(range=_range(document, lines, edit.start, edit.end), new_text=edit.content) for edit in edits
    ]


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
)
def code_action(ls: VectraLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """A quick fix per fixable diagnostic in the range, and the source action that applies every safe fix."""
    uri = params.text_document.uri
    checked = ls.checked.get(uri)
    document = ls.workspace.get_text_document(uri)
    if checked is None or checked.text != document.source:
        return []
    wanted = [kind.value if isinstance(kind, types.CodeActionKind) else kind for kind in params.context.only or ()]
    quick = types.CodeActionKind.QuickFix.value
    actions: list[types.CodeAction] = []
    first, last = params.range.start.line + 1, params.range.end.line + 1
    # `only` narrows by prefix: "source" asks for source.fixAll.vectra-lint too.
    if not wanted or any(kind.startswith(quick) for kind in wanted):
        for diagnostic in checked.diagnostics:
            fix = diagnostic.fix
            if fix is None or diagnostic.end_line < first or diagnostic.line > last:
                continue
            unsafe = fix.applicability is not Applicability.SAFE
            actions.append(
                types.CodeAction(
                    title=f"{fix.description} ({diagnostic.code}{', unsafe' if unsafe else ''})",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[_lsp_diagnostic(document, diagnostic)],
                    is_preferred=not unsafe,
                    edit=types.WorkspaceEdit(changes={uri: _edits(document, checked.text, fix.edits)}),
                )
            )
    if not wanted or any(FIX_ALL.startswith(kind) for kind in wanted):
        fixed = _fix_all(ls, document)
        if fixed is not None and fixed != checked.text:
            everything = types.Range(start=types.Position(line=0, character=0), end=_end(document))
            actions.append(
                types.CodeAction(
                    title="vectra-lint: apply every safe fix",
                    kind=FIX_ALL,
                    edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=everything, new_text=fixed)]}),
                )
            )
    return actions


def _end(document: TextDocument) -> types.Position:
    lines = document.lines
    if not lines:
        return types.Position(line=0, character=0)
    if lines[-1].endswith("\n"):
        return types.Position(line=len(lines), character=0)
    last = types.Position(line=len(lines) - 1, character=len(lines[-1]))
    return document.position_codec.position_to_client_units(lines, last)


def _fix_all(ls: VectraLanguageServer, document: TextDocument) -> str | None:
    path = Path(document.path).resolve()
    project = ls.project_for(path)
    settings = project.settings
    task = Task(path, _display(path), _relative(path, settings.root))

    def lint(text: str) -> tuple[Diagnostic, ...]:
        # Fixes of diagnostics that wait for the project phase are not applied (as in the CLI's workers).
        return process(task, text.encode("utf-8"), settings, Mode(), None).diagnostics

    outcome = fix_text(document.source, task.display, lint, False, MAX_FIX_PASSES)
    return outcome.text if outcome.error is None else None


def serve() -> None:
    """Serve over standard input and output until the client says exit."""
    server.start_io()
