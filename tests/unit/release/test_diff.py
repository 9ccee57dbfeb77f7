"""Schema changes between two release descriptors, and the changelog of a first release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ofsted_dataset.release.diff import compare, render_markdown, schema_changes

# Not in alphabetical order, and more than a set keeps in insertion order by chance.
_NAMES = ["sources", "inspections", "judgements", "recommendations", "funding_commitments", "provenance",
          "official_checks", "zeta", "alpha", "mu"]


def _package(names: list[str]) -> dict[str, Any]:
    field = {"name": "id", "type": "string"}
    return {"resources": [{"name": n, "schema": {"fields": [field], "primaryKey": ["id"]}} for n in names]}


def test_resources_added_are_listed_in_the_new_descriptor_order() -> None:
    changes, _ = schema_changes(_package([]), _package(_NAMES))
    assert [(c.resource, c.change) for c in changes] == [(n, "resource added") for n in _NAMES]


def test_resources_removed_are_listed_in_the_old_descriptor_order() -> None:
    changes, _ = schema_changes(_package(_NAMES), _package(["inspections"]))
    assert [c.resource for c in changes] == [n for n in _NAMES if n != "inspections"]
    assert {c.change for c in changes} == {"resource removed"}


def test_first_release_changelog_is_the_one_published(seed_release: Path) -> None:
    """Comparing the published folder again gives the changes its publish wrote, then the news values
    the official record contradicts (two in the seed corpus)."""
    release = seed_release / "published" / "1.0.0"
    conflicts = json.loads((release / "changes.json").read_text(encoding="utf-8"))["official_conflicts"]
    assert len(conflicts) == 2
    published = (release / "CHANGES.md").read_text(encoding="utf-8")
    assert published == render_markdown(compare(None, release, seed_release)) + (
        "\n## Conflicts with Ofsted's official record\n\nNews values the official statistics contradict (table "
        "official_checks, docs/official-checks.md):\n\n" + "".join(f"- {c}\n" for c in conflicts))
