"""What the tests share: copies of the project to break on purpose, and small file helpers.

Tests import from here (or get fixtures from conftest.py), never from another test module.

Every build a test makes is of the seed corpus the tests own, tests/fixtures/seed_corpus/ (the five seed
articles, their mappings and the reference data, frozen as they were when the tests were written), never
of the project's live raw/ and mappings/, which grow as curators add articles. A test that needs releases
gets them built from that corpus by the real pipeline (`seed_release`), never the committed ones in
published/. The live corpus is only checked for what holds of any valid corpus
(tests/integration/test_live_corpus.py).
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ofsted_dataset import pipeline, stages
from ofsted_dataset.release.publish import PublishResult

PROJECT = Path(__file__).resolve().parent.parent
SEED_CORPUS = Path(__file__).resolve().parent / "fixtures" / "seed_corpus"
# The inputs a build reads: articles, mappings, and the reference data with the official extract.
INPUTS = ("raw", "mappings", "reference")
# Left out of a copy of a project with releases, as a checkout has none of them (they are git-ignored):
# a build's scratch output and cache, Prefect's state and a killed publish's leftovers. (The empty
# published/.lock stays: a project that has published holds it, and a run never removes it.)
_NOT_IN_A_CHECKOUT = shutil.ignore_patterns("staged", ".prefect", ".tmp-*")

NEW_ARTICLE = "Council praised\n\nOfsted has rated Leeds children's services outstanding.\n"
NEW_MAPPING = """source:
  file: 005_leeds.txt
  sha256: {sha}
  title: Council praised
inspections:
  - inspection_id: leeds-2022-full-inspection
    local_authority: Leeds
    inspection_type: full_inspection
    overall_grade: outstanding
    evidence:
      local_authority: "Ofsted has rated Leeds children's services outstanding"
      inspection_type: "Ofsted has rated Leeds children's services outstanding"
      overall_grade: "rated Leeds children's services outstanding"
"""


def copy_inputs(source: Path, target: Path) -> Path:
    """The inputs of the project at `source` (raw/, mappings/, reference/), copied to `target`."""
    for name in INPUTS:
        shutil.copytree(source / name, target / name)
    return target


def copy_released(source: Path, target: Path) -> Path:
    """A project with releases (its inputs, published/ and the pointers datapackage.json and CHANGELOG.md)
    copied as a checkout holds it: the published/current symlink stays a symlink, staged/ is left out."""
    shutil.copytree(source, target, symlinks=True, ignore=_NOT_IN_A_CHECKOUT)
    return target


def copy_project(target: Path, with_release: bool = False) -> Path:
    """The seed corpus's inputs (raw/, mappings/, reference/ with the official extract), optionally with
    release 1.0.0 built from them (`seed_release`) and the pointers to it."""
    if with_release:
        return copy_released(seed_release(), target)
    return copy_inputs(SEED_CORPUS, target)


class _SeedRelease:
    """The seed corpus published once per process, on first use, in a folder the session chooses."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.folder: Callable[[], Path] | None = None


_SEED_RELEASE = _SeedRelease()


def build_seed_release_in(folder: Callable[[], Path]) -> None:
    """Where `seed_release` builds when first asked (conftest.py: a folder of the test session's own)."""
    _SEED_RELEASE.folder = folder


def _temporary_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ofsted-seed-release-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def seed_release() -> Path:
    """A project holding release 1.0.0, made from a copy of the seed corpus by the real pipeline (plain
    stages), once per test session. Read it, never change it: copy it first (`copy_project(...,
    with_release=True)`, `copy_released`)."""
    if _SEED_RELEASE.root is None:
        folder = _SEED_RELEASE.folder() if _SEED_RELEASE.folder else _temporary_folder()
        root = copy_inputs(SEED_CORPUS, folder / "project")
        result = publish(root)
        assert (result.version, result.repaired) == ("1.0.0", ())  # a first release's pointers are no repair
        _SEED_RELEASE.root = root
    return _SEED_RELEASE.root


def publish(root: Path) -> PublishResult:
    """The whole build, plain stages (no Prefect start-up cost): the release it made or confirmed.
    It always builds: the record of the last build is dropped first, so a test that changes the code's
    behaviour (a monkeypatched schema) is not answered with "nothing changed"."""
    (root / stages.LAST_BUILD).unlink(missing_ok=True)
    summary = pipeline.run(root).summary
    assert summary is not None and summary.release is not None
    return summary.release


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def add_article(root: Path) -> None:
    """A sixth article with its mapping: one new inspection (Leeds, outstanding)."""
    raw = root / "raw" / "005_leeds.txt"
    raw.write_text(NEW_ARTICLE, encoding="utf-8")
    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    (root / "mappings" / "005_leeds.yaml").write_text(NEW_MAPPING.format(sha=sha), encoding="utf-8")


def tree_digest(folder: Path) -> dict[str, str]:
    """Every regular file under `folder` with its sha256: equal digests, equal trees."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}
