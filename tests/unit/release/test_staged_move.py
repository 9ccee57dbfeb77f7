"""The staged build is moved beside the releases: renamed, or copied across file systems."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from ofsted_dataset.release import publish


def _staged(root: Path) -> Path:
    staged = root / "staged" / "build"
    (staged / "data").mkdir(parents=True)
    (staged / "data" / "sources.csv").write_text("source_id\n", encoding="utf-8")
    (root / "published").mkdir()
    return staged


def test_the_staged_build_is_renamed_beside_the_releases(tmp_path: Path) -> None:
    staged = _staged(tmp_path)
    inode = (staged / "data" / "sources.csv").stat().st_ino
    publish._move(staged, tmp_path / "published" / ".tmp-1.0.0")
    assert not staged.exists()
    assert (tmp_path / "published" / ".tmp-1.0.0" / "data" / "sources.csv").stat().st_ino == inode


def test_across_file_systems_it_is_copied_then_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = _staged(tmp_path)

    def other_device(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(publish.os, "rename", other_device)
    publish._move(staged, tmp_path / "published" / ".tmp-1.0.0")
    assert not staged.exists()
    assert (tmp_path / "published" / ".tmp-1.0.0" / "data" / "sources.csv").read_text(encoding="utf-8") == "source_id\n"


def test_any_other_failure_to_move_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = _staged(tmp_path)

    def denied(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(publish.os, "rename", denied)
    with pytest.raises(PermissionError):
        publish._move(staged, tmp_path / "published" / ".tmp-1.0.0")
    assert staged.exists()
