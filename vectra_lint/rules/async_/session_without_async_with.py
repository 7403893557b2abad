"""VL206 session-without-async-with."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.rule_bases import may_define_coroutines
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
class SessionMessage(Message):
    """Names the factory call as written (``SessionLocal()``, ``make_db(...)``)."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` creates a database session outside `async with`; use `async with {self.call} as db:`"


class SessionWithoutAsyncWith(Rule):
    """
    ## What it does
    Flags, inside an `async def`, a call of a database session factory (`SessionLocal()`,
    `AsyncSessionLocal()`, `async_session()`, `AsyncSession(...)`: the `session-factories`
    option, which VL502 and VL503 read too, and this rule's own `factories`) or of its `begin()`
    (`SessionLocal.begin()`) that is not the context manager of an `async with`.
    `async with SessionLocal() as db:` and `async with SessionLocal.begin() as db:` are fine, and
    so is a session handed on as it is made: `return AsyncSession(engine)` (a factory of the
    project's own, whose callers are the ones to manage it, as Ruff's SIM115 lets `return open(...)`
    be) and one made in `__aenter__` (the class is the context manager that closes it).
    Factories are matched by their name after import resolution, so
    `from app.db import SessionLocal as make_session` is followed; a local variable shadowing an
    import is not a factory. The sync `Session` is left out: it cannot be used in `async with`.

    ## Why is this bad?
    §3: a session that is not closed by `async with` leaks its connection when an exception or a
    cancellation skips the manual `close()`, and the pool runs dry under load. `async with`
    closes it (and, with `begin()`, commits or rolls back) on every path.
    """

    code = "VL206"
    name = "session-without-async-with"
    message = "Database session created outside `async with`; use `async with SessionLocal() as db:`"
    analyses = (Sessions,)
    options = (SESSION_FACTORIES, FACTORIES)
    valid = (
        Valid(
            "from app.db import SessionLocal\n\n\nasync def count() -> int:\n"
            "    async with SessionLocal() as db:\n        return await db.scalar(query)\n"
        ),
        Valid(
            "from app.db import SessionLocal\n\n\nasync def save(user: object) -> None:\n"
            "    async with SessionLocal.begin() as db:\n        db.add(user)\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\nasync def run(engine: object) -> None:\n"
            "    async with AsyncSession(engine) as db, db.begin():\n        pass\n"
        ),
        Valid(
            "from app.db import SessionLocal\n\n\ndef sync_job() -> None:\n    db = SessionLocal()\n    db.close()\n"
        ),
        Valid(
            "async def run(factory: object) -> None:\n    db = factory()\n    await db.close()\n",
        ),
        Valid(
            "from sqlalchemy.orm import Session\n\n\nasync def count(engine: object) -> int:\n"
            "    with Session(engine) as db:\n        return db.scalar(query)\n",
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\nasync def session(engine: object) -> AsyncSession:\n"
            "    return AsyncSession(engine, expire_on_commit=False)\n",
        ),
        Valid(
            "from app.db import SessionLocal\n\n\nclass UnitOfWork:\n    async def __aenter__(self) -> object:\n"
            "        self.db = SessionLocal()\n        return self\n",
        ),
    )
    invalid = (
        Invalid(
            "from app.db import SessionLocal\n\n\nasync def count() -> int:\n    db = SessionLocal()\n"
            "    try:\n        return await db.scalar(query)\n    finally:\n        await db.close()\n",
            expected=(Expect(5, 10, SessionMessage("SessionLocal()")),),
        ),
        Invalid(
            "from app.db import async_session as make_session\n\n\nasync def save(user: object) -> None:\n"
            "    db = make_session()\n    db.add(user)\n    await db.commit()\n",
            expected=(Expect(5, 10, SessionMessage("make_session()")),),
        ),
        Invalid(
            "from app.db import SessionLocal\n\n\nasync def save(user: object) -> None:\n"
            "    with SessionLocal.begin() as db:\n        db.add(user)\n",
            expected=(Expect(5, 10, SessionMessage("SessionLocal.begin()")),),
        ),
        Invalid(
            "from app.db import SessionLocal\n\n\nasync def get_db() -> object:\n"
            "    yield SessionLocal()\n\n\nasync def first() -> object:\n    return [SessionLocal()][0]\n",
            expected=(Expect(5, 11, SessionMessage("SessionLocal()")), Expect(9, 13, SessionMessage("SessionLocal()"))),
        ),
        Invalid(
            "from app.database import make_db\n\n\nasync def save(user: object) -> None:\n"
            "    db = make_db()\n    db.add(user)\n",
            options={"factories": ["make_db"]},
            expected=(Expect(5, 10, SessionMessage("make_db()")),),
        ),
        Invalid(
            "from app.db import AsyncSessionLocal, open_db\n\n\nasync def save(user: object) -> None:\n"
            "    db = AsyncSessionLocal()\n    other = open_db()\n",
            options={"session-factories": ["AsyncSessionLocal", "open_db"]},
            expected=(Expect(5, 10, SessionMessage("AsyncSessionLocal()")), Expect(6, 13, SessionMessage("open_db()"))),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._sessions = context.analysis(Sessions)
        self._factories = self._sessions.async_factories | frozenset(self.option(FACTORIES))
        self._managed: set[int] = set()

    def applies(self) -> bool:
        """Only files that say ``async`` can define coroutines."""
        return may_define_coroutines(self.context)

    def visit_With(self, node: cst.With) -> None:
        """Remember the context managers of `async with` statements."""
        if node.asynchronous is not None:
            self._managed.update(id(item.item) for item in node.items)

    def visit_Return(self, node: cst.Return) -> None:
        """A session returned as it is made is the caller's to manage."""
        if isinstance(node.value, cst.Call):
            self._managed.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        """Report factory calls in coroutines that no `async with` manages."""
        if id(node) in self._managed or not self.context.scope.in_async_function():
            return
        func = node.func
        if self._sessions.factory_called(func, self._factories) is None:
            return
        function = self.context.scope.function()
        if isinstance(function, cst.FunctionDef) and function.name.value == "__aenter__":
            return
        call = self.context.code_for(func) + ("(...)" if node.args else "()")
        self.report(node, SessionMessage(call))
