"""The notice for layers that match no file of their project: without it, the rules that read a
layer pass silently (checked from a monorepo's top, ``app/api/**`` matches nothing)."""

from __future__ import annotations

from collections.abc import Iterable

import pathspec

from vectra_lint.config.settings import Settings

# The rules that report only in (or about) files of each layer. VL301's layers are its option.
LAYER_RULES: dict[str, tuple[str, ...]] = {
    "routes": ("VL306", "VL402", "VL501", "VL502", "VL503", "VL504"),
    "services": ("VL306", "VL402", "VL501", "VL705"),
    "models": ("VL104", "VL501", "VL704"),
    "schemas": ("VL104", "VL501", "VL703", "VL704"),
    "workers": ("VL402",),
    "config": ("VL505",),
}
BROAD_EXCEPT = "VL301"
# The rules that report everywhere rather than nowhere without their layer: with no config
# module, every environment read is one outside it.
OUTSIDE_RULES = frozenset({"VL505"})


def rules_of(layer: str, settings: Settings) -> list[str]:
    """The enabled rules that cannot report (or report wrongly) when ``layer`` matches nothing."""
    codes = set(LAYER_RULES.get(layer, ()))
    broad = settings.rule_options.get(BROAD_EXCEPT, {}).get("layers", ("services",))
    if isinstance(broad, tuple) and layer in broad:
        codes.add(BROAD_EXCEPT)
    return sorted(code for code in codes if code in settings.enabled)


def glob_counts(settings: Settings, relatives: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """For each layer, each glob with how many of the files (root-relative paths) it matches (a
    negated glob, ``!app/api/models/**``: how many it takes out)."""
    paths = list(relatives)
    counts: dict[str, list[tuple[str, int]]] = {}
    for layer, globs in settings.layers.items():
        counts[layer] = []
        for glob in globs:
            spec = pathspec.PathSpec.from_lines("gitignore", [glob.removeprefix("!")])
            counts[layer].append((glob, sum(1 for path in paths if spec.match_file(path))))
    return counts


def unmatched(settings: Settings, relatives: Iterable[str], project: str) -> str | None:
    """The notice for ``project``'s layers whose globs match none of its files (None: all match).

    A layer configured with no globs (``workers = []``) is absent on purpose and never named.
    """
    paths = list(relatives)
    lines = []
    for layer, globs in settings.layers.items():
        if not globs:
            continue
        spec = pathspec.PathSpec.from_lines("gitignore", globs)
        if any(spec.match_file(path) for path in paths):
            continue
        codes = rules_of(layer, settings)
        if not codes:
            continue
        shown = ", ".join(f'"{glob}"' for glob in globs)
        silent = [code for code in codes if code not in OUTSIDE_RULES]
        everywhere = [code for code in codes if code in OUTSIDE_RULES]
        said = [f"{', '.join(silent)} cannot report without it"] if silent else []
        said += [f"{', '.join(everywhere)} takes every file for outside it"] if everywhere else []
        lines.append(f"  {layer} = [{shown}]: {'; '.join(said)}")
    if not lines:
        return None
    return (
        f"in the project at {project}, {'a layer matches' if len(lines) == 1 else 'layers match'} no file:\n"
        + "\n".join(lines)
        + f"\n  `vectra-lint init {project}` guesses the layers from the folders; a layer the project does not"
        " have is set to [] in [tool.vectra-lint.layers]"
    )
