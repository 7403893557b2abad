"""VL705 service-without-tests."""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.definitions import node_at_start
from vectra_lint.analysis.test_files import DEFAULT_TEST_FOLDERS, python_files_in
from vectra_lint.rule import Expect, Invalid, Rule, StringsOption, Valid

TESTS = StringsOption(
    "tests", DEFAULT_TEST_FOLDERS, "Folders, relative to the project root, that hold the test modules."
)


class ServiceWithoutTests(Rule):
    """
    ## What it does
    Flags a module of the `services` layer for which no test module exists: no
    `test_<module>.py` (or `<module>_test.py`, as pytest also collects) anywhere under the
    project's tests folder (`tests/` at the project root, the `tests` option), at any depth:
    `tests/test_user_service.py` and `tests/services/test_user_service.py` both cover
    `app/services/user_service.py`. Packages' `__init__.py` files and empty modules need no
    tests of their own. The report is at 1:1 of the service module.

    ## Why is this bad?
    §14: every service comes with its pytest file ("zero-trust coding"). A service without one
    has nothing that fails when its logic breaks, and no place to write the failing test that a
    bug fix must start from.

    ## Notes
    This is a whole-project check that reads the file system: whether a test exists is looked
    up in the tests folder on disk, not among the files passed to `vectra-lint`, so it gives the
    same answer when pre-commit passes only some files (a changed service is checked against
    every test file present). A service is reported only when it is itself checked; a test
    file being deleted is not a reason to report a service that was not passed.
    """

    code = "VL705"
    name = "service-without-tests"
    message = "Service module `{module}` has no test module `{tests}/**/test_{module}.py` (§14)"
    options = (TESTS,)
    valid = (
        Valid("from app.services.users import UserService\n", path="app/services/__init__.py"),
        Valid('"""Not a service."""\n', path="app/utils/text.py"),
        Valid("\n", path="app/services/placeholder.py"),
    )
    invalid = (
        Invalid(
            '"""Orders: placing and cancelling them."""\n\n\nclass OrderService:\n    pass\n',
            path="app/services/order_service.py",
            expected=(Expect(1, 1, message.format(module="order_service", tests="tests")),),
        ),
        Invalid(
            "def rank() -> None:\n    pass\n",
            path="app/services/search/ranking.py",
            options={"tests": ["qa"]},
            expected=(Expect(1, 1, message.format(module="ranking", tests="qa")),),
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        """Report the module when it is a service with content and no test module exists."""
        context = self.context
        if not context.in_layer("services") or not context.source.strip():
            return
        filename = context.path.rsplit("/", 1)[-1]
        if not filename.endswith(".py") or filename == "__init__.py":
            return
        module = filename[: -len(".py")]
        folders = tuple(self.option(TESTS))
        names = python_files_in(context.settings.root, folders)
        if f"test_{module}.py" in names or f"{module}_test.py" in names:
            return
        start = node_at_start(node)
        shown = folders[0] if len(folders) == 1 else "{" + ",".join(folders) + "}"
        self.report(start, self.message.format(module=module, tests=shown), anchor=start, length=0)
