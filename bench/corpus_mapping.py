"""A synthetic article's mapping, rendered as YAML text (no YAML library: plain string work is what
keeps 50,000 articles fast), with each quote resolved to be unique or given its occurrence."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from bench.corpus_model import Rec
from ofsted_dataset.text import fold


def _resolve(folded_text: str, quote: str, cache: dict[str, Any]) -> Any:
    """The quote as a mapping writes it: plain when unique in the article, else with `occurrence`.

    Counting runs on the typographically folded text, where the pipeline's matching is a plain search.
    """
    if quote in cache:
        return cache[quote]
    folded = fold(quote)
    count = folded_text.count(folded)
    if count != 1:
        head = r"(?<!\w)" if folded[0].isalnum() else ""
        tail = r"(?!\w)" if folded[-1].isalnum() else ""
        count = len(re.findall(head + re.escape(folded) + tail, folded_text))
        if count == 0:
            raise AssertionError(f"generator bug: quote {quote!r} is not in its article")
    cache[quote] = quote if count == 1 else {"text": quote, "occurrence": 1}
    return cache[quote]


def _yaml(value: Any) -> str:
    """A scalar or flow collection as YAML: JSON is valid YAML, and quoting every string keeps
    dates as text ("2017-02" keeps its precision)."""
    return json.dumps(value, ensure_ascii=False)


def _evidence(folded: str, quotes: list[str], note: str | None, cache: dict[str, Any]) -> str:
    resolved = [_resolve(folded, q, cache) for q in dict.fromkeys(quotes)]
    if note:
        return _yaml({"quotes": resolved, "note": note})
    return _yaml(resolved[0] if len(resolved) == 1 else resolved)


VERBATIM = {"title", "publisher", "area_label", "text", "purpose"}


def render_mapping(source_id: str, text: str, source: Rec, records: list[Rec], comment: str) -> str:
    folded = fold(text)
    cache: dict[str, Any] = {}
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = [f"# {comment}", "source:", f"  file: {source_id}.txt", f"  sha256: {sha}"]
    for name, value in source.values.items():
        out.append(f"  {name}: {_yaml(_resolve(folded, value, cache) if name in VERBATIM else value)}")
    if source.evidence:
        out.append("  evidence:")
        for name, (quotes, note) in source.evidence.items():
            out.append(f"    {name}: {_evidence(folded, quotes, note, cache)}")
    for table in ("inspections", "judgements", "recommendations", "funding_commitments"):
        rows = [r for r in records if r.table == table]
        if not rows:
            continue
        out.append("")
        out.append(f"{table}:")
        for rec in rows:
            first = True
            for name, value in rec.values.items():
                shown = _resolve(folded, value, cache) if name in VERBATIM else value
                out.append(f"  {'- ' if first else '  '}{name}: {_yaml(shown)}")
                first = False
            if rec.evidence:
                out.append("    evidence:")
                for name, (quotes, note) in rec.evidence.items():
                    out.append(f"      {name}: {_evidence(folded, quotes, note, cache)}")
    return "\n".join(out) + "\n"


