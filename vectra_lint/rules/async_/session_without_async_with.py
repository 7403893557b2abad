"""VL206 session-without-async-with."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.rule_bases import may_define_coroutines
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext

FACTORIES = StringsOption(
    "factories",
    ("SessionLocal", "async_session", "AsyncSession"),
    "Names of the session factories (callables or classes whose call returns a session).",
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
    `async_session()`, `AsyncSession(...)`, or the names in the `factories` option) or of its
    `begin()` (`SessionLocal.begin()`) that is not the context manager of an `async with`.
    `async with SessionLocal() as db:` and `async with SessionLocal.begin() as db:` are fine.
    Factories are matched by their name after import resolution, so
    `from app.db import SessionLocal as make_session` is followed; a local variable shadowing an
    import is not a factory.

    ## Why is this bad?
    §3: a session that is not closed by `async with` leaks its connection when an exception or a
    cancellation skips the manual `close()`, and the pool runs dry under load. `async with`
    closes it (and, with `begin()`, commits or rolls back) on every path.
    """

    code = "VL206"
    name = "session-without-async-with"
    message = "Database session created outside `async with`; use `async with SessionLocal() as db:`"
    options = (FACTORIES,)
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
            "from app.database import make_db\n\n\nasync def save(user: object) -> None:\n"
            "    db = make_db()\n    db.add(user)\n",
            options={"factories": ["make_db"]},
            expected=(Expect(5, 10, SessionMessage("make_db()")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._factories = frozenset(self.option(FACTORIES))
        self._managed: set[int] = set()

    def applies(self) -> bool:
        """Only files that say ``async`` can define coroutines."""
        return may_define_coroutines(self.context)

    def visit_With(self, node: cst.With) -> None:
        """Remember the context managers of `async with` statements."""
        if node.asynchronous is not None:
            self._managed.update(id(item.item) for item in node.items)

    def visit_Call(self, node: cst.Call) -> None:
        """Report factory calls in coroutines that no `async with` manages."""
        if id(node) in self._managed or not self.context.scope.in_async_function():
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "begin":
            factory = func.value
        else:
            factory = func
        if not isinstance(factory, (cst.Name, cst.Attribute)) or self._factory_name(factory) not in self._factories:
            return
        call = self.context.code_for(func) + ("(...)" if node.args else "()")
        self.report(node, SessionMessage(call))

    def _factory_name(self, factory: cst.Name | cst.Attribute) -> str | None:
        last = factory.value if isinstance(factory, cst.Name) else factory.attr.value
        if isinstance(factory, cst.Name) and last not in self._factories:
            # An alias is followed only when it is an import (`import x as y`, `from m import x as y`).
            qualified = self.context.scope.qualified_name(factory)
            return qualified.rsplit(".", 1)[-1] if qualified is not None else None
        if isinstance(factory, cst.Name):
            # The factory's own name, unless a parameter or local variable of a function shadows it.
            return last if not self._shadowed_locally(last) else None
        return last

    def _shadowed_locally(self, name: str) -> bool:
        scope = self.context.scope
        for definition in scope.definitions():
            if isinstance(definition, (cst.FunctionDef, cst.Lambda)) and name in scope.bindings(definition).other:
                return True
        return False
