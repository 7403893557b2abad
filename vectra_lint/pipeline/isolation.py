"""Running work items each in its own process, so that one that kills its process costs only itself.

The pool runs files in chunks; when a worker dies (libcst's native parser can segfault, the
kernel can kill a worker that runs out of memory), every chunk still in the pool is lost. Those
files are run again here, one process each: the ones that die again are named, the others are
reported as usual.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Died(Generic[Item]):
    """The process working on ``item`` ended without a result."""

    item: Item
    exitcode: int | None

    def describe(self) -> str:
        """How the process ended, for a message."""
        code = self.exitcode
        if code is not None and code < 0:
            try:
                return f"the process analysing it was killed by {signal.Signals(-code).name}"
            except ValueError:
                pass
        return f"the process analysing it ended with exit code {code} and no result"


def child_of(parent: int) -> None:
    """Set up a process started by ``parent`` (a pool worker, or a process of ``run_each``) to
    check files for it.

    It ends when ``parent`` dies, even by SIGKILL: nothing else would ever read its result, and it
    would wait forever. Ctrl-C reaches the whole process group: it stops at once, without a
    traceback, and the run's process says the rest. A run that ignores Ctrl-C (started in the
    background by a script, whose shell has it ignored) keeps its processes through it too."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl to call: a closed pipe is what is left
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the request took effect


_PR_SET_PDEATHSIG = 1


def _child(
    sender: Connection,
    work: Callable[[Item], Result],
    item: Item,
    parent: int,
    inherited: Sequence[Connection] = (),
) -> None:
    child_of(parent)
    for receiver in inherited:
        # The read ends a fork copied: held open here, a result bigger than the pipe would wait
        # forever for a reader that is gone.
        receiver.close()
    try:
        sender.send((True, work(item)))
    except Exception as error:
        sender.send((False, error))
    sender.close()


def forks() -> bool:
    """Whether processes are forked here (they start with everything imported, in milliseconds),
    not spawned (each imports vectra-lint, libcst and the rules again: most of a second)."""
    return "fork" in multiprocessing.get_all_start_methods()


def run_each(items: Sequence[Item], work: Callable[[Item], Result], jobs: int) -> list[Result | Died[Item]]:
    """``work(item)`` for every item, each in a new process, ``jobs`` at a time; in item order.

    An exception in ``work`` reaches the caller (re-raised here), a dead process becomes
    :class:`Died`; ``work`` must be picklable where processes are spawned rather than forked.
    """
    # fork where there is one, as the pool does: children start with everything imported.
    forked = forks()
    context = multiprocessing.get_context("fork") if forked else multiprocessing.get_context("spawn")
    results: dict[int, Result | Died[Item]] = {}
    waiting = list(enumerate(items))
    waiting.reverse()
    running: dict[Connection, tuple[int, Item, BaseProcess]] = {}
    while waiting or running:
        while waiting and len(running) < jobs:
            index, item = waiting.pop()
            receiver, sender = context.Pipe(duplex=False)
            # Only a forked child holds copies of the read ends (a spawned one gets what it is given).
            inherited = [receiver, *running] if forked else []
            arguments = (sender, work, item, os.getpid(), inherited)
            started: BaseProcess = context.Process(target=_child, args=arguments, daemon=True)
            started.start()
            sender.close()  # so that the receiver sees the end when the child dies
            running[receiver] = (index, item, started)
        for ready in wait(list(running)):
            assert isinstance(ready, Connection)
            index, item, process = running.pop(ready)
            try:
                succeeded, value = ready.recv()
            except EOFError:
                process.join()
                results[index] = Died(item, process.exitcode)
                continue
            finally:
                ready.close()
            process.join()
            if not succeeded:
                raise value
            results[index] = value
    return [results[index] for index in range(len(items))]
