"""VL503 session-not-injected."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.layers import is_route_handler
from vectra_lint.analysis.sessions import FACTORIES as SESSION_FACTORIES
from vectra_lint.analysis.sessions import Sessions
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext

FACTORIES = StringsOption(
    "factories",
    (),
    "More session factories for this rule only, besides those of `session-factories`.",
)


@dataclass(frozen=True)
class InjectMessage(Message):
    """The message with its named parts (``call``, ``handler``)."""

    call: str
    handler: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.call}` creates a database session in the route handler `{self.handler}`; "
            "inject it with `Depends` (§8)"
        )


class SessionNotInjected(Rule):
    """
    ## What it does
    In the `routes` layer, flags a call inside a route handler (a function decorated with
    `@router.get(...)`, `@app.post(...)` and the other HTTP methods, `api_route`, `websocket`)
    that creates a database session itself: a call of a session factory (`SessionLocal()`,
    `async_session()`, `AsyncSession(engine)`, `Session(engine)`: the `session-factories` option,
    which VL206 and VL502 read too, and this rule's own `factories`; followed through import
    aliases) or of its `begin()`, with or without `async with`. An imported `Session` or
    `AsyncSession` counts only when it comes from SQLAlchemy or SQLModel: `requests.Session()`
    and a project's own `Session` model are not database sessions.

    ## Why is this bad?
    §8: request-scoped dependencies such as the DB session come through FastAPI's `Depends`.
    A handler that opens its own session cannot share it with the services and dependencies of
    the same request, bypasses the one place that commits, rolls back and closes it, and cannot
    be given a test session with `app.dependency_overrides`.

    ## Notes
    Dependency providers (`def get_session(): async with SessionLocal() as s: yield s`) are not
    route handlers and are not flagged. The rule looks at the route file only.
    """

    code = "VL503"
    name = "session-not-injected"
    message = "A route handler creates a database session; inject it with `Depends` (§8)"
    analyses = (Sessions,)
    options = (SESSION_FACTORIES, FACTORIES)
    valid = (
        Valid(
            "from app.models.chat import Session\n\n\n@router.post('/chats')\ndef start_chat(user_id: int) -> object:\n"
            "    return Session(user_id=user_id)\n",
            path="app/api/chats.py",
        ),
        Valid(
            "from fastapi import APIRouter\n\nfrom app.api.deps import SessionDep\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\nasync def get_user(user_id: int, session: SessionDep) -> object:\n'
            "    return await UserService(session).get(user_id)\n",
            path="app/api/users.py",
        ),
        Valid(
            "from app.core.db import SessionLocal\n\n\nasync def get_session() -> object:\n"
            "    async with SessionLocal() as session:\n        yield session\n",
            path="app/api/deps.py",
        ),
        Valid(
            "import requests\n\n\n@router.get('/ping')\ndef ping() -> int:\n"
            "    with requests.Session() as http:\n        return http.get('https://example.com').status_code\n",
            path="app/api/ping.py",
        ),
    )
    invalid = (
        Invalid(
            "from app.core.db import SessionLocal\n\n\n"
            '@router.post("/documents/{document_id}/reindex")\nasync def reindex(document_id: int) -> object:\n'
            "    async with SessionLocal() as session:\n"
            "        return await UploadService(session).reindex(document_id)\n",
            path="app/api/documents.py",
            expected=(Expect(6, 16, InjectMessage(call="SessionLocal()", handler="reindex")),),
        ),
        Invalid(
            "from app.core.db import async_session as make_session\n\n\n"
            '@app.get("/users")\nasync def users() -> object:\n    session = make_session()\n'
            "    return await UserService(session).list()\n",
            path="app/api/users.py",
            expected=(Expect(6, 15, InjectMessage(call="make_session()", handler="users")),),
        ),
        Invalid(
            "from sqlmodel import Session\n\n\n"
            '@router.delete("/users/{user_id}")\ndef delete_user(user_id: int) -> None:\n'
            "    with Session(engine) as session:\n        UserService(session).delete(user_id)\n",
            path="app/api/users.py",
            expected=(Expect(6, 10, InjectMessage(call="Session(...)", handler="delete_user")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Only route modules are checked."""
        super().__init__(context)
        self._active = context.in_layer("routes")
        self._sessions = context.analysis(Sessions)
        self._factories = self._sessions.factories | frozenset(self.option(FACTORIES))

    def applies(self) -> bool:
        """Only route modules are checked; the others are left out of the walk."""
        return self._active

    def visit_Call(self, node: cst.Call) -> None:
        """Report session factory calls inside route handlers."""
        func = node.func
        if self._sessions.factory_called(func, self._factories) is None:
            return
        handler = self._handler()
        if handler is not None:
            call = self.context.code_for(func) + ("(...)" if node.args else "()")
            self.report(node, InjectMessage(call=call, handler=handler))

    def _handler(self) -> str | None:
        for frame in self.context.scope.frames:
            if isinstance(frame.node, cst.FunctionDef) and is_route_handler(frame.node):
                return frame.node.name.value
        return None
