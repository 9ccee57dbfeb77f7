"""The collector's page record: read and checked like a mapping, published in sources with where each
value comes from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ofsted_dataset import pipeline
from ofsted_dataset.facts.collector import read_pages
from tests.helpers import copy_project, edit

M002 = "mappings/002_3dafbde2ba55b338.yaml"
RECORD = ('{"url": "https://www.example.co.uk/news/focused-visits",\n "retrieved_date": "2022-01-10T09:12:00Z",\n'
          ' "page_publisher": "Example Gazette",\n "page_published_date": "2021-12-17"}\n')


def _sources(root: Path) -> dict[str, dict]:
    tables = pipeline.run(root, until="validate").applied.tables
    return {row["source_id"]: row for row in tables["sources"].to_pylist()}


def test_a_timestamp_keeps_its_day_and_every_key_is_typed(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Council rated good\n", encoding="utf-8")
    (tmp_path / "a.page.json").write_text(RECORD, encoding="utf-8")
    pages, problems = read_pages(tmp_path, {"a"})
    assert problems == []
    values = pages["a"].values
    assert values["url"] == "https://www.example.co.uk/news/focused-visits"
    assert (values["retrieved_date"].value, values["retrieved_date"].precision) == (dt.date(2022, 1, 10), "day")
    assert (values["page_published_date"].value, values["page_published_date"].precision) == (
        dt.date(2021, 12, 17), "day")
    assert values["page_publisher"] == "Example Gazette"


def test_the_page_fills_what_the_text_does_not_give_and_says_so(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    (root / "raw" / "002_3dafbde2ba55b338.page.json").write_text(RECORD, encoding="utf-8")
    row = _sources(root)["002_3dafbde2ba55b338"]
    assert {k: row[k] for k in ("url", "retrieved_date", "retrieved_date_precision", "page_publisher",
                                "page_published_date", "page_published_date_precision", "publisher",
                                "publisher_origin", "published_date", "published_date_precision",
                                "published_date_origin")} == {
        "url": "https://www.example.co.uk/news/focused-visits", "retrieved_date": dt.date(2022, 1, 10),
        "retrieved_date_precision": "day", "page_publisher": "Example Gazette",
        "page_published_date": dt.date(2021, 12, 17), "page_published_date_precision": "day",
        # the text names no publisher: the page's, marked so; its date (2021, inferred) agrees with the page's
        "publisher": "Example Gazette", "publisher_origin": "page",
        "published_date": dt.date(2021, 1, 1), "published_date_precision": "year", "published_date_origin": "inferred",
    }


def test_with_no_date_in_the_mapping_the_page_date_is_published_without_a_quote(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    (root / "raw" / "002_3dafbde2ba55b338.page.json").write_text(RECORD, encoding="utf-8")
    text = (root / M002).read_text(encoding="utf-8")
    start, end = text.index("  published_date:"), text.index("inspections:")
    (root / M002).write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    tables = pipeline.run(root, until="validate").applied.tables
    row = {r["source_id"]: r for r in tables["sources"].to_pylist()}["002_3dafbde2ba55b338"]
    assert (row["published_date"], row["published_date_precision"], row["published_date_origin"]) == (
        dt.date(2021, 12, 17), "day", "page")
    quoted = [p for p in tables["provenance"].to_pylist()
              if p["table_name"] == "sources" and p["record_id"] == "002_3dafbde2ba55b338"]
    assert [p["field"] for p in quoted] == ["title"]


def test_seed_sources_without_a_record_have_null_page_columns_and_quoted_origins(tmp_path: Path):
    rows = _sources(copy_project(tmp_path / "project"))
    assert {k: rows["003_6e4606619b08db71"][k] for k in ("url", "retrieved_date", "page_publisher",
                                                          "page_published_date", "publisher_origin",
                                                          "published_date_origin")} == {
        "url": None, "retrieved_date": None, "page_publisher": None, "page_published_date": None,
        "publisher_origin": "quoted", "published_date_origin": "quoted"}
    assert rows["000_09d284dea3b9a717"]["published_date_origin"] == "inferred"
    assert rows["000_09d284dea3b9a717"]["publisher_origin"] is None


def test_a_stated_area_is_published_when_the_wording_is_the_articles_own(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    edit(root / "mappings/003_6e4606619b08db71.yaml", "    area_label: adoption team\n",
         "    area_label:\n      text: adoption\n      occurrence: 1\n    area: adoption\n")
    tables = pipeline.run(root, until="validate").applied.tables
    rows = [r for r in tables["judgements"].to_pylist() if r["inspection_id"] == "gloucestershire-2017-full-inspection"
            and r["area"] == "adoption"]
    assert rows == [{"inspection_id": "gloucestershire-2017-full-inspection", "area": "adoption",
                     "area_label": "adoption", "grade": "good"}]
