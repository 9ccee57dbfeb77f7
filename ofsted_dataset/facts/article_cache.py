"""Per-article results cached in staged/cache/, so a run re-processes only what changed.

An entry holds what one mapping contributes (apply.ArticleFacts) and is used only when all of these
are unchanged: the mapping's bytes, its article's bytes, the reference data (register and judgement
areas), the code that produced it, and every other article its quotes cite (and whether each has a
mapping). Entries are plain JSON written atomically; a mapping with problems is never cached, so its
messages are always fresh. Deleting staged/ is always safe: everything is recomputed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.code_version import code_version
from ofsted_dataset.facts.apply import ArticleFacts, Fact
from ofsted_dataset.facts.ingest import Article
from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.facts.reference import AREAS_FILE, REGISTER_FILE

CACHE_DIR = Path("staged") / "cache" / "articles"


def environment_version(root: Path) -> str:
    """Hash of the code and of the project's reference data (register, judgement areas): what shapes a
    per-article result besides the article and its mapping."""
    digest = hashlib.sha256(code_version().encode())
    for path in (REGISTER_FILE, AREAS_FILE):
        digest.update(path.name.encode() + b"\0" + (root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def entry_key(environment: str, mapping_bytes: bytes, article: Article | None) -> str:
    """The key of one mapping's entry; `environment` is environment_version(root), computed once per
    batch (it reads and hashes the reference files)."""
    digest = hashlib.sha256(environment.encode())
    digest.update(hashlib.sha256(mapping_bytes).digest())
    digest.update((article.sha256 if article else "missing").encode())
    return digest.hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, CuratedDate):
        return {"$date": value.value.isoformat(), "$precision": value.precision}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$date" in value:
        return CuratedDate(dt.date.fromisoformat(value["$date"]), value["$precision"])
    return value


def store(root: Path, key: str, result: ArticleFacts, mapped: set[str]) -> None:
    """Cache a clean result (one with no problems)."""
    if result.problems:
        return
    entry = {
        "key": key,
        "cited": result.cited,
        "cited_mapped": sorted(s for s in result.cited if s in mapped),
        "source_id": result.source_id,
        "file": result.file,
        "declared": result.declared,
        "facts": [{"table": f.table, "record_id": f.record_id, "file": f.file, "line": f.line,
                   "values": {k: _encode(v) for k, v in f.values.items()}, "provenance": f.provenance,
                   "lines": f.lines} for f in result.facts],
    }
    write_text_atomically(root / CACHE_DIR / f"{result.source_id}.json",
                          json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def load(root: Path, source_id: str, key: str, articles: dict[str, Article], mapped: set[str]) -> ArticleFacts | None:
    """The cached result for this mapping, or None when there is none or anything it rests on changed."""
    path = root / CACHE_DIR / f"{source_id}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.get("key") != key:
        return None
    for cited, sha in entry["cited"].items():
        if cited not in articles or articles[cited].sha256 != sha:
            return None
        if (cited in mapped) != (cited in entry["cited_mapped"]):
            return None
    facts = [Fact(f["table"], f["record_id"], f["file"], f["line"], {k: _decode(v) for k, v in f["values"].items()},
                  f["provenance"], f["lines"]) for f in entry["facts"]]
    return ArticleFacts(entry["source_id"], entry["file"], facts, entry["declared"], entry["cited"], [])
