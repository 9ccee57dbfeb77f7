"""Publish releases under published/<version>/: computed versions, immutable folders, atomic moves.

The order of a publish, and why each step is safe to kill:
1. Under an exclusive lock (published/.lock), leftovers of a killed run are removed (`.tmp-*` folders,
   `.*.tmp` pointer files) and the pointers are re-derived from the release folders.
2. The build is written to staged/build/ and compared with the current release; no change, no release.
3. The release is written to published/.tmp-<version>/, verified (verify.py: checksums, archive, CSV,
   DuckDB, and that the files hold exactly the tables validated a moment before), then renamed to
   published/<version>/
   in one rename: a release folder either does not exist or is complete. Existing folders are never
   rewritten.
4. The pointers are derived from the newest release folder and each replaced atomically:
   published/LATEST, the published/current symlink, the top-level datapackage.json and CHANGELOG.md.
   A run killed half-way through this step leaves them pointing at the old or the new release; the
   next run's step 1 finishes the job.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.official.checks import conflicts
from ofsted_dataset.release import diff as release_diff
from ofsted_dataset.release.files import (
    write_archive,
    write_checksums,
    write_data_files,
    write_duckdb,
    write_json,
)
from ofsted_dataset.release.page import write_release_page
from ofsted_dataset.release.verify import raise_if_invalid
from schemas.datapackage import package_descriptor
from schemas.dictionary import render_dictionary

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
FAILPOINT_ENV = "OFSTED_DATASET_FAILPOINT"  # tests only: SIGKILL the process at the named step


@dataclass(frozen=True)
class PublishResult:
    version: str | None  # the release written, or None when nothing changed
    previous: str | None
    path: Path | None
    level: str | None = None
    summary: str = ""


def _failpoint(name: str) -> None:
    """Let the fault-injection tests kill a publish at a precise step, as a crash or kill -9 would."""
    if os.environ.get(FAILPOINT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def versions(published: Path) -> list[str]:
    """Release folders in version order (oldest first)."""
    if not published.is_dir():
        return []
    found = [p.name for p in published.iterdir() if p.is_dir() and _VERSION.match(p.name)]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def current_version(published: Path) -> str | None:
    found = versions(published)
    return found[-1] if found else None


def next_version(previous: str | None, level: str) -> str:
    if previous is None:
        return "1.0.0"
    major, minor, patch = (int(x) for x in previous.split("."))
    bumped = {"major": (major + 1, 0, 0), "minor": (major, minor + 1, 0), "patch": (major, minor, patch + 1)}[level]
    return ".".join(str(x) for x in bumped)


@contextmanager
def publish_lock(published: Path) -> Iterator[None]:
    """One publishing run at a time per project; a second run refuses at once with a clear message."""
    published.mkdir(parents=True, exist_ok=True)
    with (published / ".lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PipelineError(
                "another build is publishing in this project (published/.lock is held); "
                "nothing was done: run again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _point(current: Path, version: str) -> None:
    """Replace the `current` symlink in one rename: a reader follows the old target or the new one."""
    tmp = current.with_name(f".{current.name}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(version, target_is_directory=True)
    os.replace(tmp, current)


def _changelog(published: Path) -> str:
    lines = ["# Changelog", "",
             "Newest first. Each release's full changelog (every record added, removed or changed, with old and "
             "new values) is `published/<version>/CHANGES.md`, and `changes.json` for programs.", ""]
    for version in reversed(versions(published)):
        changes = json.loads((published / version / "changes.json").read_text(encoding="utf-8"))
        kind = "initial release" if changes["from"] is None else f"{changes['level']} release"
        lines += [f"## {version} ({changes['released'][:10]}, {kind})", "",
                  changes["summary"], ""]
    return "\n".join(lines)


def _top_level_descriptor(published: Path, version: str) -> dict[str, Any]:
    """The current release's own descriptor, with paths made relative to the project root."""
    descriptor = json.loads((published / version / "datapackage.json").read_text(encoding="utf-8"))
    prefix = f"published/{version}/"
    for resource in descriptor["resources"]:
        resource["path"] = prefix + resource["path"]
        resource["parquet"]["path"] = prefix + resource["parquet"]["path"]
    return descriptor


