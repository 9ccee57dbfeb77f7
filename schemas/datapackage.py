"""Frictionless descriptors generated from the table definitions.

Each table is one resource named after the table: its CSV file is the resource's `path` (so
`frictionless validate` checks every row against the Table Schema), and the same rows as Parquet are
described under the resource's `parquet` property (path, bytes, hash). Frictionless reads Parquet
through pandas, which turns a null integer into NaN and cannot count bytes, so a Parquet resource of
its own could never validate; `ofsted-dataset` checks the Parquet files against the same schemas.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from schemas.model import Field, Table
from schemas.tables import TABLES

PACKAGE_NAME = "ofsted-childrens-services-inspections"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}


def _field(f: Field) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.rule:
        descriptor["description"] += f" Rule: {f.rule}"
    if f.example is not None:
        descriptor["example"] = f.example
    constraints: dict[str, Any] = {}
    if f.required:
        constraints["required"] = True
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.pattern:
        constraints["pattern"] = f.pattern
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(f) for f in table.fields],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields),
             "reference": {"resource": fk.resource, "fields": list(fk.reference_fields)}}
            for fk in table.foreign_keys
        ]
    return schema


# What package_descriptor says of each article, and so all it reads of table sources.
DESCRIBED_SOURCE_FIELDS = ("title", "publisher", "published_date", "path")


def package_descriptor(
    version: str,
    created: str,
    sources: pa.Table,
    files: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """A release's datapackage.json (paths relative to the release folder), describing each article of table
    `sources`. `files` maps a data path to its {bytes, sha256}. Only the fields it reads of sources are made
    Python objects, and only here: at 100,000 articles every field of every row was 114 MB of them, held
    through a publish."""
    resources = []
    for name, table in TABLES.items():
        csv_path, parquet_path = f"data/{name}.csv", f"data/{name}.parquet"
        resources.append({
            "name": name,
            "title": table.title,
            "description": table.description,
            "path": csv_path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": files[csv_path]["bytes"],
            "hash": f"sha256:{files[csv_path]['sha256']}",
            "schema": table_schema(table),
            # The same rows and schema as Parquet (Parquet DATE, int64, bool), for DuckDB and Arrow users.
            "parquet": {
                "path": parquet_path,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "bytes": files[parquet_path]["bytes"],
                "hash": f"sha256:{files[parquet_path]['sha256']}",
            },
        })
    return {
        "name": PACKAGE_NAME,
        "title": "Ofsted inspections of English councils' children's services, from news reports",
        "description": (
            "Inspections, graded judgements, recommendations and funding commitments reported in news "
            "articles, each value backed by a verbatim quote recorded with character offsets (table "
            "provenance) or derived by a documented rule. See README.md and docs/data-dictionary.md."
        ),
        "version": version,
        "created": created,
        "licenses": [LICENSE],
        "sources": [
            {"title": f"{s['title']} ({s['publisher'] or 'publisher not named'}; "
                      f"{s['published_date'] or 'date not given'})", "path": s["path"]}
            for s in sources.select(list(DESCRIBED_SOURCE_FIELDS)).to_pylist()
        ],
        "keywords": ["Ofsted", "children's services", "local authorities", "inspections", "England"],
        "resources": resources,
    }
