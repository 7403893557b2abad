"""The words of each file, for the dead-code rules (VL607, VL608): whether a name is used anywhere.

A definition or a module counts as used when its name occurs anywhere else in the project: as a
name, an attribute, an import, in a string (`getattr(obj, "name")`, `importlib.import_module(
"app.jobs")`, `__all__`, a dotted path in settings) or even in a comment. That errs on the side of
"used": a dead-code finding a team would dismiss is worse than one missed. The words come from one
scan of the text with a compiled pattern, not from the tree: no walk, no second parse.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vectra_lint.rule import Analysis

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DISCOVERY = re.compile(r"issubclass\([^,()]+,\s*([A-Za-z_][\w.]*)\s*\)|([A-Za-z_][\w.]*)\.__subclasses__\(")
"""`issubclass(obj, Tool)` and `Tool.__subclasses__()`: a framework that finds the subclasses of
`Tool` by reflection (plugins, tools, providers) uses every one of them."""
PREFIX = re.compile(r"""[fF]?["']([A-Za-z_][A-Za-z0-9_]*_)(?:["']|\{)""")
"""`getattr(self, f"visit_{kind}")`, `"handle_" + event`, `name.startswith("leave_")`: a string that
is a name's prefix means names are made or looked up from it at run time, so every definition
whose name starts with it may be called."""
WALKED = re.compile(r"([A-Za-z_][\w.]*)\.__path__")
"""`pkgutil.walk_packages(rules.__path__)`: a package whose modules are imported by a walk."""
CACHE_KEY = "vectra_lint.analysis.project_words"
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
"""Project files outside the checked Python whose words count too (entry points, scripts)."""


class ProjectWords(Analysis):
    """The identifiers that occur in one file, and how often (no handlers: nothing to walk)."""

    _counts: Counter[str] | None = None

    @property
    def counts(self) -> Counter[str]:
        """How often each word occurs in the file (computed once)."""
        if self._counts is None:
            self._counts = Counter(WORD.findall(self.context.source))
        return self._counts

    def facts(self) -> object:
        """The file's distinct words, and the classes whose subclasses it looks for by reflection."""
        source = self.context.source
        discovered: frozenset[str] = frozenset()
        if "issubclass" in source or "__subclasses__" in source:
            discovered = frozenset((first or second).rsplit(".", 1)[-1] for first, second in DISCOVERY.findall(source))
        prefixes = frozenset(PREFIX.findall(source)) if "_" in source else frozenset()
        walked = frozenset(WALKED.findall(source)) if "__path__" in source else frozenset()
        return WordFacts(frozenset(self.counts), discovered, prefixes, walked)


@dataclass(frozen=True)
class WordFacts:
    """What one file tells the dead-code rules (a frozen dataclass: the result cache keeps it)."""

    words: frozenset[str]
    discovered: frozenset[str]
    """Names of classes whose subclasses the file finds by reflection."""
    prefixes: frozenset[str] = frozenset()
    """Prefixes of names the file makes at run time (``visit_`` of ``f"visit_{kind}"``)."""
    walked: frozenset[str] = frozenset()
    """Names (as written in the file) of packages whose ``__path__`` it walks."""


class WordIndex:
    """In how many checked files each word occurs (the project's config files count as one more)."""

    def __init__(self, project: Project) -> None:
        """Count the words of every checked file."""
        self.files: dict[str, frozenset[str]] = {}
        self.spread: Counter[str] = Counter()
        self.discovered: set[str] = set()
        """Classes whose subclasses some file finds by reflection."""
        self.prefixes: set[str] = set()
        """Prefixes of names some file makes at run time."""
        self.walked: dict[str, frozenset[str]] = {}
        """By file, the names of the packages it walks."""
        for path, facts in project.facts_of(ProjectWords).items():
            if isinstance(facts, WordFacts):
                self.files[path] = facts.words
                self.spread.update(facts.words)
                self.discovered.update(facts.discovered)
                self.prefixes.update(facts.prefixes)
                if facts.walked:
                    self.walked[path] = facts.walked
        for name in CONFIG_FILES:
            try:
                text = (project.settings.root / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            self.spread.update(set(WORD.findall(text)))

    @classmethod
    def of(cls, project: Project) -> WordIndex:
        """The index of the run, built once."""
        found = project.cache.get(CACHE_KEY)
        if not isinstance(found, WordIndex):
            found = project.cache[CACHE_KEY] = cls(project)
        return found

    def made_at_run_time(self, name: str) -> bool:
        """Whether ``name`` starts with a prefix some file makes names from."""
        return any(name.startswith(prefix) for prefix in self.prefixes)

    def used_elsewhere(self, word: str, path: str) -> bool:
        """Whether ``word`` occurs in some file other than ``path`` (or in the project's config)."""
        own = 1 if word in self.files.get(path, frozenset()) else 0
        return self.spread[word] > own
