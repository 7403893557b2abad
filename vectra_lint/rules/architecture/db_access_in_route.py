"""VL502 db-access-in-route."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import FunctionBodies
from vectra_lint.analysis.sessions import FACTORIES as SESSION_FACTORIES
from vectra_lint.analysis.sessions import HTTP_CLIENTS, ORM_CLASSES, ORMS, Sessions
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.rule import Report

DEFAULT_METHODS = (
    "execute",
    "exec",
    "scalars",
    "scalar",
    "get",
    "add",
    "add_all",
    "delete",
    "merge",
    "query",
    "commit",
    "flush",
    "refresh",
    "rollback",
    "stream",
    "stream_scalars",
)
DEFAULT_SESSION_NAMES = ("session", "db", "db_session", "async_session")
# Starlette's connections, whose `.session` is the signed session cookie's dict (SessionMiddleware).
HTTP_CONNECTION_TYPES = frozenset({"Request", "WebSocket", "HTTPConnection"})
HTTP_CONNECTION_NAMES = frozenset({"request", "websocket"})
STATEMENTS = frozenset({"select", "insert", "update", "delete", "text"})
"""SQLAlchemy/SQLModel functions that build a statement."""
HTTP_SESSIONS = ("ClientSession", *HTTP_CLIENTS)
"""Annotations and constructors of HTTP client sessions, which have `get` and `delete` too."""

METHODS = StringsOption("methods", DEFAULT_METHODS, "Session methods that do database work.")
SESSION_NAMES = StringsOption(
    "session-names",
    DEFAULT_SESSION_NAMES,
    "Names taken for a database session when no annotation or assignment says what they are.",
)


def _parameter(scope: cst.CSTNode, name: str) -> cst.Param | None:
    """The parameter ``name`` of ``scope`` when it is a function that has one (not ``*args``)."""
    if not isinstance(scope, cst.FunctionDef):
        return None
    params = scope.params
    return next(
        (p for p in (*params.posonly_params, *params.params, *params.kwonly_params) if p.name.value == name), None
    )


def _annotation_text(context: FileContext, annotation: cst.Annotation | None) -> str:
    return "" if annotation is None else context.code_for(annotation.annotation)


@dataclass(frozen=True)
class DbAccessMessage(Message):
    """The message with its named parts (``call``)."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` works on the database in a route; move it into a service (§5)"