def sync_pointers(root: Path) -> None:
    """Make LATEST, current, datapackage.json and CHANGELOG.md describe the newest release folder.

    Each file is only replaced when its content differs, so a run with nothing new changes nothing.
    """
    published = root / "published"
    version = current_version(published)
    if version is None:
        return
    wanted_text = {
        published / "LATEST": version + "\n",
        root / "datapackage.json": json.dumps(_top_level_descriptor(published, version), indent=2,
                                              ensure_ascii=False) + "\n",
        root / "CHANGELOG.md": _changelog(published),
    }
    for path, text in wanted_text.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_text_atomically(path, text)
            _failpoint(f"pointer:{path.name}")
    current = published / "current"
    if not current.is_symlink() or os.readlink(current) != version:
        _point(current, version)


def recover(root: Path) -> list[str]:
    """Remove what a killed run left behind and re-derive the pointers; returns what was cleaned."""
    published = root / "published"
    cleaned = []
    for leftover in sorted([*published.glob(".tmp-*"), *published.glob(".*.tmp"), *root.glob(".*.tmp")]):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
        cleaned.append(leftover.relative_to(root).as_posix())
    sync_pointers(root)
    return cleaned


def write_release(directory: Path, tables: dict[str, pa.Table], sources: list[dict[str, Any]], version: str,
                  created: str) -> dict[str, dict[str, Any]]:
    """The reproducible files of a release: data, datapackage.json and the data dictionary."""
    files = write_data_files(tables, directory)
    write_json(directory / "datapackage.json", package_descriptor(version, created, sources, files))
    (directory / "data-dictionary.md").write_text(render_dictionary(), encoding="utf-8")
    return files


def publish(tables: dict[str, pa.Table], sources: list[dict[str, Any]], root: Path,
            texts: dict[str, str] | None = None, now: dt.datetime | None = None) -> PublishResult:
    """Publish `tables` as the next release unless they equal the current one."""
    published, staged = root / "published", root / "staged" / "build"
    with publish_lock(published):
        recover(root)
        previous = current_version(published)
        if staged.exists():
            shutil.rmtree(staged)
        created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        write_release(staged, tables, sources, "0.0.0", created)
        _failpoint("staged")
        changes = release_diff.compare(published / previous if previous else None, staged, root)
        if previous and changes.level is None:
            return PublishResult(None, previous, published / previous)
        version = next_version(previous, changes.level or "minor")
        if (published / version).exists():
            raise PipelineError(f"published/{version} already exists and releases are never rewritten")
        changes.new = version
        write_release(staged, tables, sources, version, created)
        contradicted = conflicts(tables["official_checks"]) if "official_checks" in tables else []
        summary = release_diff.summary(changes) + (
            f" {len(contradicted)} news value(s) conflict with Ofsted's official record (see CHANGES.md)."
            if contradicted else "")
        markdown = release_diff.render_markdown(changes)
        if contradicted:
            markdown += ("\n## Conflicts with Ofsted's official record\n\nNews values the official statistics "
                         "contradict (table official_checks, docs/official-checks.md):\n\n"
                         + "".join(f"- {c}\n" for c in contradicted))
        (staged / "CHANGES.md").write_text(markdown, encoding="utf-8")
        write_json(staged / "changes.json", {**changes.to_json(), "released": created, "summary": summary,
                                             "official_conflicts": contradicted})
        write_release_page(staged)
        write_duckdb(staged)
        write_checksums(staged)
        write_archive(staged, version)

        tmp = published / f".tmp-{version}"
        shutil.copytree(staged, tmp)
        _failpoint("copied")
        raise_if_invalid(tmp, texts, expected=tables)
        _failpoint("verified")
        os.rename(tmp, published / version)
        _failpoint("renamed")
        sync_pointers(root)
        return PublishResult(version, previous, published / version, changes.level, summary)
