"""Releases and raw articles in object storage, tested locally through fsspec's in-memory filesystem
(the same code path s3fs or gcsfs take for s3:// or gs:// URLs)."""

from __future__ import annotations

import uuid

import fsspec
import pytest

from ofsted_dataset import stages
from ofsted_dataset.release.query import connect, connect_url


@pytest.fixture
def bucket() -> str:
    """A fresh in-memory 'bucket', removed afterwards."""
    name = f"bucket-{uuid.uuid4().hex}"
    yield name
    fsspec.filesystem("memory").rm(f"/{name}", recursive=True)


def test_duckdb_queries_a_release_in_object_storage(bucket, seed_release):
    fs = fsspec.filesystem("memory")
    release = seed_release / "published" / "current"
    for path in sorted((release / "data").glob("*.parquet")):
        fs.pipe(f"/{bucket}/published/current/data/{path.name}", path.read_bytes())
    sql = "select inspection_id, overall_grade from inspections order by 1"
    remote = connect_url(f"memory://{bucket}/published/current").execute(sql).fetchall()
    local = connect(seed_release / "published").execute(sql).fetchall()
    assert remote == local
    assert len(remote) == 10


def test_raw_articles_are_read_from_object_storage(bucket, project, monkeypatch):
    fs = fsspec.filesystem("memory")
    for path in sorted((project / "raw").glob("*.txt")):
        fs.pipe(f"/{bucket}/raw/{path.name}", path.read_bytes())
    monkeypatch.setenv(stages.RAW_URL_ENV, f"memory://{bucket}/raw")
    remote = stages.ingest(project)
    monkeypatch.delenv(stages.RAW_URL_ENV)
    local = stages.ingest(project)
    assert remote.problems == []
    assert remote.articles == local.articles
    assert len(local.articles) == 5
