"""VL204 blocking-file-io."""

from __future__ import annotations

from dataclasses import dataclass

from vectra_lint.analysis.rule_bases import BlockingCallRule, CallMessage
from vectra_lint.api import Expect, Invalid, Valid


@dataclass(frozen=True)
class BlockingFileIoCall(CallMessage):
    """The message of one reported call."""

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` is blocking file I/O inside `async def`; offload it with `asyncio.to_thread`"


class BlockingFileIo(BlockingCallRule):
    """
    ## What it does
    Flags synchronous file I/O directly inside an `async def`: the builtin `open()` (and
    `io.open`, `io.open_code`, `codecs.open`), `shutil.copy*`, `shutil.move`, `shutil.rmtree`,
    `zipfile.ZipFile`, `tarfile.open`, `glob.glob`/`iglob`, `os.listdir`/`scandir`/`walk`/`remove`/`makedirs` and the
    other `os` filesystem changes, and the filesystem queries of Ruff's ASYNC240: `os.path.exists`,
    `isfile`, `isdir`, `getsize`, `abspath`, `realpath`... (not `os.path.join` or `normpath`, which
    only work on strings) and the `pathlib.Path` methods that touch the disk (`exists`, `stat`,
    `mkdir`, `iterdir`, `glob`, `unlink`, `rename`, `resolve`, `open`, `read_text`...).
    A `Path` is recognised when the method is called on `Path(...)` itself, or on a name or
    `self.` attribute that was assigned `Path(...)` (or `Path(...) / "x"`, or `root or
    Path("data")`), annotated `Path`, or is a parameter annotated `Path`; and on the result of a
    call of a method of the same class or of a module function annotated `-> Path` (or
    `-> Path | None`), directly (`self._validate(p).exists()`) or through a name it was assigned
    to (`path = self._validate(p)`), or a property annotated `Path`. Types come from
    annotations, never from names. `.read_text()`, `.write_text()`, `.read_bytes()` and
    `.write_bytes()` are flagged on any receiver unless awaited (an async path library's). A local
    function or variable that shadows `open` is not flagged, nor is a sync `def` or `lambda`
    nested in the coroutine.

    ## Why is this bad?
    §3: disk reads and writes block the event loop for as long as the disk takes (much longer on
    network storage or for large files). Offload them with `await asyncio.to_thread(...)`, or use
    an async file library such as `aiofiles` or `anyio`.
    """

    code = "VL204"
    name = "blocking-file-io"
    message = "Blocking file I/O inside `async def`; offload it with `asyncio.to_thread`"
    call_message = BlockingFileIoCall
    valid = (
        Valid(
            "import asyncio\nfrom pathlib import Path\n\n\nasync def load(path: Path) -> str:\n"
            "    return await asyncio.to_thread(path.read_text)\n"
        ),
        Valid("def load(name: str) -> str:\n    with open(name) as handle:\n        return handle.read()\n"),
        Valid(
            "async def load(name: str) -> str:\n    def open(path: str) -> str:\n        return path\n\n"
            "    return open(name)\n"
        ),
        Valid("async def load(store: object) -> str:\n    return await store.read_text()\n"),
        Valid("import os\n\n\nasync def where(name: str) -> str:\n    return os.path.join('/data', name)\n"),
        Valid(
            "import asyncio\nimport glob\n\n\nclass Docs:\n    async def names(self) -> list[str]:\n"
            "        key = self._key('a')\n        key.replace('a', 'b')\n"
            "        return await asyncio.to_thread(glob.glob, '*.md')\n\n"
            "    def _key(self, name: str) -> str:\n        return name\n"
        ),
    )
    invalid = (
        Invalid(
            "import glob\nfrom pathlib import Path\n\n\nclass Docs:\n"
            "    def __init__(self, root: Path | None = None) -> None:\n"
            '        self.root = root or Path("data")\n\n'
            "    async def load(self, name: str) -> list[str]:\n"
            "        path = self._checked(name)\n"
            "        if not path.exists():\n"
            "            self.root.mkdir()\n"
            '        return glob.glob("*.md")\n\n'
            "    def _checked(self, name: str) -> Path:\n        return Path(name)\n",
            expected=(
                Expect(11, 16, BlockingFileIoCall("path.exists")),
                Expect(12, 13, BlockingFileIoCall("self.root.mkdir")),
                Expect(13, 16, BlockingFileIoCall("glob.glob")),
            ),
        ),
        Invalid(
            "async def load(name: str) -> str:\n    with open(name) as handle:\n        return handle.read()\n",
            expected=(Expect(2, 10, BlockingFileIoCall("open")),),
        ),
        Invalid(
            "from pathlib import Path\n\n\nasync def load(folder: Path) -> str:\n"
            '    config = Path("config.toml")\n    data = config.read_text()\n'
            '    (folder / "out.txt").write_text(data)\n    return Path("x").read_bytes().decode()\n',
            expected=(
                Expect(6, 12, BlockingFileIoCall("config.read_text")),
                Expect(7, 5, BlockingFileIoCall('(folder / "out.txt").write_text')),
                Expect(8, 12, BlockingFileIoCall('Path("x").read_bytes')),
            ),
        ),
        Invalid(
            "import pathlib\n\n\nasync def save(target: pathlib.Path, text: str) -> None:\n"
            "    target.write_text(text)\n",
            expected=(Expect(5, 5, BlockingFileIoCall("target.write_text")),),
        ),
        Invalid(
            "import os\nimport zipfile\nfrom pathlib import Path\n\n\nclass Loader:\n"
            "    def __init__(self, root: Path) -> None:\n        self.root = root\n\n"
            "    async def load(self, name: str, store: object) -> str:\n"
            "        if not os.path.exists(name):\n"
            '            (self.root / "cache").mkdir()\n'
            "        with zipfile.ZipFile(name) as archive:\n"
            "            archive.testzip()\n"
            "        return store.read_text()\n",
            expected=(
                Expect(
                    11,
                    16,
                    "`os.path.exists` is blocking file I/O inside `async def`; offload it with `asyncio.to_thread`",
                ),
                Expect(
                    12,
                    13,
                    '`(self.root / "cache").mkdir` is blocking file I/O inside `async def`; offload it '
                    "with `asyncio.to_thread`",
                ),
                Expect(
                    13,
                    14,
                    "`zipfile.ZipFile` is blocking file I/O inside `async def`; offload it with `asyncio.to_thread`",
                ),
                Expect(
                    15,
                    16,
                    "`store.read_text` is blocking file I/O inside `async def`; offload it with `asyncio.to_thread`",
                ),
            ),
        ),
        Invalid(
            'import shutil\n\n\nasync def purge() -> None:\n    shutil.rmtree("/tmp/work")\n',
            expected=(Expect(5, 5, BlockingFileIoCall("shutil.rmtree")),),
        ),
    )
