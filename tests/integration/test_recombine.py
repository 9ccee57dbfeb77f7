"""After a change, only the records it touches are merged again (facts/recombine.py), and the tables are
exactly those a build from scratch gives: checked here change after change on a generated corpus whose
inspections several articles report, against a cold build of the same inputs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from bench.generate_corpus import generate
from ofsted_dataset import pipeline, stages
from ofsted_dataset.facts import article_cache, recombine
from ofsted_dataset.facts.arrow_tables import plain
from ofsted_dataset.release import files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("recombine") / "project"
    generate(root, 24, seed=3)
    return root


@pytest.fixture
def used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each build, whether it merged only the touched records (True) or everything (False)."""
    calls: list[bool] = []
    real = recombine.recombine

    def spy(*args: Any) -> Any:
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(stages, "recombine", spy)
    return calls


def _built(root: Path) -> tuple[dict[str, Any], list[str]]:
    applied = pipeline.run(root, until="apply").applied
    return {name: table for name, table in applied.tables.items()}, [str(p) for p in applied.problems]


def _as_from_scratch(root: Path, tmp_path: Path) -> tuple[dict[str, Any], list[str]]:
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("staged"))
    tables, problems = _built(cold)
    return tables, [p.replace(str(cold), str(root)) for p in problems]


def _check_same_as_from_scratch(root: Path, tmp_path: Path) -> list[str]:
    tables, problems = _built(root)
    expected_tables, expected_problems = _as_from_scratch(root, tmp_path)
    assert problems == expected_problems
    for name, table in expected_tables.items():
        assert tables[name].schema == table.schema, name
        # The values: a table held dictionary-encoded (provenance) has its dictionary in another order after a
        # change, which its files never show.
        assert plain(tables[name]).equals(plain(table)), name
        if not problems:  # (a build with problems is not checked against the official record: no file)
            assert _parquet(tables[name], tmp_path) == _parquet(table, tmp_path), name
    return problems


def _parquet(table: pa.Table, tmp_path: Path) -> bytes:
    """The table's Parquet file, as a release writes it."""
    files._write_parquet(table, tmp_path / "table.parquet")
    return (tmp_path / "table.parquet").read_bytes()


def _mapping(root: Path, index: int) -> Path:
    return sorted((root / "mappings").glob("*.yaml"))[index]


def _edit_yaml(path: Path, change: Any) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


def _shared_inspection(root: Path) -> tuple[Path, str]:
    """A mapping and an inspection of it that another mapping reports too."""
    listed: dict[str, list[Path]] = {}
    for path in sorted((root / "mappings").glob("*.yaml")):
        for inspection in yaml.safe_load(path.read_text(encoding="utf-8")).get("inspections") or []:
            listed.setdefault(inspection["inspection_id"], []).append(path)
    inspection_id, paths = next((i, p) for i, p in sorted(listed.items()) if len(p) > 1)
    return paths[-1], inspection_id


def test_change_after_change_gives_the_tables_of_a_build_from_scratch(corpus, tmp_path, used):
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    assert _check_same_as_from_scratch(root, tmp_path) == []
    snapshot = article_cache.read(root)
    assert snapshot is not None and snapshot.merged is not None
    assert used == []  # a first build merges everything

    # A recommendation's theme: one record.
    path = _mapping(root, 3)
    text = path.read_text(encoding="utf-8")
    theme = re.search(r'^    theme: "([a-z_]+)"$', text, re.MULTILINE)
    assert theme is not None
    path.write_text(text[:theme.start(1)] + ("other" if theme.group(1) != "other" else "workforce")
                    + text[theme.end(1):], encoding="utf-8")
    assert _check_same_as_from_scratch(root, tmp_path) == []

    # Records removed from a mapping: its last recommendation, and its judgements of a shared inspection.
    mapping, inspection_id = _shared_inspection(root)

    def drop(document: dict[str, Any]) -> None:
        document["recommendations"] = (document.get("recommendations") or [])[:-1]
        document["judgements"] = [j for j in document.get("judgements") or [] if j["inspection_id"] != inspection_id]

    _edit_yaml(mapping, drop)
    assert _check_same_as_from_scratch(root, tmp_path) == []

    # A mapping removed, then given back: its records leave and return.
    removed = _mapping(root, 5)
    kept = removed.read_bytes()
    removed.unlink()
    assert _check_same_as_from_scratch(root, tmp_path) == []
    removed.write_bytes(kept)
    assert _check_same_as_from_scratch(root, tmp_path) == []
    assert used == [True, True, True, True]  # the builds from scratch have nothing to reuse


def test_a_change_with_a_problem_is_reported_as_a_build_from_scratch_reports_it(corpus, tmp_path, used):
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    _built(root)
    first, later = _mapping(root, 2), _mapping(root, 9)
    taken = yaml.safe_load(first.read_text(encoding="utf-8"))["recommendations"][0]["recommendation_id"]
    before = later.read_bytes()

    def reuse_id(document: dict[str, Any]) -> None:
        document["recommendations"][0]["recommendation_id"] = taken

    _edit_yaml(later, reuse_id)
    problems = _check_same_as_from_scratch(root, tmp_path)
    assert len(problems) == 1 and f"{taken} is already used in mappings/{first.name}" in problems[0]
    assert used == [False]  # the touched records had a problem: everything was merged, as from scratch
    later.write_bytes(before)
    assert _check_same_as_from_scratch(root, tmp_path) == []
    assert used == [False]  # the mapping is as it was cached: the merged tables are reused whole
