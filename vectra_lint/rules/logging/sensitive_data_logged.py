"""VL404 sensitive-data-logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.log_calls import LOG_METHODS, LogCalls, message_arguments
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.analysis.sensitive import (
    Shape,
    Types,
    annotation_shape,
    is_secret_name,
    leaked_references,
    parameter_annotation,
    parameter_secrets,
)
from vectra_lint.api import Expect, Invalid, Message, StringsOption, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import iter_nodes

MASK_FUNCTIONS = StringsOption(
    "mask-functions",
    ("mask", "mask_secret", "mask_sensitive", "redact", "obfuscate"),
    "Functions whose result hides their argument (besides any name containing `mask` or `redact`).",
)


@dataclass(frozen=True)
class LeakMessage(Message):
    """A secret logged by its name (or by its sibling flag)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"


@dataclass(frozen=True)
class ObjectMessage(Message):
    """An object logged whole whose class holds a secret field."""

    name: str
    type_name: str
    field: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.name}` is logged whole and its `{self.type_name}` holds `{self.field}`; "
            "log its id fields instead (§6.4)"
        )


@dataclass(frozen=True)
class LoggedObjects(Candidate):
    """The typed parameters a log call carries whole: (name, annotation shape) pairs."""

    objects: tuple[tuple[str, Shape], ...]


@dataclass(frozen=True)
class SensitiveMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"


class SensitiveDataLogged(IndexRule[LoggedObjects]):
    """
    ## What it does
    Flags a log call (see below) or a `print` whose message, %-arguments or `extra` carry a
    secret: a variable, attribute (`settings.GEMINI_API_KEY`), string key
    (`headers["Authorization"]`, `data.get("password")`, `os.getenv("DB_PASSWORD")`,
    `extra={"token": value}`) or call result (`get_api_key()`) named after one of the sensitive
    names (`[tool.vectra-lint.names] sensitive-names`, default `api_key`, `password`, `secret`,
    `token`, `authorization`), in f-strings, `%`-arguments and `.format(...)` alike.
    Also flagged: the whole `**kwargs` of a function that reads a sensitive key from it
    (`kwargs["api_key"]`), `locals()` in a function with a sensitive parameter, a `value`
    parameter of a function that also takes an `is_secret` flag (secret by sibling), and a
    parameter logged whole (`{user_in}`, not `{user_in.email}`) whose annotated type is a project
    class with a secret field at any depth: its own (`UserCreate.password`), a base's, or one of a
    class its fields are typed with (`Connector.config.password`), wherever in the project the
    classes are defined; its repr shows the secret.

    A log call is `.debug/.info/.warning/.error/.exception/.critical/.log(...)` on what the one
    logger judgement of the logging rules calls a logger: a configured logger name (`logger`,
    `log`, `self.logger`), a name or `self.` attribute bound to `logging.getLogger(...)` or
    annotated `logging.Logger`, or the `logging` module. The secrets are judged as VL401's and
    VL402's fixes judge them (`analysis/sensitive.py`), so a START log VL402 writes is never
    reported here.

    ## Why is this bad?
    §6.4: secrets must never reach the logs. Logs are shipped, indexed and kept for months, and
    read by far more people than the secret's owner.

    ## Notes
    A name is sensitive when it contains a sensitive name as whole words (`OPENAI_API_KEY`,
    `apiKey`, `refresh_token`), not as part of a longer word (`tokens`, `tokenizer`) and not when
    the next or previous word says it is about the secret rather than the secret itself
    (`max_tokens`, `token_count`, `api_key_id`, `has_password`, `verify_token(...)`).

    A value is masked when it is replaced by a literal (`new_password=[MASKED]`,
    `{"password": "***"}`) or passed through a masking function: one named in the option
    `mask-functions`, or any function whose name contains `mask` or `redact`. Values that only
    describe a secret are not leaks: `len(token)`, `bool(api_key)`, `token is None`, or the test of
    `"set" if token else "unset"`. The base of an attribute is not logged: `token.expires_at` is fine.
    A class defined in a project module that was not checked is given the benefit of the doubt.
    """

    code = "VL404"
    name = "sensitive-data-logged"
    message = "A sensitive value is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"
    options = (MASK_FUNCTIONS,)
    analyses = (LogCalls, *INDEX_ANALYSES)
    # `print(...)`, and the method of a log call (`LogCalls.method` knows no other).
    call_names = frozenset({"print"}) | LOG_METHODS
    valid = (
        Valid('logger.info(f"START | login | Params: user={user}, password=[MASKED]")\n'),
        Valid('logger.debug("Client created with key %s", mask_secret(settings.OPENAI_API_KEY))\n'),
        Valid('logger.info(f"Used {usage.total_tokens} tokens, token limit {max_tokens}")\n'),
        Valid('logger.info("API key %s", "set" if api_key else "missing")\n'),
        Valid('logger.info("token expires at %s", token.expires_at)\n'),
        Valid('audit.info("key %s", api_key)\n'),
        Valid('console.print(f"{password}")\n'),
        Valid(
            "def usage(input_tokens: int, is_secret: bool) -> None:\n"
            '    logger.info(f"tokens={input_tokens}, secret={is_secret}")\n'
        ),
        Valid(
            "from pydantic import BaseModel\n\n\nclass UserCreate(BaseModel):\n    email: str\n    password: str\n\n\n"
            "def create(user_in: UserCreate) -> None:\n"
            '    logger.info(f"START | create | Params: user_in=UserCreate(email={user_in.email})")\n'
        ),
        Valid(
            'logger.info("key=%s", hide(api_key))\n',
            options={"mask-functions": ["hide"]},
        ),
    )
    invalid = (
        Invalid(
            "from pydantic import BaseModel\n\n\nclass SqlConfig(BaseModel):\n    host: str\n    password: str\n\n\n"
            "class Connector(BaseModel):\n    id: int\n    config: SqlConfig\n\n\n"
            "def connect(connector: Connector) -> None:\n"
            '    logger.info(f"Connecting {connector}")\n',
            expected=(Expect(15, 5, ObjectMessage("connector", "Connector", "config.password")),),
        ),
        Invalid(
            'def save(key: str, value: str, is_secret: bool) -> None:\n    logger.info("Saving %s=%s", key, value)\n',
            expected=(Expect(2, 5, LeakMessage("value")),),
        ),
        Invalid(
            'logger.debug("Creating the client with key %s", settings.GEMINI_API_KEY)\n',
            expected=(Expect(1, 1, SensitiveMessage(name="GEMINI_API_KEY")),),
        ),
        Invalid('print(f"Using OpenAI key {api_key}")\n', expected=(Expect(1, 1, SensitiveMessage(name="api_key")),)),
        Invalid(
            'self.logger.info("Headers: {}".format(request.headers["Authorization"]))\n',
            expected=(Expect(1, 1, SensitiveMessage(name="Authorization")),),
        ),
        Invalid(
            'logger.info("Password reset", extra={"reset_token": value})\n',
            expected=(Expect(1, 1, SensitiveMessage(name="reset_token")),),
        ),
        Invalid(
            'import logging\n\naudit = logging.getLogger("audit")\n'
            'audit.warning("login %s", payload.get("password"))\n',
            expected=(Expect(4, 1, SensitiveMessage(name="password")),),
        ),
        Invalid(
            'import logging\n\nlogging.log(logging.INFO, "token=%s", refresh_token)\n',
            expected=(Expect(3, 1, SensitiveMessage(name="refresh_token")),),
        ),
        Invalid(
            'def connect(**kwargs: str) -> None:\n    key = kwargs.pop("api_key")\n'
            '    logger.info(f"connect {kwargs}")\n',
            expected=(Expect(3, 5, SensitiveMessage(name="**kwargs")),),
        ),
        Invalid(
            'def login(user: str, password: str) -> None:\n    logger.debug("login %s", locals())\n',
            expected=(Expect(2, 5, SensitiveMessage(name="locals()")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start with no logged object to judge."""
        super().__init__(context)
        # Each log call to judge by type, with its statement (where a noqa may sit).
        self._objects: list[tuple[cst.Call, LoggedObjects, cst.CSTNode | None]] = []
        # By id of the function (or None at module level): its secret parameters, and whether
        # it reads a secret key from its `**kwargs`; judged once, not at each of its log calls.
        self._secrets: dict[int, frozenset[str]] = {}
        self._reads_secret: dict[int, bool] = {}

    def _parameter_secrets(self, function: cst.FunctionDef | None) -> frozenset[str]:
        key = id(function)
        found = self._secrets.get(key)
        if found is None:
            found = parameter_secrets(function, self.context.settings.names.sensitive_names)
            self._secrets[key] = found
        return found

    def visit_Call(self, node: cst.Call) -> None:
        """Report log calls and ``print`` calls that carry a secret."""
        func = node.func
        if type(func) is cst.Name:
            if func.value != "print" or self.context.scope.qualified_name(func) != "builtins.print":
                return
            values = [arg.value for arg in node.args if arg.keyword is None]
        elif type(func) is cst.Attribute:
            method = self.context.analysis(LogCalls).method(node)
            if method is None:
                return
            values = [arg.value for arg in message_arguments(node, method)]
            values += [arg.value for arg in node.args if arg.keyword is not None and arg.keyword.value == "extra"]
        else:
            return
        carried: list[cst.Name] = []
        leaked = self._leaked(values, carried)
        if leaked:
            self.report(node, LeakMessage(leaked))
            return
        function = self.context.scope.function()
        objects: list[tuple[str, Shape]] = []
        for name in carried:
            annotation = parameter_annotation(function if isinstance(function, cst.FunctionDef) else None, name.value)
            if annotation is not None:
                objects.append((name.value, annotation_shape(annotation)))
        if objects:
            candidate = LoggedObjects(self.context.path, tuple(objects))
            self._objects.append((node, candidate, self.context.current_statement))

    def finish(self) -> None:
        """Judge the objects logged whole by their classes (pending when those are in other modules)."""
        for node, candidate, statement in self._objects:
            self.judge(node, candidate, anchor=statement)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: LoggedObjects) -> Verdict:
        """Report the first object whose class holds a secret field."""
        types = Types(index, index.names.sensitive_names)
        found = Tri.NO
        for name, shape in candidate.objects:
            secret, type_name, field = types.secret_in(candidate.path, shape)
            if secret is Tri.YES:
                return Verdict(Tri.YES, ObjectMessage(name, type_name, field))
            found = max(found, secret)
        return Verdict(found)

    def _leaked(self, values: Sequence[cst.BaseExpression], carried: list[cst.Name]) -> str | None:
        sensitive = self.context.settings.names.sensitive_names
        masks = self.option(MASK_FUNCTIONS)
        for value in values:
            found = leaked_references(value, sensitive, masks, carried)
            if found:
                return found[0][1]
        function = self.context.scope.function()
        siblings = self._parameter_secrets(function if isinstance(function, cst.FunctionDef) else None)
        for name in carried:
            if name.value in siblings:
                return name.value
        return self._leaked_mapping(values)

    def _leaked_mapping(self, values: Sequence[cst.BaseExpression]) -> str | None:
        """``**kwargs`` that carries a secret, or ``locals()`` of a function that takes one."""
        function = self.context.scope.function()
        if not isinstance(function, cst.FunctionDef):
            return None
        params = function.params
        star = params.star_kwarg.name.value if isinstance(params.star_kwarg, cst.Param) else None
        # What could leak is judged once per function; most functions have neither, and then the
        # arguments are not searched.
        star_leaks = star is not None and self._reads_secret_key(function, star)
        locals_leak = bool(self._parameter_secrets(function))
        if not (star_leaks or locals_leak):
            return None
        for value in values:
            for node in iter_nodes(value, (cst.Name, cst.Call)):
                if star_leaks and type(node) is cst.Name and node.value == star:
                    return f"**{star}"
                if (
                    locals_leak
                    and type(node) is cst.Call
                    and type(node.func) is cst.Name
                    and node.func.value in ("locals", "vars")
                    and not node.args
                    and self.context.scope.qualified_name(node.func) == f"builtins.{node.func.value}"
                ):
                    return f"{node.func.value}()"
        return None

    def _reads_secret_key(self, function: cst.FunctionDef, mapping: str) -> bool:
        key = id(function)
        found = self._reads_secret.get(key)
        if found is None:
            found = _reads_secret_key(function, mapping, self.context.settings.names.sensitive_names)
            self._reads_secret[key] = found
        return found


def _reads_secret_key(function: cst.FunctionDef, mapping: str, sensitive: Sequence[str]) -> bool:
    """Whether ``function`` reads a sensitive key from ``mapping`` (``kwargs["api_key"]``,
    ``kwargs.get("token")``, ``kwargs.pop("password")``): then the mapping holds a secret."""
    for node in iter_nodes(function.body, (cst.Subscript, cst.Call)):
        if isinstance(node, cst.Subscript):
            base, key_node = node.value, node.slice[0].slice
            key_value = key_node.value if isinstance(key_node, cst.Index) else None
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in ("get", "pop") and node.args:
            base, key_value = node.func.value, node.args[0].value
        else:
            continue
        if not (isinstance(base, cst.Name) and base.value == mapping and isinstance(key_value, cst.SimpleString)):
            continue
        key = key_value.evaluated_value
        if isinstance(key, str) and is_secret_name(key, sensitive):
            return True
    return False
