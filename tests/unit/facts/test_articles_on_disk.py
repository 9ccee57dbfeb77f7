"""A batch of mappings sent to another process carries its own articles' texts; any other article a
quote cites is read again from raw/, and only if it is still the file the build read."""

from __future__ import annotations

import pickle

import pytest

from ofsted_dataset import stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.ingest import ArticlesOnDisk

A003 = "003_6e4606619b08db71"


def test_a_batch_holds_its_own_texts_and_reads_a_cited_one_again(project):
    ingested = stages.ingest(project)
    batch = ingested.for_batch(["000_09d284dea3b9a717.yaml"])
    articles = batch.articles
    assert isinstance(articles, ArticlesOnDisk)
    assert sorted(articles.held) == ["000_09d284dea3b9a717"]
    assert sorted(articles) == sorted(ingested.articles)
    sent = pickle.loads(pickle.dumps(batch))
    assert sent.articles[A003] == ingested.articles[A003]  # read from raw/ on demand, the same article
    assert len(pickle.dumps(batch)) < len(pickle.dumps(ingested)) / 2


def test_an_article_changed_since_the_build_read_it_stops_the_batch(project):
    batch = stages.ingest(project).for_batch(["000_09d284dea3b9a717.yaml"])
    raw = project / "raw" / f"{A003}.txt"
    raw.write_bytes(raw.read_bytes() + b"\nEdited during the build.\n")
    with pytest.raises(PipelineError) as excinfo:
        batch.articles[A003]
    assert excinfo.value.summary == (f"raw/{A003}.txt changed while the build was reading it; nothing was published: "
                                     "run again")


def test_a_batch_pickles_its_listings_as_texts_and_comes_back_the_same(project):
    """What a worker gets: every mapping's path and every article's path and sha256, packed as a few texts
    (a tenth of a second a batch at 10,000 articles when pickled object by object)."""
    ingested = stages.ingest(project)
    batch = ingested.for_batch(["000_09d284dea3b9a717.yaml"])
    sent = pickle.loads(pickle.dumps(batch))
    assert sent.mappings == batch.mappings == ingested.mappings
    assert sent.articles.known == ingested.articles.known
    assert sent.articles.held == batch.articles.held
    assert (sent.problems, sent.location, sent.mapping_digests()) == (batch.problems, batch.location,
                                                                    ingested.mapping_digests())
    empty = pickle.loads(pickle.dumps(stages.Ingested(ArticlesOnDisk(None, {}, {}), [], [])))
    assert (empty.mappings, empty.articles.known) == ([], {})
