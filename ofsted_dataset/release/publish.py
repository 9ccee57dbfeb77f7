"""Publish releases under published/<version>/: computed versions, immutable folders, atomic moves.

The order of a publish, and why each step is safe to kill:
1. Under an exclusive lock (published/.lock), leftovers of a killed run are removed (`.tmp-*` folders,
   `.*.tmp` pointer files) and the pointers are re-derived from the release folders.
2. The build is written to staged/build/ and compared with the current release; no change, no release.
   Its data files are the release's: only the files that name the version are written again, then the
   changelog and the page, while the database file is built in staged/build-database/ and moved in (a first
   release's from its tables, as their files are written; a later one's from the previous release's file and
   the rows the data files change, once they are written), and the checksums.
3. The release is moved to published/.tmp-<version>/, its zip (which takes the members whose files are
   unchanged, and the unchanged blocks of the large ones, from the current release's zip as they are
   compressed: archive.py) written there while the rest is verified
   (verify.py: checksums, CSV, DuckDB, and that the files hold exactly the tables validated a moment before),
   the zip verified once written, then the folder renamed to published/<version>/
   in one rename: a release folder either does not exist or is complete. Existing folders are never
   rewritten.
4. The pointers are derived from the newest release folder and each replaced atomically, in this order:
   published/LATEST, the top-level datapackage.json, CHANGELOG.md, then the published/current symlink.
   A run killed half-way through this step leaves them pointing at the old or the new release; the
   next run's step 1 finishes the job and says what it did (`PublishResult.repaired`, printed in the
   run summary), and `ofsted-dataset verify` reports the disagreement until then (`pointer_problems`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import signal
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from ofsted_dataset.atomic_files import json_text, write_json_atomically, write_text_atomically
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.json_files import read_json_object
from ofsted_dataset.official.checks import conflicts
from ofsted_dataset.release import diff as release_diff
from ofsted_dataset.release.archive import Ahead, write_archive
from ofsted_dataset.release.consumer_files import write_consumer_files
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE, write_duckdb, write_duckdb_from_tables
from ofsted_dataset.release.files import write_checksums, write_data_files, write_json
from ofsted_dataset.release.page import write_release_page
from ofsted_dataset.release.verify import raise_if_invalid
from schemas.datapackage import package_descriptor
from schemas.dictionary import render_dictionary

# The blocks of the large members of the last zip written (archive.py), for the next publish to take.
ZIP_BLOCKS = Path("staged") / "cache" / "zip-blocks.json"
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
FAILPOINT_ENV = "OFSTED_DATASET_FAILPOINT"  # tests only: SIGKILL the process at the named step
# A first release of more than this many provenance rows writes its changelog once its database file is loaded,
# not while it loads: at 100,000 articles (7.1 million rows) the load (up to 400 MB of DuckDB's memory) beside the
# changelog (which lists every record added, its ids sorted under 128 MB more) took the process to 2,087 MB.
CHANGELOG_BESIDE_DATABASE_ROWS = 1_000_000


@dataclass(frozen=True)
class PublishResult:
    version: str | None  # the release written, or None when nothing changed
    previous: str | None
    path: Path | None
    level: str | None = None
    summary: str = ""
    # What this run found left by a killed one and finished first (recover's account); a repair must
    # be told, or the pointers seem to move by themselves.
    repaired: tuple[str, ...] = ()


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
    remembered = read_json_object(published.parent / CHANGELOG_SECTIONS)
    sections: dict[str, Any] = {}
    for version in reversed(versions(published)):
        changes = published / version / "changes.json"
        identity = list(_identity(changes))
        known = remembered.get(version)
        section = known["section"] if isinstance(known, dict) and known.get("identity") == identity else \
            _changelog_section(version, changes)
        sections[version] = {"identity": identity, "section": section}
        lines += section
    if sections != remembered:
        with suppress(OSError):  # a cache: a project that cannot be written to derives the sections again
            write_text_atomically(published.parent / CHANGELOG_SECTIONS, json.dumps(sections) + "\n")
    return "\n".join(lines)


def _identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a file is replaced or rewritten: its device, inode, size and modification time."""
    stat = path.stat()
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


