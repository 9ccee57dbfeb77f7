"""The README's promises: the two commands, and example queries that run on a release of the seed corpus
(the one the README's examples describe), with the results it was written about."""

from __future__ import annotations

import re

from ofsted_dataset.release.query import connect
from tests.helpers import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_the_two_make_commands():
    quick_start = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == ["make run", "make test"]


def test_example_queries_run_on_a_release_of_the_seed_corpus(seed_release):
    block = re.search(r"```sql\n(.*?)```", README, re.S).group(1)
    queries = [q.strip() for q in block.split(";") if q.strip()]
    con = connect(seed_release / "published")
    results = [con.sql(q).fetchall() for q in queries]
    assert len(results) == 5
    assert [(r[0], r[2]) for r in results[0]] == [
        ("Birmingham", "inadequate"), ("Gloucestershire", "inadequate"), ("Middlesbrough", "inadequate"),
        ("South Gloucestershire", "requires_improvement"),
    ]
    assert {(r[0], r[2]) for r in results[1]} >= {("help_and_protection", "inadequate"), ("adoption", "good")}
    assert [(r[0], r[1]) for r in results[2]] == [
        ("Gloucestershire", "gloucestershire-2017-full-inspection"),
        ("Middlesbrough", "middlesbrough-2017-full-inspection"),
        ("South Gloucestershire", "south-gloucestershire-2016-full-inspection")]
    assert [(r[0], r[1], r[5]) for r in results[3]] == [
        ("Gloucestershire", 9_200_000, "gloucestershire-2010-full-inspection"),
        ("Gloucestershire", 9_200_000, "gloucestershire-2017-full-inspection")]
    assert [(r[0], r[1], r[2], r[3]) for r in results[4]] == [
        ("middlesbrough-2017-full-inspection", "overall_grade", "inadequate", "requires_improvement"),
        ("middlesbrough-2017-full-inspection/overall_effectiveness", "grade", "inadequate", "requires_improvement"),
    ]
