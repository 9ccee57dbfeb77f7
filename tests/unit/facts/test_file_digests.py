"""A run reads and hashes only the articles and mappings that changed since the last run remembered them;
the digests it recalls are the ones reading the files gives."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time

import pytest

from ofsted_dataset import stages
from ofsted_dataset.facts import file_digests, ingest
from ofsted_dataset.facts.file_digests import DIGESTS_FILE

A000 = "000_09d284dea3b9a717"
A003 = "003_6e4606619b08db71"


@pytest.fixture
def trusting(monkeypatch):
    """Files written by the test a moment ago are remembered (in use, a file is trusted 2 s after its write)."""
    monkeypatch.setattr(file_digests, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The source ids of the raw files ingest reads to hash them, in order."""
    read: list[str] = []
    real = ingest._refusal

    def counted(raw):
        read.append(raw.name[:-4])
        return real(raw)

    monkeypatch.setattr(ingest, "_refusal", counted)
    return read


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_run_reads_no_unchanged_article_and_finds_the_same_digests(project, trusting, reads):
    first = stages.ingest(project)
    assert len(reads) == 5
    assert first.articles.held == {}  # hashed, not kept
    reads.clear()
    second = stages.ingest(project)
    assert reads == []
    assert second.articles.known == first.articles.known
    assert second.mapping_digests() == first.mapping_digests()
    assert stages.input_fingerprint(project, second) == stages.input_fingerprint(project, first)
    assert second.texts[A003] == (project / "raw" / f"{A003}.txt").read_text(encoding="utf-8")  # read on demand
    assert second.articles.held == {}  # and not kept: validation reads each article once
    assert second.articles[A003].text == second.texts[A003]  # quote matching keeps what it reads
    assert sorted(second.articles.held) == [A003]


def test_an_article_and_a_mapping_written_since_are_read_again(project, trusting, reads):
    first = stages.ingest(project)
    article, mapping = project / "raw" / f"{A003}.txt", project / "mappings" / f"{A000}.yaml"
    article.write_bytes(article.read_bytes() + b"\nA later paragraph.\n")
    mapping.write_bytes(mapping.read_bytes() + b"\n")
    reads.clear()
    second = stages.ingest(project)
    assert reads == [A003]
    assert second.articles.sha256(A003) == _sha(article) != first.articles.sha256(A003)
    assert second.mapping_digests()[mapping.name] == hashlib.sha256(mapping.read_bytes()).digest()
    assert stages.input_fingerprint(project, second) != stages.input_fingerprint(project, first)


def test_a_file_whose_time_is_set_back_after_a_rewrite_of_the_same_size_is_read_again(project, trusting, reads):
    stages.ingest(project)
    article = project / "raw" / f"{A003}.txt"
    before = article.stat()
    time.sleep(0.05)  # past the file system clock's tick, so that the change time moves
    data = article.read_bytes()
    article.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and modification time as they were
    reads.clear()
    again = stages.ingest(project)
    assert reads == [A003]
    assert again.articles.sha256(A003) == _sha(article)


def test_files_written_a_moment_before_the_run_are_not_remembered(project, reads):
    stages.ingest(project)  # the project was copied a moment ago: every file is too recent to trust
    assert not (project / DIGESTS_FILE).exists()  # nothing to remember, nothing written
    reads.clear()
    stages.ingest(project)
    assert len(reads) == 5


def test_unreadable_remembered_digests_are_ignored(project, trusting, reads):
    (project / DIGESTS_FILE).parent.mkdir(parents=True)
    (project / DIGESTS_FILE).write_text("{not json", encoding="utf-8")
    stages.ingest(project)
    assert len(reads) == 5
    remembered = json.loads((project / DIGESTS_FILE).read_text(encoding="utf-8"))
    assert remembered[f"raw/{A003}.txt"][4] == _sha(project / "raw" / f"{A003}.txt")
    assert sorted(remembered) == sorted([*(f"raw/{p.name}" for p in (project / "raw").glob("*.txt")),
                                         *(f"mappings/{p.name}" for p in (project / "mappings").glob("*.yaml"))])


def test_an_article_changed_after_the_run_listed_it_stops_the_run_when_it_is_read(project, trusting):
    stages.ingest(project)
    ingested = stages.ingest(project)
    article = project / "raw" / f"{A003}.txt"
    article.write_bytes(article.read_bytes() + b"\nEdited during the build.\n")
    with pytest.raises(stages.PipelineError) as excinfo:
        ingested.texts[A003]
    assert excinfo.value.summary == (f"raw/{A003}.txt changed while the build was reading it; nothing was published: "
                                     "run again")


def test_a_worker_reads_the_articles_of_a_run_that_read_none(project, trusting, tmp_path):
    """A run that recalled every digest holds no text; a batch resolved in another process reads its own."""
    stages.ingest(project)
    ingested = stages.ingest(project)
    assert ingested.articles.held == {}
    worker = pickle.loads(pickle.dumps(ingested.for_workers(tmp_path)))
    assert worker.articles[A000].text == (project / "raw" / f"{A000}.txt").read_text(encoding="utf-8")
