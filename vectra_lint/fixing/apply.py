"""Applying fixes: pick non-conflicting edits, re-parse and compile, repeat until stable."""

from __future__ import annotations

import bisect
import itertools
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from vectra_lint.diagnostics import Diagnostic, Edit, apply_edits, fix_applies

MAX_FIX_PASSES = 100
"""Fix passes before giving up: each pass fixes what does not overlap, then checks again. Ruff's
own bound: its unused-import fix of ``import pkg.a`` ... ``import pkg.t`` removes one a pass (each
import shadows the one before), twenty passes for CPython's test_sundry.py."""

DEFERRED_CODES = frozenset({"F401", "F841"})
"""Ruff's unused-import and unused-variable fixes wait for a pass in which nothing else is fixed:
judged on the text before the pass, they would remove an `import asyncio` or an `as exc` that
another fix of the same pass starts to use (`await asyncio.sleep(...)`, `raise ... from exc`).
The next pass judges them again on the fixed text."""


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether ``--fix`` (with or without ``--unsafe-fixes``) applies this diagnostic's fix.

    A diagnostic still pending the project phase is not fixed: it may yet be dropped.
    """
    fix = diagnostic.fix
    return fix_applies(None if fix is None else fix.applicability, diagnostic.pending, unsafe)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """Apply every fix whose edits do not overlap an earlier one; the rest wait for the next pass.

    Identical edits from different fixes (two fixes both adding ``import asyncio``) apply once.
    Accepted edits are kept sorted, so each check looks only at its neighbours: a 10 MB file
    with a hundred thousand fixes is checked in n log n, not n squared.
    """
    new_text, applied, _ = _apply(text, diagnostics)
    return new_text, applied


def _apply(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic], tuple[Edit, ...]]:
    """:func:`apply_fixes`, with the edits it applied, in order."""
    accepted = _Accepted()
    applied: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.fix.edits[0].start if d.fix and d.fix.edits else 0, d.code)):
        assert diagnostic.fix is not None
        edits = [edit for edit in dict.fromkeys(diagnostic.fix.edits) if edit not in accepted.edits]
        if any(accepted.overlaps(edit) for edit in edits):
            continue
        for edit in edits:
            accepted.add(edit)
        applied.append(diagnostic)
    ordered = tuple(accepted.ordered())
    return apply_edits(text, ordered), applied, ordered


class _Accepted:
    """Accepted edits in (start, end) order, none overlapping another.

    They are kept in sorted blocks of at most ``2 * _BLOCK``: fixes of several rules arrive
    interleaved, so edits are inserted anywhere, and an insertion then shifts one block, not a
    list of a hundred thousand.
    """

    _BLOCK = 256

    def __init__(self) -> None:
        self.edits: set[Edit] = set()
        self._blocks: list[list[Edit]] = [[]]
        self._keys: list[list[tuple[int, int]]] = [[]]
        self._firsts: list[tuple[int, int]] = []
        """The first key of each block."""

    def ordered(self) -> Iterator[Edit]:
        """Every accepted edit, in order."""
        return itertools.chain.from_iterable(self._blocks)

    def _block(self, key: tuple[int, int]) -> int:
        return max(0, bisect.bisect_right(self._firsts, key) - 1)

    def overlaps(self, edit: Edit) -> bool:
        """Whether ``edit`` overlaps an accepted edit."""
        # Accepted edits do not overlap each other, so of those starting before ``edit.start``
        # only the last can reach into it; of the others, those starting at ``edit.start`` and
        # the first one after it decide.
        key = (edit.start, edit.start)
        number = self._block(key)
        index = bisect.bisect_left(self._keys[number], key)
        if index:
            previous: Edit | None = self._blocks[number][index - 1]
        else:
            previous = self._blocks[number - 1][-1] if number else None
        if previous is not None and _overlaps(edit, previous):
            return True
        blocks = self._blocks
        while number < len(blocks):
            block = blocks[number]
            while index < len(block):
                other = block[index]
                if other.start > edit.end:
                    return False
                if _overlaps(edit, other):
                    return True
                if other.start > edit.start:
                    return False
                index += 1
            number, index = number + 1, 0
        return False

    def add(self, edit: Edit) -> None:
        """Accept ``edit`` (which overlaps no accepted edit)."""
        key = (edit.start, edit.end)
        number = self._block(key)
        keys = self._keys[number]
        index = bisect.bisect_right(keys, key)
        keys.insert(index, key)
        self._blocks[number].insert(index, edit)
        self.edits.add(edit)
        if not self._firsts:
            self._firsts.append(key)
        elif index == 0:
            self._firsts[number] = key
        if len(keys) > 2 * self._BLOCK:
            half = self._BLOCK
            block = self._blocks[number]
            self._blocks[number : number + 1] = [block[:half], block[half:]]
            self._keys[number : number + 1] = [keys[:half], keys[half:]]
            self._firsts.insert(number + 1, keys[half])


def _overlaps(a: Edit, b: Edit) -> bool:
    # Two different insertions at one point conflict (their order would be arbitrary), and so
    # does an insertion strictly inside a replaced span.
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def check_source(text: str, path: str, compile_check: bool = True) -> str | None:
    """Why ``text`` is not valid Python (libcst parse, then ``compile``), or None."""
    # Imported here: reporting a cached run uses this module (``applicable``) without parsing.
    import libcst as cst

    # The engine's parse: the lint that follows parses the text so. It still validates what
    # libcst leaves to validation (``u"a" b"c"``), and skips the rest of the nodes' validation.
    from vectra_lint.engine.libcst_private import parse_module

    try:
        parse_module(text)
        if compile_check:
            _compile(text, path)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return str(error).strip().splitlines()[0]
    return None


def _compile(text: str, path: str) -> None:
    # The user's code may have warnings (an invalid escape, a call of a literal): not ours to print.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(text, path, "exec", dont_inherit=True)


def _compiles(text: str, path: str) -> bool:
    try:
        _compile(text, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@dataclass(frozen=True)
class Linted:
    """What a lint found in one text, and whether libcst parsed it."""

    diagnostics: tuple[Diagnostic, ...]
    parsed: bool
    """False when the text did not parse (or was not parsed): :func:`fix_text` then checks a fixed
    text with :func:`check_source`; when True, the lint's own parse stands for that check's."""
    complete: bool = True
    """False when only the diagnostics whose fixes apply are given (the text is about to be
    fixed): should the fixes fail, the text is linted again, for all of them."""


Lint = Callable[[str], "tuple[Diagnostic, ...] | Linted"]
"""Lints one text. A lint that returns bare diagnostics says nothing of its parse: each fixed text
is then parsed once more by :func:`check_source`."""


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one file did."""

    text: str
    """The fixed text (the original when nothing was applied or a pass broke the file)."""
    diagnostics: tuple[Diagnostic, ...]
    """What remains after the last pass."""
    fixed: int
    """How many diagnostics the applied fixes resolved."""
    error: str | None = None
    """Set when a pass produced invalid code: the file is left as it was."""
    hit_bound: bool = False
    fixed_codes: tuple[str, ...] = ()
    """The code of each diagnostic the applied fixes resolved."""


