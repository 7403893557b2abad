"""Sensitive names (``api_key``, ``password``, ``secret``, ``token``, ``authorization`` by
default, option ``names.sensitive-names``), matched case-insensitively as substrings of a name.

Shared by the rules that must keep secrets out of logs: VL404 reports them, VL401 and VL402 write
no fix that would log them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import libcst as cst

from vectra_lint.engine.walker import callee_name, child_nodes, iter_nodes


def is_sensitive(name: str, sensitive: Sequence[str]) -> bool:
    """Whether ``name`` (a variable, attribute, parameter or dict key) names a secret."""
    lowered = name.lower()
    return any(part.lower() in lowered for part in sensitive)


def _string_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def referenced_names(expression: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, str]]:
    """Every name whose value ``expression`` may carry: variables, the attribute part of
    ``a.b``, string subscript keys (``d["key"]``) and ``.get("key")`` keys, with the node that
    holds each. Literal dict keys are not values and are not listed."""
    attribute_parts: set[int] = set()
    for node in iter_nodes(expression, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        if isinstance(node, cst.Name):
            if id(node) not in attribute_parts:
                yield node, node.value
        elif isinstance(node, cst.Attribute):
            # The attribute's own Name comes next in the walk; it is this attribute, not a variable.
            attribute_parts.add(id(node.attr))
            yield node, node.attr.value
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = _string_key(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                yield node, key
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "get"
            and node.args
        ):
            key = _string_key(node.args[0].value)
            if key is not None:
                yield node, key


def sensitive_references(expression: cst.CSTNode, sensitive: Sequence[str]) -> list[tuple[cst.CSTNode, str]]:
    """The names in ``expression`` whose values are secrets (see ``referenced_names``)."""
    return [(node, name) for node, name in referenced_names(expression) if is_sensitive(name, sensitive)]


# The words of a name: `OPENAI_API_KEY`, `apiKey`, `x-api-key` -> openai/api/key, api/key, x/api/key.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# A secret's word followed (anywhere later in the name) by one of these names something about the
# secret, not its value: `token_count`, `password_reset_url`, `api_key_id`, `secret_name`, `token_manager`.
_NOT_VALUE_AFTER = frozenset(
    """count counts num number max min limit limits len length size total usage used budget remaining id ids
    type types name names url uri urls endpoint expiry expires expiration expire expired ttl lifetime field fields
    env var path file dir manager service client provider store validator generator factory model schema class
    policy rule rules strength hint set present provided valid required enabled configured missing error errors
    exists format pattern prefix scheme location source kind mode label param params""".split()
)
# ... and preceded by one of these: `has_token`, `is_valid_token`, `max_token`, `verify_token(...)`.
_NOT_VALUE_BEFORE = frozenset(
    """has is max min num n total count use uses with no missing require requires invalid valid validate verify
    check used remaining""".split()
)


def _words(name: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(name)]


def is_secret_name(name: str, sensitive: Sequence[str]) -> bool:
    """Whether ``name`` most likely holds a secret's value: a sensitive name as whole words
    (``GEMINI_API_KEY``, ``apiKey``, ``refresh_token``, ``bearerToken``), not a longer word
    (``tokens``, ``tokenizer``, the ``secrets`` module) nor a name about the secret rather than
    its value (``max_tokens``, ``token_count``, ``api_key_id``, ``has_password``).

    Stricter than :func:`is_sensitive`, which masks whatever might be a secret; this one decides
    whether logging a name is a leak (VL404), where a false alarm costs a reader's time.
    """
    words = _words(name)
    for pattern in sensitive:
        parts = _words(pattern)
        if not parts:
            continue
        joined = "".join(parts)
        size = len(parts)
        for index, word in enumerate(words):
            if words[index : index + size] == parts:
                end = index + size
            elif word.endswith(joined):
                end = index + 1
            else:
                continue
            if _NOT_VALUE_BEFORE.isdisjoint(words[:index]) and _NOT_VALUE_AFTER.isdisjoint(words[end:]):
                return True
    return False


# Calls whose result says something about a value without carrying it.
_NOT_CARRYING = frozenset({"bool", "len", "type", "isinstance", "issubclass", "hasattr", "callable", "id"})
_MASKING_WORDS = ("mask", "redact")
_KEY_READERS = frozenset({"get", "pop", "getenv"})


def _is_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)) or (
        isinstance(node, cst.Name) and node.value in ("None", "True", "False")
    )


def is_masking_call(node: cst.Call, mask_functions: Sequence[str]) -> bool:
    """A call whose result hides its arguments: a function named in ``mask_functions``, or one
    whose name says it masks or redacts (``mask_api_key(key)``, ``redact(headers)``)."""
    name = callee_name(node.func)
    if name is None:
        return False
    lowered = name.lower()
    return name in mask_functions or any(word in lowered for word in _MASKING_WORDS)


def leaked_references(
    expression: cst.CSTNode, sensitive: Sequence[str], mask_functions: Sequence[str] = ()
) -> list[tuple[cst.CSTNode, str]]:
    """The secret values (:func:`is_secret_name`) that ``expression`` carries into a log line.

    Like :func:`referenced_names`, but following only what reaches the text: the base of an
    attribute (``token.expires_at``) or of a string-keyed subscript (``token_data["sub"]``) is
    not carried; a call's result is (``get_api_key()``, ``token.strip()``), except masking calls
    (:func:`is_masking_call`) and calls that only describe a value (``len``, ``bool``,
    ``isinstance``). Comparisons and the test of a conditional expression yield booleans, and a
    literal dict value (``{"password": "[MASKED]"}``) is a mask. A literal dict key is reported when
    its value is not a literal (``{"token": t}``).
    """
    found: list[tuple[cst.CSTNode, str]] = []

    def check(node: cst.CSTNode, name: str) -> None:
        if is_secret_name(name, sensitive):
            found.append((node, name))

    stack: list[cst.CSTNode] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            check(node, node.value)
        elif isinstance(node, cst.Attribute):
            check(node, node.attr.value)
        elif isinstance(node, cst.Call):
            name = callee_name(node.func)
            if is_masking_call(node, mask_functions) or (isinstance(node.func, cst.Name) and name in _NOT_CARRYING):
                continue
            # A value read by key: `data.get("password")`, `os.getenv("DB_PASSWORD")`.
            key = _string_key(node.args[0].value) if name in _KEY_READERS and node.args else None
            if key is not None:
                check(node, key)
                continue
            if isinstance(node.func, cst.Attribute):
                check(node.func, node.func.attr.value)
            elif name is not None:
                check(node.func, name)
            stack.extend(arg.value for arg in reversed(node.args))
            if not isinstance(node.func, cst.Name):
                stack.append(node.func.value if isinstance(node.func, cst.Attribute) else node.func)
        elif isinstance(node, cst.Subscript):
            index = node.slice[0].slice if len(node.slice) == 1 else None
            key = _string_key(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                check(node, key)
            else:
                stack.append(node.value)
        elif isinstance(node, cst.Comparison) or (
            isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)
        ):
            continue
        elif isinstance(node, cst.IfExp):
            stack.extend((node.orelse, node.body))
        elif isinstance(node, cst.Dict):
            for element in reversed(node.elements):
                if isinstance(element, cst.DictElement):
                    key = _string_key(element.key)
                    if key is not None and not _is_literal(element.value) and is_secret_name(key, sensitive):
                        found.append((element.key, key))
                        continue
                    stack.append(element.value)
                else:
                    stack.append(element.value)
        elif isinstance(node, cst.Lambda):
            continue
        else:
            stack.extend(reversed(child_nodes(node)))
    return found