# Each release's section of CHANGELOG.md is kept in staged/, by version with the `_identity` of the changes.json
# it came from: the pointers are derived from every release, in each publish and each check, and a first
# release's changes.json, listing every record it added, is tens of megabytes at 10,000 articles (0.6 s to read).
# Release folders are never rewritten, and a file that is changed all the same is read again.
CHANGELOG_SECTIONS = Path("staged") / "cache" / "changelog-sections.json"


def _changelog_section(version: str, path: Path) -> list[str]:
    """A release's section of CHANGELOG.md, from its changes.json at `path`."""
    changes = _section_members(path)
    if changes is None:  # not laid out as this code writes it: parsed, keeping only the top-level object
        with path.open(encoding="utf-8") as handle:
            changes = json.load(handle, object_pairs_hook=_top_level_only)
    kind = "initial release" if changes["from"] is None else f"{changes['level']} release"
    return [f"## {version} ({changes['released'][:10]}, {kind})", "", changes["summary"], ""]


_SECTION_MEMBERS = ("from", "level", "released", "summary")
_TOP_LEVEL_MEMBER = b'\n  "'  # a line that starts a member of the top-level object, in the layout of json_chunks
_BLOCK_BYTES = 1 << 22


def _section_members(path: Path) -> dict[str, Any] | None:
    """The top-level members the changelog needs, found without parsing the lists changes.json holds (a first
    release's lists every record it added: 0.8 GB at 100,000 articles, which parsed took 9 s and as much memory).
    The file is read a block at a time for the lines that start a top-level member: written with indent=2
    (atomic_files.json_chunks), those and only those start with exactly two spaces and a quote, and a string
    never holds a raw line break. None when a member needed is not found so, one value to a line."""
    found: dict[str, Any] = {}
    rest = b""
    with path.open("rb") as handle:
        for read in iter(lambda: handle.read(_BLOCK_BYTES), b""):
            # Whole lines: the last line break and what follows it (a line cut at the block's end) start the next.
            data = rest + read
            cut = data.rfind(b"\n")
            block, rest = (data[:cut + 1], data[cut:]) if cut >= 0 else (b"", data)
            at = block.find(_TOP_LEVEL_MEMBER)
            while at >= 0:
                end = block.find(b"\n", at + 1)
                key, _, value = block[at + 4:end].partition(b'": ')
                name = key.decode("utf-8", "replace")
                if name in _SECTION_MEMBERS:
                    try:
                        found[name] = json.loads(value.removesuffix(b","))
                    except ValueError:
                        return None
                at = block.find(_TOP_LEVEL_MEMBER, end)
    return found if len(found) == len(_SECTION_MEMBERS) else None


