"""VL203 blocking-subprocess."""

from __future__ import annotations

from dataclasses import dataclass

from vectra_lint.analysis.rule_bases import BlockingCallRule, CallMessage
from vectra_lint.api import Expect, Invalid, Valid


@dataclass(frozen=True)
class BlockingSubprocessCall(CallMessage):
    """The message of one reported call."""

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` runs a process synchronously inside `async def`; use `asyncio.create_subprocess_exec`"


class BlockingSubprocess(BlockingCallRule):
    """
    ## What it does
    Flags a process started or waited for synchronously, directly inside an `async def`:
    `subprocess.run/call/check_call/check_output/Popen/getoutput/getstatusoutput`, `os.system`,
    `os.popen`, `os.spawn*`, `os.posix_spawn*` and `os.wait*`. Callees are matched by resolved
    import (`from subprocess import run as sh` counts; a local variable named `subprocess` does
    not). A sync `def` or `lambda` nested in the coroutine is not flagged.

    ## Why is this bad?
    §3: the event loop stops until the child process ends (or, for `Popen`, until it has been
    forked and its pipes set up), stalling every other request. Use
    `asyncio.create_subprocess_exec(...)` / `create_subprocess_shell(...)` and `await` the process.
    """

    code = "VL203"
    name = "blocking-subprocess"
    message = "Synchronous process call inside `async def`; use `asyncio.create_subprocess_exec`"
    call_message = BlockingSubprocessCall
    valid = (
        Valid(
            "import asyncio\n\n\nasync def convert(path: str) -> int:\n"
            '    process = await asyncio.create_subprocess_exec("pdftotext", path)\n'
            "    return await process.wait()\n"
        ),
        Valid('import subprocess\n\n\ndef convert(path: str) -> None:\n    subprocess.run(["pdftotext", path])\n'),
        Valid("async def convert(os: object) -> None:\n    os.system('ls')\n"),
    )
    invalid = (
        Invalid(
            "import subprocess\n\n\nasync def convert(path: str) -> None:\n"
            '    subprocess.run(["pdftotext", path], check=True)\n',
            expected=(Expect(5, 5, BlockingSubprocessCall("subprocess.run")),),
        ),
        Invalid(
            "from subprocess import check_output as sh\n\n\nasync def version() -> bytes:\n"
            '    return sh(["git", "describe"])\n',
            expected=(Expect(5, 12, BlockingSubprocessCall("sh")),),
        ),
        Invalid(
            "import os\n\n\nasync def cleanup(pid: int) -> None:\n"
            '    os.system("rm -rf /tmp/work")\n    os.waitpid(pid, 0)\n',
            expected=(
                Expect(5, 5, BlockingSubprocessCall("os.system")),
                Expect(6, 5, BlockingSubprocessCall("os.waitpid")),
            ),
        ),
        Invalid(
            'import subprocess as sp\n\n\nasync def start() -> None:\n    sp.Popen(["worker"])\n',
            expected=(Expect(5, 5, BlockingSubprocessCall("sp.Popen")),),
        ),
    )