class DbAccessInRoute(Rule):
    """
    ## What it does
    In the `routes` layer, flags direct database work: a call of a session method
    (`session.execute/exec/scalars/get/add/delete/commit/refresh/...`, the `methods` option) and
    the building of a statement with SQLAlchemy's or SQLModel's `select(...)`, `insert(...)`,
    `update(...)`, `delete(...)` or `text(...)` (resolved by import; `select(...).where(...)` is
    one finding, at `select`).

    A receiver is a session when it is a parameter annotated with a `Session` type
    (`AsyncSession`, `Session`, an alias such as `SessionDep`), a variable bound to a session
    factory call (`async with SessionLocal() as db`: a factory of the `session-factories` option,
    which VL206 and VL503 read too, a callee named like a session, or a `begin()`), or, when
    nothing says what it is, a name in the `session-names` option (`session`, `db`, ...;
    `self.session` and `request.state.db` too). A project class named `Session` (a chat session
    model), an HTTP client session (`aiohttp.ClientSession`, `requests.Session`, `httpx`
    clients) and Starlette's `request.session` (the session cookie's dict) are not database
    sessions.

    ## Why is this bad?
    §5: routes validate the request and call services; "raw DB interaction should happen within
    Services". A query in a route cannot be reused by workers or other routes, is tested only
    through HTTP, and spreads transaction handling over the API layer.

    ## Notes
    `await session.execute(select(User))` gives two findings: the session call and the
    statement. A dependency provider that yields the session (`def get_db(): db =
    SessionLocal(); try: yield db; db.commit() ...`) owns its lifecycle and is not flagged. The
    rule looks at the route file only.
    """

    code = "VL502"
    name = "db-access-in-route"
    message = "A route works on the database; move it into a service (§5)"
    analyses = (FunctionBodies, Sessions)
    options = (METHODS, SESSION_NAMES, SESSION_FACTORIES)
    valid = (
        Valid(
            "from app.models.chat import Session\n\n\ndef remember(chat: Session, text: str) -> None:\n"
            "    chat.add(text)\n",
            path="app/api/chats.py",
        ),
        Valid(
            "from app.core.db import SessionLocal\n\n\ndef get_db() -> object:\n    db = SessionLocal()\n"
            "    try:\n        yield db\n        db.commit()\n    except Exception:\n        db.rollback()\n"
            "        raise\n",
            path="app/api/deps.py",
        ),
        Valid(
            "from app.api.deps import SessionDep\n\n\n"
            '@router.get("/users")\nasync def users(session: SessionDep) -> object:\n'
            "    return await UserService(session).list_users()\n",
            path="app/api/users.py",
        ),
        Valid(
            "import aiohttp\n\n\nasync def proxy(url: str) -> bytes:\n"
            "    async with aiohttp.ClientSession() as session:\n"
            "        async with session.get(url) as response:\n            return await response.read()\n",
            path="app/api/proxy.py",
        ),
        Valid(
            "def headers(request: object, cache: dict[str, str]) -> str:\n    return cache.get('x')\n",
            path="app/api/util.py",
        ),
        Valid(
            "from fastapi import Request\n\n\nasync def me(request: Request) -> object:\n"
            "    return request.session.get('user', {})\n",
            path="app/api/auth.py",
        ),
        Valid(
            "from sqlmodel import select\n\n\nasync def users(session: object) -> object:\n"
            "    return await session.execute(select(User))\n",
            path="app/services/users.py",
        ),
    )
    invalid = (
        Invalid(
            "from sqlmodel import select\n\nfrom app.api.deps import SessionDep\n\n\n"
            '@router.get("/users/{user_id}")\nasync def get_user(user_id: int, session: SessionDep) -> object:\n'
            "    result = await session.execute(select(User).where(User.id == user_id))\n"
            "    return result.scalar_one()\n",
            path="app/api/users.py",
            expected=(
                Expect(8, 20, DbAccessMessage(call="session.execute(...)")),
                Expect(8, 36, DbAccessMessage(call="select(...)")),
            ),
        ),
        Invalid(
            "async def rename(user: object, db) -> None:\n    db.add(user)\n    await db.commit()\n",
            path="app/api/users.py",
            expected=(
                Expect(2, 5, DbAccessMessage(call="db.add(...)")),
                Expect(3, 11, DbAccessMessage(call="db.commit(...)")),
            ),
        ),
        Invalid(
            "from app.core.db import open_store\n\n\nasync def rename(user: object) -> None:\n"
            "    store = open_store()\n    store.add(user)\n",
            path="app/api/users.py",
            options={"session-factories": ["open_store"]},
            expected=(Expect(6, 5, DbAccessMessage(call="store.add(...)")),),
        ),
        Invalid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "async def drop(user_id: int, store: AsyncSession) -> None:\n"
            "    await store.delete(await store.get(User, user_id))\n",
            path="app/api/users.py",
            expected=(
                Expect(5, 11, DbAccessMessage(call="store.delete(...)")),
                Expect(5, 30, DbAccessMessage(call="store.get(...)")),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Only route modules are checked."""
        super().__init__(context)
        self._active = context.in_layer("routes")
        self._methods = frozenset(self.option(METHODS)) if self._active else frozenset()
        self._names = frozenset(self.option(SESSION_NAMES)) if self._active else frozenset()
        self._verdicts: dict[tuple[int, str], bool] = {}
        self._held: list[list[Report]] = []

    def applies(self) -> bool:
        """Only route modules are checked; the others are left out of the walk."""
        return self._active

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Hold the findings of each function until it is known whether it yields."""
        self._held.append([])

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        """Drop the findings of a dependency provider (a generator: `yield session`), keep the rest."""
        held = self._held.pop()
        if not self.context.analysis(FunctionBodies).current.yields:
            self.reports.extend(held)

    def visit_Call(self, node: cst.Call) -> None:
        """Report session method calls and statement building."""
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in self._methods:
            if self._is_session(func.value):
                self._found(node, func)
            return
        if isinstance(func, (cst.Name, cst.Attribute)):
            qualified = self.context.scope.imported_name(func)
            if qualified is not None and qualified.startswith(ORMS) and qualified.rsplit(".", 1)[-1] in STATEMENTS:
                self._found(node, func)

    def _found(self, node: cst.Call, func: cst.BaseExpression) -> None:
        self.report(node, DbAccessMessage(call=f"{self.context.code_for(func)}(...)"))
        if self._held:
            # Made now (so that it keeps where the walk was), kept once the function is known.
            self._held[-1].append(self.reports.pop())

    def _is_session(self, receiver: cst.BaseExpression) -> bool:
        if isinstance(receiver, cst.Attribute):
            # `self.session`, `request.state.db`; not `request.session`, Starlette's session cookie.
            return receiver.attr.value in self._names and not self._http_connection(receiver.value)
        if not isinstance(receiver, cst.Name):
            return False
        function = self.context.scope.function()
        key = (id(function), receiver.value)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = self._name_is_session(receiver.value)
        return verdict

    def _http_connection(self, value: cst.BaseExpression) -> bool:
        """Whether ``value`` is a parameter holding Starlette's request (or websocket): annotated
        ``Request``, ``WebSocket`` or ``HTTPConnection``, or named so without an annotation."""
        if not isinstance(value, cst.Name):
            return False
        for frame in reversed(self.context.scope.frames):
            param = _parameter(frame.node, value.value)
            if param is not None:
                annotation = _annotation_text(self.context, param.annotation)
                if not annotation:
                    return value.value in HTTP_CONNECTION_NAMES
                return annotation.rsplit(".", 1)[-1] in HTTP_CONNECTION_TYPES
        return False

    def _name_is_session(self, name: str) -> bool:
        for frame in reversed(self.context.scope.frames):
            scope = frame.node
            param = _parameter(scope, name)
            if param is not None:
                annotation = _annotation_text(self.context, param.annotation)
                if not annotation:
                    return name in self._names
                if param.annotation is not None and self._foreign_session(param.annotation.annotation):
                    return False
                return "Session" in annotation and not any(http in annotation for http in HTTP_SESSIONS)
            if isinstance(scope, (cst.FunctionDef, cst.Module)):
                bound = _bound_call(scope, name)
                if bound is not None:
                    return self._is_session_factory(bound)
        return name in self._names

    def _foreign_session(self, annotation: cst.BaseExpression) -> bool:
        """A project class named like the ORM's (a chat `Session` model), not a database session."""
        if not isinstance(annotation, (cst.Name, cst.Attribute)):
            return False
        qualified = self.context.scope.imported_name(annotation)
        return qualified is not None and qualified.rsplit(".", 1)[-1] in ORM_CLASSES and not qualified.startswith(ORMS)

    def _is_session_factory(self, call: cst.Call) -> bool:
        text = self.context.code_for(call.func)
        if any(http in text for http in HTTP_SESSIONS):
            return False
        qualified = self.context.scope.imported_name(call.func)
        if qualified is not None and qualified.startswith(HTTP_CLIENTS):
            return False
        sessions = self.context.analysis(Sessions)
        if sessions.factory_called(call.func, sessions.factories) is not None:
            return True
        # Not declared, but named like one (`make_session()`), or a transaction (`engine.begin()`).
        last = text.rsplit(".", 1)[-1]
        return "session" in last.lower() or last in ("begin",)


def _bound_call(scope: cst.FunctionDef | cst.Module, name: str) -> cst.Call | None:
    """The call whose result ``name`` is bound to in ``scope``'s own statements (`x = f()`,
    `with f() as x`), not looking into nested functions or classes."""
    queue: deque[cst.CSTNode] = deque(scope.body.body if isinstance(scope, cst.FunctionDef) else scope.body)
    while queue:
        node = queue.popleft()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            queue.extendleft(reversed(node.body))
            continue
        if isinstance(node, cst.Assign):
            if isinstance(node.value, cst.Call) and any(
                isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets
            ):
                return node.value
            continue
        if isinstance(node, cst.With):
            for item in node.items:
                asname = item.asname
                if asname is not None and isinstance(asname.name, cst.Name) and asname.name.value == name:
                    return item.item if isinstance(item.item, cst.Call) else None
        # The blocks of compound statements: `body` suites, `else`/`elif`/`finally` and handlers.
        for field in ("body", "orelse", "finalbody", "handlers"):
            child = getattr(node, field, None)
            if isinstance(child, cst.BaseSuite):
                queue.extend(child.body)
            elif isinstance(child, cst.CSTNode):
                queue.append(child)
            elif isinstance(child, (tuple, list)):
                queue.extend(child)
    return None
