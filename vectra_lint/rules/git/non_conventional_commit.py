"""VL801 non-conventional-commit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid

TYPES = ("feat", "fix", "refactor", "perf", "test", "docs", "build", "ci", "chore", "style", "revert")
SCISSORS = "# ------------------------ >8 ------------------------"
"""Git cuts a `commit --verbose` message here: the diff below it is not part of the message."""
GIT_MADE = ("Merge ", 'Revert "', "fixup! ", "squash! ", "amend! ")
"""First lines that git writes itself (merges, reverts) or that `rebase --autosquash` consumes."""
HEADER = re.compile(r"^(?P<type>[^\s(!:]+)(?:\((?P<scope>[^()]*)\))?(?P<breaking>!)?:(?P<rest>.*)$")
EXPECTED_FORM = "<type>(<scope>)!: <subject>"
EXAMPLE = "feat(search): add hybrid ranking"
NO_TYPE = "it does not start with `type: `"
UPPER = "the type `{kind}` must be lower case"
UNKNOWN = "`{kind}` is not one of the types"
EMPTY_SCOPE = "the scope in parentheses is empty"
NO_SUBJECT = "the colon must be followed by a space and a subject"

TYPES_OPTION = StringsOption("types", TYPES, "The commit types allowed before the colon.")


@dataclass(frozen=True)
class CommitMessage(Message):
    """Names the first line as written, and what is wrong with it."""

    header: str
    reason: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.header}` is not a conventional commit: {self.reason}"


@dataclass(frozen=True)
class CommitProblem:
    """Why a commit message's first line is not a conventional commit."""

    line: int
    """1-based line of the first line of the message in the file (after git's comment lines)."""
    header: str
    reason: str

    @property
    def message(self) -> CommitMessage:
        """What the diagnostic says."""
        return CommitMessage(self.header, self.reason)


def first_line(text: str) -> tuple[int, str] | None:
    """The first line of the message git will record, with its line number in the file: comment
    lines (`#`), blank lines before it and everything after the scissors line are not part of it."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.rstrip() == SCISSORS:
            return None
        if line.startswith("#") or not line.strip():
            continue
        return number, line.rstrip()
    return None


def check_message(text: str, types: Sequence[str] = TYPES) -> CommitProblem | None:
    """What is wrong with the commit message ``text`` (the file git gives the hook), or ``None``.

    An empty message is accepted here: git itself refuses to commit it.
    """
    found = first_line(text)
    if found is None:
        return None
    number, header = found
    if header.startswith(GIT_MADE):
        return None
    match = HEADER.match(header)
    if match is None:
        return CommitProblem(number, header, NO_TYPE)
    kind, scope, rest = match["type"], match["scope"], match["rest"]
    if kind not in types:
        if kind.lower() in types:
            return CommitProblem(number, header, UPPER.format(kind=kind))
        return CommitProblem(number, header, UNKNOWN.format(kind=kind))
    if scope is not None and not scope.strip():
        return CommitProblem(number, header, EMPTY_SCOPE)
    if not rest.startswith(" ") or not rest.strip():
        return CommitProblem(number, header, NO_SUBJECT)
    return None


class NonConventionalCommit(Rule):
    """
    ## What it does
    Checks a commit message: its first line must be `type(scope)!: subject`, with a type among
    `feat`, `fix`, `refactor`, `perf`, `test`, `docs`, `build`, `ci`, `chore`, `style`, `revert`
    (the `types` option), in lower case; the scope in parentheses and the `!` of a breaking
    change are optional; one space follows the colon, then the subject.

    Git's comment lines (`#`), the blank lines before the first line and a `commit --verbose`
    diff below the scissors line are ignored, like git does. Messages that git writes itself
    (`Merge branch ...`, `Revert "..."`) and the `fixup!`, `squash!` and `amend!` commits that
    `git rebase --autosquash` folds away are accepted. An empty message is left to git, which
    refuses it.

    ## Why is this bad?
    §10: the history is written as Conventional Commits (`feat: ...`, `fix: ...`,
    `refactor: ...`), one change per commit. Release notes, version bumps and reviews read the
    type; a free-form first line hides whether a commit adds, fixes or only reshapes code.

    ## Notes
    This rule checks commit messages, not Python files: `vectra-lint check` never reports it.
    `vectra-lint commit-msg FILE` does (exit 1 with the expected form, 0 when the message is
    fine, 2 when the file cannot be read), and the `vectra-lint-commit-msg` pre-commit hook runs
    it at the `commit-msg` stage, once installed with `pre-commit install --hook-type
    commit-msg`. It reads the configuration of the folder it runs in (the repository root under
    git): ignoring `VL801` there turns the check off. Only `#` is taken as git's comment
    character.
    """

    code = "VL801"
    name = "non-conventional-commit"
    message = "The commit message's first line is not a conventional commit"
    example_language = "text"
    options = (TYPES_OPTION,)
    valid = (
        Valid("feat(search): add hybrid ranking\n\nThe keyword and vector scores are merged.\n"),
        Valid("fix!: reject unknown status values\n"),
        Valid("\n# Please enter the commit message for your changes.\nrefactor: one session per request\n"),
        Valid("Merge branch 'main' into wt/arch\n"),
        Valid('Revert "feat(search): add hybrid ranking"\n\nThis reverts commit 1a2b3c4.\n'),
        Valid("fixup! fix: reject unknown status values\n"),
        Valid("deps: bump libcst\n", options={"types": [*TYPES, "deps"]}),
    )
    invalid = (
        Invalid(
            "added hybrid ranking\n",
            expected=(Expect(1, 1, CommitMessage("added hybrid ranking", NO_TYPE)),),
        ),
        Invalid(
            "Feat: add hybrid ranking\n",
            expected=(Expect(1, 1, CommitMessage("Feat: add hybrid ranking", UPPER.format(kind="Feat"))),),
        ),
        Invalid(
            "feature(search): add hybrid ranking\n",
            expected=(
                Expect(1, 1, CommitMessage("feature(search): add hybrid ranking", UNKNOWN.format(kind="feature"))),
            ),
        ),
        Invalid(
            "fix:reject unknown status values\n",
            expected=(Expect(1, 1, CommitMessage("fix:reject unknown status values", NO_SUBJECT)),),
        ),
        Invalid(
            "# A comment line first\nfix(): reject unknown status values\n",
            expected=(Expect(2, 1, CommitMessage("fix(): reject unknown status values", EMPTY_SCOPE)),),
        ),
    )
