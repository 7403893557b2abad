"""Which calls make a database session: one list of session factories for every rule that asks
(VL206 session-without-async-with, VL502 db-access-in-route, VL503 session-not-injected), and
which of them make a session that `async with` can manage.

A factory is matched by its name after import resolution (`from app.db import SessionLocal as
make_session` is followed; a parameter or local variable of that name is not a factory), and an
imported `Session`/`AsyncSession` counts only when it is the ORM's (`requests.Session()` and a
project's chat `Session` model are not database sessions).
"""

from __future__ import annotations

import libcst as cst

from vectra_lint.engine.context import FileContext
from vectra_lint.rule import Analysis, StringsOption

ASYNC_CAPABLE = ("SessionLocal", "AsyncSessionLocal", "async_session", "AsyncSession")
"""Factories of sessions that `async with` manages (an `async_sessionmaker`, `AsyncSession`; a
`SessionLocal` is either kind, and in async code it is the async one)."""
SYNC_ONLY = frozenset({"Session"})
"""SQLAlchemy's and SQLModel's sync `Session`: it has no `__aenter__`, so `async with` cannot hold it."""
ORM_CLASSES = frozenset({"Session", "AsyncSession"})
"""Factory names that are the ORM's own classes: an import of them must come from the ORM."""
ORMS = ("sqlalchemy.", "sqlmodel.")
HTTP_CLIENTS = ("requests.", "aiohttp.", "httpx.", "urllib3.")
"""Libraries whose `Session` is an HTTP client, not a database session."""

FACTORIES = StringsOption(
    "session-factories",
    (*ASYNC_CAPABLE, *sorted(SYNC_ONLY)),
    "Names of the database session factories (callables or classes whose call returns a session), "
    "one list for VL206, VL502 and VL503 (set it under any one of them). VL206 takes all but "
    "`Session`, which is sync only.",
)


class Sessions(Analysis):
    """The configured session factories of a file's project, and which call makes a session."""

    options = (FACTORIES,)

    def __init__(self, context: FileContext) -> None:
        """Read the configured factories once per file."""
        super().__init__(context)
        self.factories = frozenset(self.option(FACTORIES))
        """Every factory name."""
        self.async_factories = self.factories - SYNC_ONLY
        """The names of factories whose sessions `async with` can manage."""

    def factory_called(self, func: cst.BaseExpression, names: frozenset[str]) -> str | None:
        """The name of the factory among ``names`` that a call of ``func`` (the callee, or the
        factory's ``begin``: ``SessionLocal.begin()``) calls, or None when it calls none."""
        if isinstance(func, cst.Attribute) and func.attr.value == "begin":
            func = func.value
        if isinstance(func, cst.Name):
            last = func.value
        elif isinstance(func, cst.Attribute):
            last = func.attr.value
        else:
            return None
        scope = self.context.scope
        qualified = scope.imported_name(func)
        if qualified is not None:
            last = qualified.rsplit(".", 1)[-1]
            if qualified.startswith(HTTP_CLIENTS) or (last in ORM_CLASSES and not qualified.startswith(ORMS)):
                return None
        elif isinstance(func, cst.Name) and any(
            # A parameter or local variable of that name, not the factory.
            isinstance(frame.node, (cst.FunctionDef, cst.Lambda)) and last in scope.bindings(frame.node).other
            for frame in scope.frames[1:]
        ):
            return None
        return last if last in names else None