def _top_level_only(pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """changes.json's own object (the only one naming the release it describes and when it was released),
    and None for every object inside it: the changelog needs four of its values, while a first release's
    file lists every record it added, which parsed whole would hold hundreds of megabytes at 10,000 articles."""
    keys = {key for key, _ in pairs}
    return dict(pairs) if {"to", "released"} <= keys else None


def _top_level_descriptor(published: Path, version: str) -> dict[str, Any]:
    """The current release's own descriptor, with paths made relative to the project root."""
    descriptor = json.loads((published / version / "datapackage.json").read_text(encoding="utf-8"))
    prefix = f"published/{version}/"
    for resource in descriptor["resources"]:
        resource["path"] = prefix + resource["path"]
        resource["parquet"]["path"] = prefix + resource["parquet"]["path"]
    return descriptor


def _top_level_descriptor_text(published: Path, version: str) -> str:
    """The top-level datapackage.json, as the release `version` makes it."""
    return _descriptor_text(published, version, _identity(published / version / "datapackage.json"))


@lru_cache(maxsize=16)
def _descriptor_text(published: Path, version: str, identity: tuple[int, int, int, int]) -> str:
    """`_top_level_descriptor` as text, kept for the process while the release's datapackage.json has this
    `identity`."""
    return json_text(_top_level_descriptor(published, version))


@dataclass(frozen=True)
class Pointer:
    """One pointer at the newest release, as the release folders make it."""

    path: Path
    wanted: str  # the file's whole text, or the symlink's target
    names: Callable[[str], str | None]  # the version a content of this pointer names, if any
    symlink: bool = False

    def held(self) -> str | None:
        """What the pointer holds now; None when it is missing or not the kind of entry it should be."""
        if self.symlink:
            return os.readlink(self.path) if self.path.is_symlink() else None
        if self.path.is_symlink() or not self.path.is_file():
            return None
        return self.path.read_text(encoding="utf-8", errors="replace")


def _descriptor_version(text: str) -> str | None:
    try:
        version = json.loads(text).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def _changelog_version(text: str) -> str | None:
    newest = re.search(r"^## (\S+) ", text, re.MULTILINE)
    return newest.group(1) if newest else None


def wanted_pointers(root: Path) -> list[Pointer]:
    """The pointers as the newest release folder makes them, in the order a publish replaces them.

    The one derivation behind both `sync_pointers` (which writes them) and `pointer_problems` (which
    checks them), so that verify can never accept what a publish would rewrite. `current` comes last:
    it is what readers follow, so it moves only once the files describing the release are in place.
    """
    published = root / "published"
    version = current_version(published)
    if version is None:
        return []
    return [
        Pointer(published / "LATEST", version + "\n", lambda text: text.strip() or None),
        Pointer(root / "datapackage.json", _top_level_descriptor_text(published, version), _descriptor_version),
        Pointer(root / "CHANGELOG.md", _changelog(published), _changelog_version),
        Pointer(published / "current", version, lambda target: target, symlink=True),
    ]


def _name(root: Path, pointer: Pointer) -> str:
    return pointer.path.relative_to(root).as_posix()


def sync_pointers(root: Path) -> list[str]:
    """Make LATEST, datapackage.json, CHANGELOG.md and current describe the newest release folder;
    returns what it rewrote ("published/current -> 1.2.0"), for a repair to be reported.

    Each pointer is only replaced when it differs, so a run with nothing new changes nothing.
    """
    version = current_version(root / "published")
    changed = []
    for pointer in wanted_pointers(root):
        if pointer.held() == pointer.wanted:
            continue
        if pointer.symlink:
            _point(pointer.path, pointer.wanted)
        else:
            write_text_atomically(pointer.path, pointer.wanted)
        _failpoint(f"pointer:{pointer.path.name}")
        changed.append(f"{_name(root, pointer)} -> {version}")
    return changed


def pointer_problems(root: Path) -> list[str]:
    """Each pointer that disagrees with the newest release folder, one line each; empty when they agree.

    A publish killed between pointer updates leaves them so until the next run, and the release folder
    alone would verify as fine: readers following `current` or LATEST would get another release than
    the datapackage.json beside them describes.
    """
    version = current_version(root / "published")
    problems = []
    for pointer in wanted_pointers(root):
        held = pointer.held()
        if held == pointer.wanted:
            continue
        name = _name(root, pointer)
        named = None if held is None else pointer.names(held)
        if named == version:
            problems.append(f"{name} -> {version}, but differs from what published/{version} gives; "
                            "run the build to rewrite it")
            continue
        if held is None:
            kind = "symlink" if pointer.symlink else "file"
            found = f"{name} is not a {kind}" if pointer.path.exists() else f"{name} is missing"
        else:
            found = f"{name} -> {named or 'no version'}"
        problems.append(f"{found}, but the newest release is {version}; "
                        "run the build to finish the interrupted publish")
    return problems


def recover(root: Path) -> list[str]:
    """Remove what a killed run left behind and re-derive the pointers; returns what it did, each thing
    as the run summary prints it ("removed published/.tmp-1.2.0", "published/current -> 1.2.0")."""
    published = root / "published"
    removed = []
    for leftover in sorted([*published.glob(".tmp-*"), *published.glob(".*.tmp"), *root.glob(".*.tmp")]):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
        removed.append(f"removed {leftover.relative_to(root).as_posix()}")
    return removed + sync_pointers(root)


def write_release(directory: Path, tables: dict[str, pa.Table], version: str, created: str, root: Path,
                  previous: Path | None = None) -> dict[str, dict[str, Any]]:
    """The reproducible files of a release: data, datapackage.json, the data dictionary, and the files that
    let the release stand alone (README, coverage, citation, licences, and the reference files of the
    project at `root` that the build read). The data files of tables the `previous` release holds as they are
    are copied from it (files.write_data_files)."""
    files = write_data_files(tables, directory, previous)
    describe_release(directory, tables["sources"], version, created, root, files)
    return files


def describe_release(directory: Path, sources: pa.Table, version: str, created: str, root: Path,
                     files: dict[str, dict[str, Any]]) -> None:
    """The reproducible files of a release beside its data `files` (as write_data_files returns them) and
    table `sources`: the ones that name the version. A publish writes the data once and these twice, first as
    the scratch release it compares, then as the version that comparison gives."""
    # Replaced in one step: a publish builds the database file meanwhile, which reads the tables it describes.
    write_json_atomically(directory / "datapackage.json", package_descriptor(version, created, sources, files))
    (directory / "data-dictionary.md").write_text(render_dictionary(), encoding="utf-8")
    write_consumer_files(directory, root)


def publish(tables: dict[str, pa.Table], root: Path, texts: Mapping[str, str] | None = None,
            now: dt.datetime | None = None, reuse: bool = False) -> PublishResult:
    """Publish `tables` as the next release unless they equal the current one. With `reuse` (the current
    release's files were written by this very code), the data files of the tables it holds as they are
    are copied from it, and verified as that release's (see verify_release's `verified`).

    What recover finishes first is reported as `repaired`, even when this run is then refused (as a
    detail of the error); the pointer updates of this run's own release are the publish, not a repair.
    """
    with publish_lock(root / "published"):
        repaired = tuple(recover(root))
        try:
            result = _publish_unlocked(tables, root, texts, now, reuse)
        except PipelineError as exc:
            if repaired:
                exc.details.append("before that, this run finished an interrupted publish: " + "; ".join(repaired))
            raise
        return dataclasses.replace(result, repaired=repaired)


def _current_release(published: Path) -> tuple[str | None, Path | None]:
    """The current release's version and folder, or None and None before the first release."""
    version = current_version(published)
    return version, published / version if version else None


def _write_staged(tables: dict[str, pa.Table], root: Path, staged: Path, created: str,
                  reused: Path | None) -> dict[str, dict[str, Any]]:
    """The tables written as a release in `staged` (scratch, emptied first): what a publish and a preview both
    compare with the current release. The data files of tables the release `reused` holds as they are are
    copied from it."""
    if staged.exists():
        shutil.rmtree(staged)
    files = write_release(staged, tables, "0.0.0", created, root, reused)
    _failpoint("staged")
    return files


def _changes_markdown(changes: release_diff.ReleaseDiff, contradicted: list[str]) -> str:
    """A release's CHANGES.md: what changed, then the news values the official record contradicts."""
    markdown = release_diff.render_markdown(changes)
    if contradicted:
        markdown += ("\n## Conflicts with Ofsted's official record\n\nNews values the official statistics "
                     "contradict (table official_checks, docs/official-checks.md):\n\n"
                     + "".join(f"- {c}\n" for c in contradicted))
    return markdown


def preview(tables: dict[str, pa.Table], root: Path) -> str:
    """The changelog the next release would carry, computed exactly as a publish computes it, in
    staged/check/ (scratch); nothing in published/ is read for writing, and nothing is recorded."""
    scratch = root / "staged" / "check"
    previous, last = _current_release(root / "published")
    _write_staged(tables, root, scratch, "1970-01-01T00:00:00Z", last)  # only diffed
    try:  # removed once the changelog is written: the records a table adds are read from its files then
        changes = release_diff.compare(last, scratch, root)
        if previous and changes.level is None:
            return f"No changes: release {previous} is current; a build would publish nothing."
        changes.new = next_version(previous, changes.level or "minor")
        contradicted = conflicts(tables["official_checks"]) if "official_checks" in tables else []
        return (f"A build would publish release {changes.new} ({changes.level or 'first release'}"
                f"{f', previous {previous}' if previous else ''}):\n\n{_changes_markdown(changes, contradicted)}")
    finally:
        shutil.rmtree(scratch)


def _publish_unlocked(tables: dict[str, pa.Table], root: Path, texts: Mapping[str, str] | None,
                      now: dt.datetime | None, reuse: bool) -> PublishResult:
    """The publish proper, for a caller holding the lock over a recovered project."""
    published, staged = root / "published", root / "staged" / "build"
    created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    previous, last = _current_release(published)
    with ExitStack() as stack:
        # The first release's file is loaded from the tables while their files are written; a later one's is the
        # previous release's, copied meanwhile, with the rows its data files change once they are written.
        written: Future[None] = Future()
        build = (partial(write_duckdb_from_tables, tables) if last is None
                 else partial(write_duckdb, staged, previous=last, written=written))
        database = stack.enter_context(_database_beside(staged, build))
        try:
            files = _write_staged(tables, root, staged, created, last if reuse else None)
        except BaseException as exc:
            written.set_exception(exc)
            raise
        written.set_result(None)
        changes = release_diff.compare(last, staged, root)
        if previous and changes.level is None:
            return PublishResult(None, previous, published / previous)
        version = next_version(previous, changes.level or "minor")
        if (published / version).exists():
            raise PipelineError(f"published/{version} already exists and releases are never rewritten")
        changes.new = version
        describe_release(staged, tables["sources"], version, created, root, files)
        if last is None and tables["provenance"].num_rows > CHANGELOG_BESIDE_DATABASE_ROWS:
            database.result()
        summary = _write_changelog(staged, tables, changes, created)
        level = changes.level
        # A release that changes many records lists each: let go before the archive and the verification.
        del changes
        write_release_page(staged)
        # A first release has no previous zip to take members from: its files' blocks are compressed for the zip
        # on this core until the database file is done.
        ahead = (Ahead.compressed((p for p in staged.rglob("*") if p.is_file()), until=database.done)
                 if last is None else None)
    write_checksums(staged, files)

    tmp = published / f".tmp-{version}"
    _move(staged, tmp)
    _failpoint("moved")
    # The zip is written while the rest of the release is verified (a change's zip mostly takes the previous
    # one's members, on one core); its own check waits for it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        archive = pool.submit(write_archive, tmp, version, last, root / ZIP_BLOCKS, ahead)  # takes every block
        raise_if_invalid(tmp, texts, expected=tables, verified=last if reuse else None, archive=archive)
    _failpoint("verified")
    os.rename(tmp, published / version)
    _failpoint("renamed")
    sync_pointers(root)  # what it rewrites here is this release's publish, not a repair: not reported
    return PublishResult(version, previous, published / version, level, summary)


def _move(staged: Path, target: Path) -> None:
    """The staged build moved beside the releases in one rename: nothing reads it in staged/ again, and copying
    it (hundreds of megabytes at 10,000 articles) took a third of a second. Copied when staged/ and published/
    are on different file systems."""
    try:
        os.rename(staged, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(staged, target)
        shutil.rmtree(staged)


def _write_changelog(staged: Path, tables: dict[str, pa.Table], changes: release_diff.ReleaseDiff,
                     created: str) -> str:
    """CHANGES.md and changes.json of the release in `staged`; returns the release's summary."""
    contradicted = conflicts(tables["official_checks"]) if "official_checks" in tables else []
    summary = release_diff.summary(changes) + (
        f" {len(contradicted)} news value(s) conflict with Ofsted's official record (see CHANGES.md)."
        if contradicted else "")
    # changes.json first: the records a table adds all are read from its file for it, and CHANGES.md lists the
    # first of them again (diff.AllRecords keeps them).
    write_json(staged / "changes.json", {**changes.to_json(), "released": created, "summary": summary,
                                         "official_conflicts": contradicted})
    (staged / "CHANGES.md").write_text(_changes_markdown(changes, contradicted), encoding="utf-8")
    return summary


@contextmanager
def _database_beside(staged: Path, build: Callable[[Path], None]) -> Iterator[Future[None]]:
    """The database file of the release in `staged`, built (`build` writes it at the path it is given) in a
    thread of its own while the block runs, and moved in when it ends.

    It is the slowest file of a release (seconds at 10,000 articles, on one core: DuckDB works without the
    GIL), and needs only the tables: so it is built while this thread writes the data files (a first release,
    write_duckdb_from_tables) or once they are written (a later one, from the previous release's file and
    the rows that change, write_duckdb), and meanwhile compares the release with the previous one and writes
    the changelog and the page. It is built in a folder beside the release: the page lists the release's
    files, and must not see that one (or its write-ahead log) half-written. When the block raises, it is
    waited for and left there (the next publish empties that folder first)."""
    beside = staged.with_name(f"{staged.name}-database")
    if beside.exists():
        shutil.rmtree(beside)
    beside.mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        database = pool.submit(build, beside / DUCKDB_FILE)
        yield database
        database.result()
    os.replace(beside / DUCKDB_FILE, staged / DUCKDB_FILE)
    beside.rmdir()
