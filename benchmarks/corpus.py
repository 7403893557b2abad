"""Real-world corpora for benchmarks and differential checks, downloaded once from PyPI.

The files land in ``.bench-cache/`` (git-ignored) at the repository root; later runs reuse them.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"
DJANGO = ("django", "5.2.19")
R2R = ("r2r", "3.6.6")


def _download(name: str, version: str, kind: str) -> Path:
    target = CACHE / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    existing = [p for p in target.iterdir() if p.name.lower().startswith(f"{name}-{version}".lower())]
    if existing:
        return existing[0]
    binary = ["--no-binary", ":all:"] if kind == "sdist" else ["--only-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *binary, "-d", str(target)]
    subprocess.run([*command, f"{name}=={version}"], check=True)
    return next(p for p in target.iterdir() if p.name.lower().startswith(f"{name}-{version}".lower()))


def django_package() -> Path:
    """The ``django/`` package folder of the Django 5.2.19 sdist (about 159k lines of Python)."""
    folder = CACHE / f"django-{DJANGO[1]}"
    if not folder.exists():
        archive = _download(*DJANGO, kind="sdist")
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE, filter="data") if sys.version_info >= (3, 12) else tar.extractall(CACHE)
    return folder / "django"


def django_project() -> Path:
    """A project folder holding only Django's ``django/`` package (its ``.py`` files) and an empty
    ``[tool.vectra-lint]`` config, built once: what the benchmarks check.

    Checking ``django/`` inside the sdist would make the sdist the project, whose other files
    (``tests/``, ``docs/``: three times as many) a run with a config also reads as project
    context; and a config of this repository's must not apply either.
    """
    project = CACHE / "django-project"
    config = project / "pyproject.toml"
    if not config.exists():
        package = django_package()
        for source in python_files(package):
            target = project / "django" / source.relative_to(package)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
        config.write_text("[tool.vectra-lint]\n", encoding="utf-8")
    return project


def r2r_package() -> Path:
    """The sources of the r2r 3.6.6 wheel."""
    folder = CACHE / f"r2r-{R2R[1]}"
    if not folder.exists():
        archive = _download(*R2R, kind="wheel")
        with zipfile.ZipFile(archive) as wheel:
            wheel.extractall(folder)
    return folder


def python_files(root: Path) -> list[Path]:
    """Every ``.py`` file under ``root``, sorted."""
    return sorted(root.rglob("*.py"))
