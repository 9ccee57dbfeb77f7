"""The floor of the benchmark: the least work any build of the same corpus must do.

It reads every raw article (and hashes it), parses every mapping with libyaml (CSafeLoader) and
writes the six fact tables as Parquet with pyarrow, one row per record, with no quote matching,
checks, merging or validation. The build's times are reported as ratios to this, so a number says
how far the pipeline is from the I/O and parsing it cannot avoid, on the same machine and corpus.

    python -m bench.floor CORPUS_ROOT [--out DIR]   # prints the seconds taken
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from schemas.arrow import ARROW_SCHEMAS
from schemas.vocabularies import FACT_TABLE_NAMES

FACT_TABLES = (*FACT_TABLE_NAMES, "provenance")
RECORD_TABLES = FACT_TABLE_NAMES[1:]


def _text(value: Any) -> Any:
    """A quote as written ({text, occurrence} or plain) to its text."""
    return value.get("text") if isinstance(value, dict) else value


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    parts = [int(p) for p in str(value).split("-")]
    return dt.date(parts[0], *[*parts[1:], 1, 1][:2])


def _quotes(evidence: Any) -> list[Any]:
    if isinstance(evidence, dict) and "text" not in evidence:
        evidence = evidence.get("quotes") or []
    return [_text(q) for q in (evidence if isinstance(evidence, list) else [evidence])]


def _row(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record's values under the table's columns, crudely typed (dates parsed, quotes as text)."""
    row: dict[str, Any] = {}
    for f in ARROW_SCHEMAS[table]:
        value = record.get(f.name)
        if pa.types.is_date32(f.type):
            value = _date(value)
        elif pa.types.is_string(f.type):
            value = _text(value)
        row[f.name] = value
    return row


def run_floor(root: Path, out: Path | None = None) -> float:
    """Read raw/ and mappings/ under `root`, write the six tables as Parquet to `out` (a temporary
    folder when None); return the seconds taken."""
    started = time.perf_counter()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in FACT_TABLES}
    hashes = {}
    for path in sorted((root / "raw").glob("*.txt")):
        data = path.read_bytes()
        data.decode("utf-8")
        hashes[path.stem] = (hashlib.sha256(data).hexdigest(), len(data))
    for path in sorted((root / "mappings").glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        source_id = path.stem
        source = dict(doc["source"])
        sha, size = hashes.get(source_id, ("", 0))
        source.update(source_id=source_id, path=f"raw/{source_id}.txt", sha256=sha, characters=size)
        rows["sources"].append(_row("sources", source))
        for table in ("sources", *RECORD_TABLES):
            records = [doc["source"]] if table == "sources" else doc.get(table) or []
            for index, record in enumerate(records):
                if table != "sources":
                    rows[table].append(_row(table, record))
                record_id = source_id if table == "sources" else f"{table}[{index}]"
                for name, evidence in (record.get("evidence") or {}).items():
                    for quote in _quotes(evidence):
                        rows["provenance"].append({"table_name": table, "record_id": record_id, "field": name,
                                                   "source_id": source_id, "quote": quote})
    target = out or Path(tempfile.mkdtemp(prefix="ofsted-floor-"))
    target.mkdir(parents=True, exist_ok=True)
    for name in FACT_TABLES:
        # Every column nullable: the floor checks nothing, so required columns may be missing here.
        schema = pa.schema([f.with_nullable(True) for f in ARROW_SCHEMAS[name]])
        table = pa.Table.from_pylist(rows[name], schema=schema)
        pq.write_table(table, target / f"{name}.parquet")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    print(f"{run_floor(args.root, args.out):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