def fix_text(text: str, path: str, lint: Lint, unsafe: bool, max_passes: int) -> FixOutcome:
    """Lint, apply the allowed fixes, and repeat until a pass changes nothing (:class:`FixLoop`,
    each text linted with ``lint``)."""
    loop = FixLoop(text, path, unsafe, max_passes)
    while loop.wanted is not None:
        loop.lint(lint)
    assert loop.outcome is not None
    return loop.outcome


class FixLoop:
    """Fixing one text, one lint at a time: :attr:`wanted` is the text to lint next (None when
    done, :attr:`outcome` then set), :meth:`lint` lints it. A caller fixing many files runs their
    loops side by side, so that what each round's texts need from another tool (Ruff) is asked
    for them all at once.

    Each pass applies the fixes of every rule that do not overlap (``apply_fixes``) and lints the
    result once: a file with nothing to fix is linted once and parsed once, and the text a pass
    leaves is linted once, that lint's diagnostics being both the next pass's fixes and, when
    nothing is left to fix, the outcome.

    Each pass's result must parse (libcst) and, when the original compiled, compile. A file that
    the running Python cannot compile (syntax of a newer Python, or ``return`` outside a
    function) is still fixed, and each pass still re-parsed with libcst, whose grammar covers
    newer Pythons; its compile check is left out, as it would fail before and after alike. The
    parse is the lint's own when it says so (:class:`Linted`); whether the original compiled is
    asked only when a fixed text does not.
    """

    def __init__(self, text: str, path: str, unsafe: bool, max_passes: int) -> None:
        """Fix ``text`` (of the file shown as ``path``) in at most ``max_passes`` passes."""
        self.original = text
        self.path = path
        self.unsafe = unsafe
        self.passes_left = max_passes
        self.wanted: str | None = text
        """The text to lint next: the original first, then each pass's fixed text."""
        self.edited: tuple[str, tuple[Edit, ...]] | None = None
        """When :attr:`wanted` is a pass's fixed text that compiles: the text the pass fixed and the
        edits it applied to it (the lint may parse the new text from the old one's tree)."""
        self.outcome: FixOutcome | None = None
        self._text = text
        self._first: tuple[Diagnostic, ...] | None = None
        """What the original text's lint found (None until it is linted)."""
        self._applied: list[Diagnostic] = []
        self._fixed = 0
        self._fixed_codes: list[str] = []
        self._compiled: bool | None = None
        self._first_complete = True

    def lint(self, lint: Lint) -> None:
        """Lint :attr:`wanted` with ``lint``, then apply the next pass's fixes (or finish)."""
        assert self.wanted is not None
        if self._first is None:
            first = _linted(lint(self.wanted))
            diagnostics = self._first = first.diagnostics
            self._first_complete = first.complete
        else:
            linted = _lint_fixed(lint, self.wanted)
            parsed = linted is not None and linted.parsed
            problem = None if parsed else check_source(self.wanted, self.path, compile_check=False)
            if problem is not None or linted is None:
                self._fail(problem, lint)
                return
            self._text = self.wanted
            self._fixed += len(self._applied)
            self._fixed_codes.extend(d.code for d in self._applied)
            diagnostics = linted.diagnostics
        self._next_pass(diagnostics, lint)

    def _next_pass(self, diagnostics: tuple[Diagnostic, ...], lint: Lint) -> None:
        self.wanted = self.edited = None
        fixable = [d for d in diagnostics if applicable(d, self.unsafe)]
        if not self.passes_left or not fixable:
            hit_bound = bool(fixable)
            self.outcome = FixOutcome(
                self._text, diagnostics, self._fixed, hit_bound=hit_bound, fixed_codes=tuple(self._fixed_codes)
            )
            return
        self.passes_left -= 1
        others = [d for d in fixable if d.code not in DEFERRED_CODES]
        if others:
            fixable = others
        new_text, self._applied, edits = _apply(self._text, fixable)
        compiles = _compiles(new_text, self.path)
        if not compiles and len(self._applied) > 1 and self._compiled_original():
            # Fixes valid one by one may not be together: Ruff's unused-import fixes each delete
            # one import of an `if` block that then holds none (Ruff applies them in separate
            # passes, and its next pass puts `pass` in place of the last). The fixes that compile
            # together are applied; the others wait for the next pass, judged again.
            kept = self._compiling_part(self._applied)
            if kept:
                new_text, self._applied, edits = _apply(self._text, kept)
                compiles = True
        if not compiles and self._compiled_original():
            # The check of the whole text says why (libcst's error first, as it parses first).
            self._fail(check_source(new_text, self.path), lint)
            return
        self.wanted = new_text
        if compiles:
            self.edited = (self._text, edits)

    def _compiling_part(self, applied: list[Diagnostic]) -> list[Diagnostic]:
        """Of ``applied`` (in order), those kept when each fix that breaks the text together with
        the ones before it is left out: the longest prefix that compiles is found by bisection,
        the fix after it skipped, and the rest tried again. A block emptied by its imports' fixes
        costs one skip (its last import), a few compiles each, not a pass."""
        chosen: list[Diagnostic] = []
        rest = list(applied)
        while rest:
            if _compiles(_apply(self._text, chosen + rest)[0], self.path):
                return chosen + rest
            # ``chosen`` alone compiles; ``chosen`` with all of ``rest`` does not.
            low, high = 0, len(rest) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if _compiles(_apply(self._text, chosen + rest[:middle])[0], self.path):
                    low = middle
                else:
                    high = middle - 1
            chosen += rest[:low]
            rest = rest[low + 1 :]
        return chosen

    def _compiled_original(self) -> bool:
        if self._compiled is None:
            self._compiled = check_source(self.original, self.path) is None
        return self._compiled

    def _fail(self, problem: str | None, lint: Lint) -> None:
        codes = ", ".join(sorted({d.code for d in self._applied}))
        self.wanted = self.edited = None
        if not self._first_complete:
            # The file is left as it was, and reported as a check would report it.
            self._first = _linted(lint(self.original)).diagnostics
        assert self._first is not None
        self.outcome = FixOutcome(
            self.original,
            self._first,
            0,
            error=f"fixes for {codes} produced invalid code ({problem}); the file was left unchanged",
        )


def _linted(found: tuple[Diagnostic, ...] | Linted) -> Linted:
    return found if isinstance(found, Linted) else Linted(found, parsed=False)


def _lint_fixed(lint: Lint, text: str) -> Linted | None:
    """The lint of a fixed text; None when its parse recursed too deep (the check of the text
    says so: a fixed text is not analysed further)."""
    try:
        return _linted(lint(text))
    except RecursionError:
        if check_source(text, "", compile_check=False) is None:
            raise
        return None
