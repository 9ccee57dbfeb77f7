"""What the tests share: copies of the project to break on purpose, and small file helpers.

Tests import from here (or get fixtures from conftest.py), never from another test module.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ofsted_dataset import pipeline, stages
from ofsted_dataset.release.publish import PublishResult

PROJECT = Path(__file__).resolve().parent.parent

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


def copy_project(target: Path, with_release: bool = False) -> Path:
    """The inputs a build reads (raw/, mappings/, reference/ with the official extract), optionally with
    the committed releases and the pointers to the current one."""
    for name in ("raw", "mappings", "reference"):
        shutil.copytree(PROJECT / name, target / name)
    if with_release:
        shutil.copytree(PROJECT / "published", target / "published", symlinks=True)
        for pointer in ("datapackage.json", "CHANGELOG.md"):
            shutil.copy(PROJECT / pointer, target / pointer)
    return target


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
