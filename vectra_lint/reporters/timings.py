"""``check --timings``: where the run's time went, as a table on standard error.

Per-file phases and rules are summed over every worker, so with several jobs their total exceeds
the wall time; the run-level phases (start-up, discovery, project phase, report) are wall time.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from vectra_lint.engine.timings import LISTENER, PHASE, Timings

_RUN_LEVEL = (
    "start-up",
    "config and discovery",
    "checking (cache, workers, project phase)",
    "workers (wall)",
    "project phase",
    "report",
)


def print_timings(console: Console, timings: Timings, wall: float) -> None:
    """Print the phases, then every walk listener (rules and shared analyses), slowest first."""
    phases = timings.of(PHASE)
    listeners = timings.of(LISTENER)
    walk = phases.get("walk", 0.0)
    table = Table(title=f"Timings (wall {wall:.2f} s)", title_justify="left")
    table.add_column("phase or rule")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    run_level = [name for name in _RUN_LEVEL if name in phases]
    per_file = sorted((name for name in phases if name not in _RUN_LEVEL), key=lambda name: -phases[name])
    for name in run_level:
        table.add_row(name, f"{phases[name]:.3f}", f"{phases[name] / wall:.0%}" if wall else "")
    per_file_total = sum(phases[name] for name in per_file)
    for name in per_file:
        share = f"{phases[name] / per_file_total:.0%}" if per_file_total else ""
        table.add_row(f"  per file: {name}", f"{phases[name]:.3f}", share)
    if listeners:
        handled = sum(listeners.values())
        table.add_row("  walk: traversal itself", f"{max(walk - handled, 0.0):.3f}", "")
        for name, seconds in sorted(listeners.items(), key=lambda item: -item[1]):
            table.add_row(f"  walk: {name}", f"{seconds:.3f}", f"{seconds / walk:.0%}" if walk else "")
    console.print(table)
