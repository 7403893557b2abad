"""Which calls block the event loop (VL201-VL205), matched by resolved import, once per call.

:class:`BlockingCalls` is a shared per-file analysis: the rules VL202-VL205 ask it about the calls
they see in coroutines, and the module summary asks it about the calls of every function (VL207
follows them through helpers). Matching resolves the callee through the file's imports
(``from subprocess import run as sh`` counts, a local variable named ``requests`` does not); a
call is only resolved when its last name could match at all and its receiver was imported, so
the scope scans behind name resolution happen for few functions.

The table lives here rather than next to the rules in ``rules/async_/``: VL207 and the project
index need every row whatever rules are enabled, and the rules import this analysis, so a table
in ``rules/`` would make ``analysis/`` import ``rules/``. The codes below are the rules that
report each row; ``tests/rules/test_async_rules.py`` checks they are those rules' codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import libcst as cst

from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import Analysis, StringsOption

# The rule that reports each kind of call (rules/async_/blocking_sleep.py, blocking_http.py, ...).
SLEEP = "VL201"
HTTP = "VL202"
SUBPROCESS = "VL203"
FILE_IO = "VL204"
CPU_BOUND = "VL205"

_HTTP_VERBS = ("request", "get", "options", "head", "post", "put", "patch", "delete", "connect", "trace")


def _names(prefix: str, names: tuple[str, ...] | str) -> dict[str, str]:
    return {f"{prefix}.{name}": prefix for name in (names.split() if isinstance(names, str) else names)}


# Qualified name -> code. VL203 also covers what Ruff's ASYNC220-ASYNC222 cover (`os.spawn*`,
# `os.posix_spawn*`, `subprocess.getoutput`), so that nothing Ruff finds is missed.
BLOCKING: dict[str, str] = {
    "time.sleep": SLEEP,
    **{name: HTTP for name in _names("requests", (*_HTTP_VERBS, "Session", "session"))},
    **{name: HTTP for name in _names("requests.api", _HTTP_VERBS)},
    "requests.sessions.Session": HTTP,
    **{name: HTTP for name in _names("httpx", (*_HTTP_VERBS, "stream", "Client"))},
    "urllib.request.urlopen": HTTP,
    "urllib.request.urlretrieve": HTTP,
    **{
        name: HTTP
        for name in _names(
            "urllib3",
            "request PoolManager ProxyManager HTTPConnectionPool HTTPSConnectionPool connection_from_url "
            "proxy_from_url",
        )
    },
    "http.client.HTTPConnection": HTTP,
    "http.client.HTTPSConnection": HTTP,
    **{
        name: SUBPROCESS
        for name in _names("subprocess", "run call check_call check_output Popen getoutput getstatusoutput")
    },
    **{
        name: SUBPROCESS
        for name in _names(
            "os",
            "system popen posix_spawn posix_spawnp spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp "
            "spawnvpe wait wait3 wait4 waitid waitpid",
        )
    },
    "builtins.open": FILE_IO,
    "io.open": FILE_IO,
    "io.open_code": FILE_IO,
    "codecs.open": FILE_IO,
    **{
        name: FILE_IO
        for name in _names("shutil", "copy copy2 copyfile copyfileobj copytree copymode copystat move rmtree")
    },
    # Filesystem queries, as Ruff's ASYNC240 (but not `normpath`, which is string work only).
    **{
        name: FILE_IO
        for name in _names(
            "os.path",
            "abspath exists expanduser getatime getctime getmtime getsize isdir isfile islink ismount lexists "
            "realpath relpath samefile sameopenfile",
        )
    },
    **{
        name: FILE_IO
        for name in _names(
            "os",
            "listdir scandir walk remove unlink rmdir removedirs mkdir makedirs rename renames replace stat lstat "
            "chmod chown",
        )
    },
    "glob.glob": FILE_IO,
    "glob.iglob": FILE_IO,
    "zipfile.ZipFile": FILE_IO,
    "tarfile.open": FILE_IO,
    "tarfile.TarFile": FILE_IO,
    **{name: CPU_BOUND for name in _names("pandas", "read_csv read_excel read_parquet read_json")},
}

PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
ANY_RECEIVER_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes"})
"""Flagged on any receiver when the call is not awaited (an async path library's are awaited)."""
PATH_METHODS = ANY_RECEIVER_METHODS | frozenset(
    # Those of Ruff's ASYNC240 that touch the filesystem, and `open`.
    "open absolute chmod cwd exists expanduser glob group hardlink_to home is_block_device is_char_device "
    "is_dir is_fifo is_file is_mount is_socket is_symlink iterdir lchmod link_to lstat mkdir owner readlink "
    "rename replace resolve rglob rmdir samefile stat symlink_to touch unlink".split()
)
_PATH_TAILS = frozenset(name.rsplit(".", 1)[1] for name in PATH_CLASSES)

SYNC_CLIENTS_RULE = HTTP
SYNC_CLIENTS = StringsOption(
    "sync-clients",
    (
        "qdrant_client.QdrantClient",
        "openai.OpenAI",
        "anthropic.Anthropic",
        "redis.Redis",
        "boto3.client",
        "httpx.Client",
        "requests.Session",
    ),
    "Sync SDK clients (qualified class or factory names) whose method calls block the event loop.",
)
"""Sync SDK clients (classes or factories) whose method calls block (VL202's option)."""

# Callables that run their function argument in a worker thread: what is passed to them is not
# called on the event loop.
OFFLOADERS = frozenset({"to_thread", "run_in_executor", "run_sync", "run_in_threadpool"})

EXTRA_CALLS_RULE = CPU_BOUND
EXTRA_CALLS = StringsOption(
    "extra-calls",
    (),
    "More heavy calls, as qualified names (`numpy.load`, `app.ml.embed_all`); VL207 follows them too.",
)
"""VL205's option naming more heavy calls; read here so that VL207 follows them too."""


@dataclass(frozen=True)
class BlockingCall:
    """A call that blocks the event loop: which rule covers it and what it resolves to."""

    code: str
    qualified: str
    client: str = ""
    """The sync client class or factory, for a method call on a client instance."""


PATH = "path"
"""What ``_Returns`` holds for a function annotated ``-> Path`` (a client's qualified name otherwise)."""
_PROPERTIES = frozenset({"property", "cached_property"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})

_UNSEEN: Final = BlockingCall("", "")
"""Marks a call not matched yet in the per-file cache (``None`` caches "no blocking call")."""


def _tail(func: cst.BaseExpression) -> str | None:
    # Exact types: see `dotted_name`.
    if type(func) is cst.Attribute:
        return func.attr.value
    if type(func) is cst.Name:
        return func.value
    return None


def _self_attribute(node: cst.BaseExpression) -> str | None:
    """``x`` for ``self.x`` (or ``cls.x``)."""
    if type(node) is cst.Attribute and type(node.value) is cst.Name and node.value.value in ("self", "cls"):
        return node.attr.value
    return None


@lru_cache(maxsize=16)
def _tables(extra: tuple[str, ...]) -> tuple[dict[str, str], frozenset[str]]:
    """The blocking table with the configured heavy calls, and the last names worth resolving."""
    table = {**BLOCKING, **{name: CPU_BOUND for name in extra}}
    return table, frozenset(name.rsplit(".", 1)[-1] for name in table) | PATH_METHODS


class BlockingCalls(Analysis):
    """Matches calls against the blocking-call tables, resolving names through the imports."""

    def __init__(self, context: FileContext) -> None:
        """Start collecting the blocking calls of one file."""
        super().__init__(context)
        self.table, self._tails = _tables(context.settings.option(EXTRA_CALLS_RULE, EXTRA_CALLS))
        self._clients = frozenset(context.settings.option(SYNC_CLIENTS_RULE, SYNC_CLIENTS))
        self._client_tails = frozenset(name.rsplit(".", 1)[-1] for name in self._clients)
        self._imported: dict[str, set[str]] = {}
        self._path_names: dict[int, set[str]] = {}
        # Per scope (function, module; a class for its `self.` attributes): name -> the sync client
        # class or factory it holds.
        self._client_names: dict[int, dict[str, str]] = {}
        self._awaited: set[int] = set()
        self._cache: dict[int, BlockingCall | None] = {}
        # Per scope (the module for its functions, a class for its methods): function name ->
        # (``PATH`` or the client its return annotation names, whether it is `async`).
        self._returns: dict[int, dict[str, tuple[str, bool]]] = {}

    # Imports anywhere in the file: a call is resolved (with the scope scan that shadowing needs)
    # only when some import of its first name could make it a blocking call.
    def visit_Import(self, node: cst.Import) -> None:
        """Remember the names bound by ``import x`` / ``import x as y``."""
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                self._imported.setdefault(alias.asname.name.value, set()).add(full)
            else:
                top = full.split(".", 1)[0]
                self._imported.setdefault(top, set()).add(top)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Remember the names bound by ``from x import y``."""
        if isinstance(node.names, cst.ImportStar) or node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        for alias in node.names:
            if type(alias.name) is not cst.Name:
                continue
            bound = alias.name.value
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                bound = alias.asname.name.value
            self._imported.setdefault(bound, set()).add(f"{module}.{alias.name.value}")

    def _may_block(self, func: cst.BaseExpression) -> bool:
        dotted = dotted_name(func)
        if dotted is None:
            return False
        head, _, rest = dotted.partition(".")
        targets = self._imported.get(head)
        if targets is None:
            return dotted == "open"
        table = self.table
        return any((f"{target}.{rest}" if rest else target) in table for target in targets) or dotted == "open"

    # Functions and methods whose return annotation is a `Path` or a sync client: their calls'
    # results are, as a value assigned (`client = self.get_client()`) or as a receiver. Read from
    # the definitions' own lines when the module or class is entered, so that a method defined
    # below its caller counts too (a look at the body's statements, not another walk).
    def visit_Module(self, node: cst.Module) -> None:
        """Note the module's functions annotated to return a ``Path`` or a sync client."""
        self._note_returns(node, node.body)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Note the methods annotated to return a ``Path`` or a sync client (properties as attributes)."""
        if isinstance(node.body, cst.IndentedBlock):
            self._note_returns(node, node.body.body)

    def _note_returns(self, scope: cst.CSTNode, body: Sequence[cst.CSTNode]) -> None:
        for statement in body:
            if type(statement) is not cst.FunctionDef or statement.returns is None:
                continue
            annotation = self._not_none(statement.returns.annotation)
            tail = _tail(annotation)
            if tail is None or (tail not in _PATH_TAILS and tail not in self._client_tails):
                continue  # most functions: nothing to resolve
            kind = PATH if self._is_path_class(annotation) else self._client_class(annotation)
            if kind is None:
                continue
            name = statement.name.value
            if type(scope) is cst.ClassDef and any(_tail(d.decorator) in _PROPERTIES for d in statement.decorators):
                # `self.client` of a property is the value it returns.
                if kind == PATH:
                    self._path_names.setdefault(id(scope), set()).add(f"self.{name}")
                else:
                    self._client_names.setdefault(id(scope), {})[f"self.{name}"] = kind
                continue
            self._returns.setdefault(id(scope), {})[name] = (kind, statement.asynchronous is not None)

    def _not_none(self, annotation: cst.BaseExpression) -> cst.BaseExpression:
        """``X`` of ``X | None``, ``None | X`` or ``Optional[X]`` (a function that may return no
        path still returns paths)."""
        if type(annotation) is cst.BinaryOperation and type(annotation.operator) is cst.BitOr:
            left, right = annotation.left, annotation.right
            if type(right) is cst.Name and right.value == "None":
                return left
            if type(left) is cst.Name and left.value == "None":
                return right
        elif type(annotation) is cst.Subscript and _tail(annotation.value) == "Optional":
            elements = annotation.slice
            if (
                len(elements) == 1
                and type(elements[0].slice) is cst.Index
                and self.context.scope.qualified_name(annotation.value)
                in ("typing.Optional", "typing_extensions.Optional")
            ):
                return elements[0].slice.value
        return annotation

    def _returned(self, node: cst.BaseExpression) -> str | None:
        """What a call of a project function or method (of the same class) returns, by its
        annotation: ``PATH``, a client's name, or None. A coroutine function's result counts
        only when awaited, a plain function's only when not."""
        awaited = type(node) is cst.Await
        call = node.expression if type(node) is cst.Await else node
        if type(call) is not cst.Call or not self._returns:
            return None
        func = call.func
        attribute = _self_attribute(func)
        if attribute is not None:
            owner = self._class_frame()
            found = self._returns.get(id(owner), {}).get(attribute) if owner is not None else None
        elif type(func) is cst.Name and self.context.scope.frames:
            found = self._returns.get(id(self.context.scope.frames[0].node), {}).get(func.value)
        else:
            return None
        if found is None or found[1] != awaited:
            return None
        return found[0]

    def visit_Await(self, node: cst.Await) -> None:
        """Note awaited calls: ``await path.read_text()`` is an async path library's."""
        self._awaited.add(id(node.expression))

    # Names that hold a `pathlib.Path` or a sync client: `p = Path(...)`, `p: Path = ...`, a
    # parameter `p: Path`, and `self.p` assigned or annotated so in the class.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Note parameters annotated as ``Path`` or as a sync client."""
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None:
                continue
            annotation = param.annotation.annotation
            if self._is_path_class(annotation):
                self._path_names.setdefault(id(node), set()).add(param.name.value)
            client = self._client_class(annotation)
            if client is not None:
                self._client_names.setdefault(id(node), {})[param.name.value] = client

    def visit_Assign(self, node: cst.Assign) -> None:
        """Note names and ``self.`` attributes assigned a ``Path(...)`` or a sync client."""
        path = self._is_path_value(node.value)
        client = self._client_value(node.value)
        if path or client is not None:
            for target in node.targets:
                self._bind(target.target, path, client)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Note names and ``self.`` attributes annotated as ``Path`` or as a sync client."""
        annotation = node.annotation.annotation
        value = node.value
        path = self._is_path_class(annotation) or (value is not None and self._is_path_value(value))
        client = self._client_class(annotation) or (self._client_value(value) if value is not None else None)
        self._bind(node.target, path, client)

    def _bind(self, target: cst.BaseExpression, path: bool, client: str | None) -> None:
        frames = self.context.scope.frames
        if not frames or not (path or client):
            return
        current = frames[-1].node
        keys: list[tuple[cst.CSTNode, str]] = []
        if isinstance(target, cst.Name):
            keys.append((current, target.value))
            if isinstance(current, cst.ClassDef):
                keys.append((current, f"self.{target.value}"))  # a class-level `root: Path` is `self.root`
        else:
            attribute = _self_attribute(target)
            owner = self._class_frame(method_only=True)
            if attribute is None or owner is None:
                return
            keys.append((owner, f"self.{attribute}"))
        for scope, name in keys:
            if path:
                self._path_names.setdefault(id(scope), set()).add(name)
            if client is not None:
                self._client_names.setdefault(id(scope), {})[name] = client

    def _class_frame(self, method_only: bool = False) -> cst.CSTNode | None:
        """The class whose ``self`` the walk is in (the class of the innermost method)."""
        frames = self.context.scope.frames
        for index in range(len(frames) - 1, 0, -1):
            if isinstance(frames[index].node, cst.FunctionDef) and isinstance(frames[index - 1].node, cst.ClassDef):
                return frames[index - 1].node
            if method_only:
                return None
        return None

    def _client_class(self, annotation: cst.BaseExpression) -> str | None:
        if _tail(annotation) not in self._client_tails:
            return None
        qualified = self.context.scope.qualified_name(annotation)
        return qualified if qualified in self._clients else None

    def _client_value(self, value: cst.BaseExpression) -> str | None:
        if type(value) is cst.BooleanOperation:
            return self._client_value(value.left) or self._client_value(value.right)
        if type(value) is cst.IfExp:
            return self._client_value(value.body) or self._client_value(value.orelse)
        returned = self._returned(value)
        if returned is not None:
            return returned if returned != PATH else None
        return self._client_class(value.func) if type(value) is cst.Call else None

    def _lookup(self, table: dict[int, set[str]] | dict[int, dict[str, str]], name: str) -> object:
        """What ``name`` (or ``self.x``) is bound to in the enclosing scopes, if recorded."""
        if name.startswith("self."):
            owner = self._class_frame()
            found = table.get(id(owner)) if owner is not None else None
            return (name if isinstance(found, set) else found.get(name)) if found and name in found else None
        for frame in reversed(self.context.scope.frames):
            found = table.get(id(frame.node))
            if found and name in found:
                return name if isinstance(found, set) else found.get(name)
        return None

    def _client_of(self, receiver: cst.BaseExpression) -> str | None:
        """The sync client a method call's receiver is, or is an attribute of
        (``self.client.chat.completions``)."""
        while True:
            attribute = _self_attribute(receiver)
            if attribute is not None:
                found = self._lookup(self._client_names, f"self.{attribute}")
                return found if isinstance(found, str) else None
            if isinstance(receiver, cst.Name):
                found = self._lookup(self._client_names, receiver.value)
                return found if isinstance(found, str) else None
            if type(receiver) is cst.Call or type(receiver) is cst.Await:
                returned = self._returned(receiver)
                return returned if returned != PATH else None
            if not isinstance(receiver, cst.Attribute):
                return None
            receiver = receiver.value

    def _is_path_class(self, node: cst.BaseExpression) -> bool:
        if _tail(node) not in _PATH_TAILS:
            return False
        return self.context.scope.qualified_name(node) in PATH_CLASSES

    def _is_path_value(self, node: cst.BaseExpression) -> bool:
        while type(node) is cst.BinaryOperation and type(node.operator) is cst.Divide:
            node = node.left
        if type(node) is cst.BooleanOperation:
            # `root or Path("data")`: whichever it is, the attribute is used as a path.
            return self._is_path_value(node.left) or self._is_path_value(node.right)
        if type(node) is cst.IfExp:
            return self._is_path_value(node.body) or self._is_path_value(node.orelse)
        if type(node) is cst.Call or type(node) is cst.Await:
            if self._returned(node) == PATH:
                return True
            if not isinstance(node, cst.Call):
                return False
            if type(node.func) is cst.Attribute and node.func.attr.value in ("resolve", "absolute", "joinpath"):
                return self._is_path_value(node.func.value)
            return self._is_path_class(node.func)
        if not self._path_names:
            return False  # most files: no name holds a path
        if type(node) is cst.Name:
            return self._lookup(self._path_names, node.value) is not None
        attribute = _self_attribute(node)
        return attribute is not None and self._lookup(self._path_names, f"self.{attribute}") is not None

    def match(self, call: cst.Call) -> BlockingCall | None:
        """The blocking call ``call`` is, if any (the answer is cached per node)."""
        key = id(call)
        found = self._cache.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found
        found = self._match(call)
        self._cache[key] = found
        return found

    def _match(self, call: cst.Call) -> BlockingCall | None:
        func = call.func
        if type(func) is cst.Attribute:
            tail = func.attr.value
            if self._client_names or self._returns:
                client = self._client_of(func.value)
                if client is not None:
                    return BlockingCall(HTTP, f"{client}.{tail}", client)
            if tail not in self._tails:
                return None
            if tail in PATH_METHODS and self._is_path_value(func.value):
                return BlockingCall(FILE_IO, f"pathlib.Path.{tail}")
            if tail in ANY_RECEIVER_METHODS and id(call) not in self._awaited:
                return BlockingCall(FILE_IO, f"pathlib.Path.{tail}")
        elif type(func) is not cst.Name:
            return None
        if not self._may_block(func):
            return None
        qualified = self.context.scope.qualified_name(func)
        if qualified is None:
            return None
        code = self.table.get(qualified)
        return BlockingCall(code, qualified) if code is not None else None
