"""VL505 env-outside-config."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.layers import dotted
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext

ENVIRONMENTS = frozenset({"os.environ", "os.environb"})
FUNCTIONS = frozenset(
    {
        "os.getenv",
        "os.getenvb",
        "os.putenv",
        "os.unsetenv",
        "dotenv.load_dotenv",
        "dotenv.dotenv_values",
        "dotenv.main.load_dotenv",
        "dotenv.main.dotenv_values",
    }
)
LAST_NAMES = frozenset(name.rsplit(".", 1)[1] for name in ENVIRONMENTS | FUNCTIONS)
SOURCE_MODULES = frozenset({"os", "dotenv", "dotenv.main"})
WORDS = ("environ", "getenv", "putenv", "unsetenv", "dotenv")
"""A file that contains none of these cannot read the environment by these names."""


@dataclass(frozen=True)
class EnvMessage(Message):
    """The message with its named parts (``use``)."""

    use: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.use}` reads or writes the environment outside the config module; use `settings` (§2)"


class EnvOutsideConfig(Rule):
    """
    ## What it does
    Outside the `config` layer (`app/core/config.py` and `app/core/settings.py` by default),
    flags every read or write of the process environment: `os.environ[...]` (read, assignment,
    `del`), `os.environ.get/setdefault/pop/update/...`, any other use of `os.environ` (`"X" in
    os.environ`, `dict(os.environ)`), `os.getenv`, `os.putenv`, `os.unsetenv`, and loading a
    `.env` file with `dotenv.load_dotenv` or `dotenv.dotenv_values`. Names are resolved by
    import: `from os import environ as env` counts; a local variable or parameter named `os` that
    is not the module does not, nor does a method or attribute named `getenv` or `environ`
    (`cfg.getenv(...)`, `def getenv(self, key)`). Each use is reported once.

    ## Why is this bad?
    §2: configuration has one access path: the settings service (database first) with
    `app.core.config.settings` as the typed fallback, which reads `.env` and the environment in
    one place. A stray `os.getenv` skips validation and defaults, is invisible to whoever
    documents the configuration, and is read at import time or at random later moments.

    ## Notes
    The rule reads only the file itself. Test code that sets variables for the code under test
    is better served by `monkeypatch.setenv`; where a script really needs the environment, add
    its path to `per-file-ignores`.
    """

    code = "VL505"
    name = "env-outside-config"
    message = "The environment is read or written outside the config module; use `settings` (§2)"
    valid = (
        Valid(
            "import os\n\n\nclass Settings:\n    debug = os.getenv('DEBUG') == '1'\n",
            path="app/core/config.py",
        ),
        Valid("from app.core.config import settings\n\nURL = settings.DATABASE_URL\n", path="app/core/db.py"),
        Valid(
            "def build(os: object) -> object:\n    return os.environ['X']\n",
            path="app/services/build.py",
        ),
        Valid(
            "from os import getenv\n\n\nclass Vault:\n    def getenv(self, key: str) -> str:\n        return key\n\n\n"
            "def read(vault: Vault) -> str:\n    return vault.getenv('DB_PASSWORD')\n",
            path="app/services/vault.py",
        ),
    )
    invalid = (
        Invalid(
            "import os\n\nallowed = os.getenv('CORS_ORIGINS', '*').split(',')\n",
            path="app/main.py",
            expected=(Expect(3, 11, EnvMessage(use="os.getenv(...)")),),
        ),
        Invalid(
            "from os import environ as env\n\n\ndef collection() -> str:\n    return env['QDRANT_COLLECTION']\n",
            path="app/services/indexing.py",
            expected=(Expect(5, 12, EnvMessage(use="env[...]")),),
        ),
        Invalid(
            "import os\n\nos.environ['TOKENIZERS_PARALLELISM'] = 'false'\nfor key in os.environ:\n    pass\n",
            path="app/workers/ingest.py",
            expected=(
                Expect(3, 1, EnvMessage(use="os.environ[...]")),
                Expect(4, 12, EnvMessage(use="os.environ")),
            ),
        ),
        Invalid(
            "import dotenv\nfrom dotenv import load_dotenv\n\ndotenv.load_dotenv(dotenv.find_dotenv())\n",
            path="app/main.py",
            expected=(Expect(4, 1, EnvMessage(use="dotenv.load_dotenv(...)")),),
        ),
        Invalid(
            "from dotenv import load_dotenv\n\nload_dotenv()\n",
            path="app/main.py",
            expected=(Expect(3, 1, EnvMessage(use="load_dotenv(...)")),),
        ),
        Invalid(
            "import os\n\npause = float(os.environ.get('RETRY_PAUSE', '2'))\n",
            path="app/workers/maintenance.py",
            expected=(Expect(3, 15, EnvMessage(use="os.environ.get(...)")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file."""
        super().__init__(context)
        self._aliases: set[str] = set()
        """Names a from-import bound to one of the environment objects or functions."""
        self._done: set[int] = set()
        """References already reported, and names that are no reference (an attribute's name, a
        definition's, a parameter's, a keyword's) though spelled like an imported alias."""
        self._in_import = False

    def applies(self) -> bool:
        """Config modules are exempt; files that never name the environment are left out of the walk."""
        source = self.context.source
        # Every word contains "env": most files are ruled out by that one scan of the text.
        return not self.context.in_layer("config") and "env" in source and any(word in source for word in WORDS)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Remember `from os import environ as env`; the import itself is not a use."""
        self._in_import = True
        if node.relative or isinstance(node.names, cst.ImportStar):
            return
        if dotted(node.module) in SOURCE_MODULES:
            for alias in node.names:
                if dotted(alias.name) in LAST_NAMES:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    if isinstance(bound, cst.Name):
                        self._aliases.add(bound.value)

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        """Names after the import are uses again."""
        self._in_import = False

    def visit_Call(self, node: cst.Call) -> None:
        """`os.getenv(...)`, `load_dotenv()`, `os.environ.get(...)`: the whole call is the finding."""
        func = node.func
        if self._resolves(func, FUNCTIONS):
            self._report(node, func)
        elif isinstance(func, cst.Attribute) and self._resolves(func.value, ENVIRONMENTS):
            self._report(node, func.value)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """`os.environ["X"]`, read, assigned or deleted."""
        if self._resolves(node.value, ENVIRONMENTS):
            self._report(node, node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """Any other use of `os.environ` or `os.getenv`."""
        if node.attr.value in LAST_NAMES:
            # `cfg.getenv`: the attribute's name is no use of an imported `getenv`.
            self._done.add(id(node.attr))
            if id(node) not in self._done and self._resolves(node, ENVIRONMENTS | FUNCTIONS):
                self._report(node, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """A method or function named `getenv` defines a name; it does not use the imported one."""
        self._not_a_use(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """A class named like an alias defines it."""
        self._not_a_use(node.name)

    def visit_Param(self, node: cst.Param) -> None:
        """A parameter named like an alias binds it."""
        self._not_a_use(node.name)

    def visit_Arg(self, node: cst.Arg) -> None:
        """`f(environ=...)`: a keyword is no name."""
        if node.keyword is not None:
            self._not_a_use(node.keyword)

    def _not_a_use(self, name: cst.Name) -> None:
        if name.value in self._aliases:
            self._done.add(id(name))

    def visit_Name(self, node: cst.Name) -> None:
        """Any other use of a name imported from `os` or `dotenv` (`env`, `getenv`)."""
        if node.value in self._aliases and not self._in_import and id(node) not in self._done:
            if self._resolves(node, ENVIRONMENTS | FUNCTIONS):
                self._report(node, node)

    def _resolves(self, node: cst.BaseExpression, names: frozenset[str]) -> bool:
        if isinstance(node, cst.Attribute):
            if node.attr.value not in LAST_NAMES:
                return False
        elif not isinstance(node, cst.Name) or node.value not in self._aliases:
            return False
        return self.context.scope.imported_name(node) in names

    def _report(self, node: cst.CSTNode, reference: cst.BaseExpression) -> None:
        self._done.add(id(reference))
        use = self.context.code_for(reference)
        if node is not reference:
            use += "[...]" if isinstance(node, cst.Subscript) else "(...)"
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.value is reference:
                use = f"{self.context.code_for(reference)}.{node.func.attr.value}(...)"
        self.report(node, EnvMessage(use=use))
