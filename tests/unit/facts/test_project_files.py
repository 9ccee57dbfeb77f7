"""Only the project's own regular files are read from raw/ and mappings/, and never past the size limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts.ingest import MAX_ARTICLE_BYTES, read_articles
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.facts.project_files import NotReadable, list_entries, read_bounded

ARTICLE = "Ofsted rated the council's children's services as good.\n"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "001_good.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def test_a_symlink_to_a_file_outside_the_project_is_refused_by_name_and_not_read(raw, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (raw / "zz.txt").symlink_to(secret)
    articles, problems = read_articles(raw)
    assert list(articles) == ["001_good"]
    assert problems == [Problem("raw/zz.txt", None, "", f"is a symbolic link (to {secret}), not a file: the build "
                                                        "reads only the project's own files; put the file itself here")]


def test_a_symlink_to_a_file_inside_raw_is_refused_too(raw):
    (raw / "002_copy.txt").symlink_to("001_good.txt")
    articles, problems = read_articles(raw)
    assert list(articles) == ["001_good"]
    assert [str(p) for p in problems] == [
        "raw/002_copy.txt: is a symbolic link (to 001_good.txt), not a file: the build reads only the project's "
        "own files; put the file itself here"]


def test_a_symlink_to_dev_zero_is_refused_without_reading(raw):
    (raw / "zero.txt").symlink_to("/dev/zero")
    articles, problems = read_articles(raw)
    assert list(articles) == ["001_good"]
    assert [p.file for p in problems] == ["raw/zero.txt"]


def test_a_device_is_read_no_further_than_the_limit(tmp_path):
    """The bound is on the bytes read: /dev/zero reports a size of 0 and never ends."""
    with pytest.raises(NotReadable) as raised:
        read_bounded(Path("/dev/zero"), MAX_ARTICLE_BYTES)
    assert str(raised.value) == "is a character device, not a file: only files belong here"


def test_a_file_that_grows_past_its_reported_size_is_cut_at_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 101)
    with pytest.raises(NotReadable) as raised:
        read_bounded(big, 100)
    assert str(raised.value) == ("too large (more than 0 MB read; the limit is 0 MB): an article is a few KB, is this "
                                 "the right file?")
    assert read_bounded(big, 101) == b"a" * 101


def test_a_file_that_grows_after_its_size_is_read_is_read_whole_up_to_the_limit(tmp_path, monkeypatch):
    grown = tmp_path / "grown.txt"
    grown.write_bytes(b"a" * 50)
    fstat = os.fstat

    def stale(descriptor):  # the size as it was before the file grew to 150 bytes
        status = fstat(descriptor)
        return os.stat_result((*status[:6], 10, *status[7:]))

    monkeypatch.setattr(os, "fstat", stale)
    assert read_bounded(grown, 100) == b"a" * 50
    grown.write_bytes(b"a" * 150)
    with pytest.raises(NotReadable, match="too large"):
        read_bounded(grown, 100)
    assert read_bounded(grown, 150) == b"a" * 150


def test_folders_and_pipes_in_raw_are_refused_whatever_their_name(raw):
    (raw / "old.txt").mkdir()
    (raw / "notes").mkdir()
    os.mkfifo(raw / "pipe.txt")
    articles, problems = read_articles(raw)
    assert list(articles) == ["001_good"]
    assert [str(p) for p in problems] == [
        "raw/notes: is a folder, not a file: only files belong here",
        "raw/old.txt: is a folder, not a file: only files belong here",
        "raw/pipe.txt: is a named pipe, not a file: only files belong here",
    ]


def test_raw_itself_a_link_is_refused(tmp_path, raw):
    project = tmp_path / "project"
    project.mkdir()
    (project / "raw").symlink_to(raw)
    articles, problems = read_articles(project / "raw")
    assert articles == {}
    assert [str(p) for p in problems] == [
        f"raw/: is a symbolic link (to {raw}): raw/ must be a folder of the project, not a link to one elsewhere"]


def test_a_symlinked_mapping_is_refused_by_name(tmp_path):
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "001_good.yaml").symlink_to("/etc/hostname")
    found, problems = load_mappings(mappings)
    assert found == []
    assert [str(p) for p in problems] == [
        "mappings/001_good.yaml: is a symbolic link (to /etc/hostname), not a file: the build reads only the "
        "project's own files; put the file itself here"]


def test_other_regular_files_are_listed_only_when_they_have_the_suffix(raw):
    (raw / "README.md").write_text("notes", encoding="utf-8")
    assert list_entries(raw, "raw", ".txt") == ([raw / "001_good.txt"], [])
