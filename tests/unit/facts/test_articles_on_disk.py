"""What a batch of mappings resolved in another process is sent: the run's listings, as the path of a file
written once in a folder the workers share; each worker reads the articles it needs from raw/, and only if
each is still the file the build read."""

from __future__ import annotations

import pickle

import pytest

from ofsted_dataset import stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.ingest import ArticlesOnDisk

A003 = "003_6e4606619b08db71"


def test_a_worker_gets_the_listings_from_one_file_and_reads_the_articles_itself(project, tmp_path):
    ingested = stages.ingest(project)
    folder = tmp_path / "batches"
    folder.mkdir()
    shared = ingested.for_workers(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["ingested.pickle"]
    sent = pickle.dumps(shared)
    assert len(sent) < 300  # the file's path, not the listings
    worker = pickle.loads(sent)
    assert worker.articles.held == {}
    assert worker.mappings == ingested.mappings
    assert worker.articles.known == ingested.articles.known
    assert (worker.problems, worker.location) == (ingested.problems, ingested.location)
    assert worker.articles[A003] == ingested.articles[A003]  # read from raw/ on demand, the same article
    assert pickle.loads(sent).articles.held == {}  # each batch reads its own articles


def test_an_article_changed_since_the_build_read_it_stops_the_batch(project, tmp_path):
    worker = pickle.loads(pickle.dumps(stages.ingest(project).for_workers(tmp_path)))
    raw = project / "raw" / f"{A003}.txt"
    raw.write_bytes(raw.read_bytes() + b"\nEdited during the build.\n")
    with pytest.raises(PipelineError) as excinfo:
        worker.articles[A003]
    assert excinfo.value.summary == (f"raw/{A003}.txt changed while the build was reading it; nothing was published: "
                                     "run again")


def test_an_ingested_run_pickles_its_listings_as_texts_and_comes_back_the_same(project):
    """Without a listings file (a run from object storage is sent whole): every mapping's path and every
    article's path and sha256, packed as a few texts (a tenth of a second a batch at 10,000 articles when
    pickled object by object)."""
    ingested = stages.ingest(project)
    sent = pickle.loads(pickle.dumps(ingested))
    assert sent.mappings == ingested.mappings
    assert sent.articles.known == ingested.articles.known
    assert sent.articles.held == ingested.articles.held
    assert (sent.problems, sent.location, sent.mapping_digests()) == (ingested.problems, ingested.location,
                                                                    ingested.mapping_digests())
    empty = pickle.loads(pickle.dumps(stages.Ingested(ArticlesOnDisk(None, {}, {}), [], [])))
    assert (empty.mappings, empty.articles.known) == ([], {})
