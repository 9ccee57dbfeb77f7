"""The files that make a release folder, or its zip alone, usable by someone who has nothing else.

A journalist who downloads only `ofsted-dataset-<version>.zip` has no repository: no README, no licence
texts, no register of councils, no official extract, none of the documents the release's own texts
point at. This module writes them into the release: a README for consumers and a machine-readable
coverage statement, both generated from the release's datapackage.json and data; CITATION.cff; the
licence texts (committed under licences/); the reference files the build read (from the project it
built); and the project documents the generated texts cite (docs/).

Every file is byte-deterministic: the only time in them is the descriptor's `created`, and every list
is in a fixed order, so `rebuild.reproduce` can compare them with a published release byte for byte.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from ofsted_dataset.facts.input_tables import read_input_table
from ofsted_dataset.official.snapshot import LICENCE as OGL
from ofsted_dataset.official.snapshot import METADATA_NAME
from ofsted_dataset.release.citation import AUTHOR, CITATION_FILE, citation_text
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE, DUCKDB_VIEWS, MINIMUM_DUCKDB_VERSION
from ofsted_dataset.release.files import (
    CHECKSUMS,
    FORMULA_START,
    archive_name,
    formula_characters,
    parquet_file,
    write_json,
)
from ofsted_dataset.release.page import PAGE
from schemas.model import Table
from schemas.official_extract import OFFICIAL_OUTCOMES
from schemas.reference_tables import LOCAL_AUTHORITIES, REFERENCE_TABLES

README = "README.md"
COVERAGE_FILE = "coverage.json"
DICTIONARY = "data-dictionary.md"
# The code's own checkout: the licence texts and the project documents belong to the code that made the
# release, not to the corpus it was pointed at (a test's copy of the inputs has neither).
CHECKOUT = Path(__file__).resolve().parents[2]
LICENCE_DIR = "licences"
# Licence name (as the descriptor and the extract's snapshot.json give it) -> its full text, shipped.
LICENCE_TEXTS = {"CC-BY-4.0": "LICENCE-CC-BY-4.0.txt", OGL["name"]: "LICENCE-OGL-3.0.txt"}
# Project documents the release's texts point readers at, copied from the checkout.
DOCS = {"docs/official-checks.md": "How every news value is checked against Ofsted's official record, with "
                                   "worked examples (a document of the project: the code files it names are "
                                   "in the project's repository, not here)."}
# The dictionary under the name datapackage.json's description gives it: the same bytes as DICTIONARY.
DICTIONARY_COPY = "docs/data-dictionary.md"
_DATES = ("visit_start", "visit_end", "published_date")  # an inspection's visit and publication dates
_OFFICIAL_DATES = ("inspection_date", "published_date")
_CONTROL_NAMES = {"\t": "a tab", "\r": "a carriage return"}
_EXTRACT = Path(OFFICIAL_OUTCOMES.location or "")
SNAPSHOT = (_EXTRACT.parent / METADATA_NAME).as_posix()
SCOPE = ("This release covers only what the curated news articles report: the inspections they mention, of the "
         "councils they name, with the facts they state. It is not a complete record of Ofsted's inspections, "
         "which only Ofsted's official statistics give.")


def _location(table: Table) -> str:
    assert table.location is not None, f"{table.name} is not an input file"
    return table.location


# Every reference file a build reads (or that documents one), with what it is for.
REFERENCE_FILES: dict[str, str] = {
    **{_location(t): t.description for t in (*REFERENCE_TABLES.values(), OFFICIAL_OUTCOMES)},
    Path(_location(LOCAL_AUTHORITIES)).with_suffix(".md").as_posix():
        "How the register was made: its sources, columns and conventions.",
    SNAPSHOT: "Where and when the extract was made: each official spreadsheet's address, sha256, size and "
              "retrieval date, the sheets read, and their licence.",
}
# What of them comes from Ofsted's official statistics: the extract, its record, and the register of
# councils taken from the same files (see reference/local_authorities.md).
OFFICIAL_FILES = (_EXTRACT.as_posix(), SNAPSHOT, _location(LOCAL_AUTHORITIES))


def write_consumer_files(directory: Path, root: Path) -> None:
    """README.md, coverage.json, CITATION.cff, the licence texts, the reference files of the project at
    `root` and the documents the texts cite, into the release `directory` (after its data,
    datapackage.json and data dictionary, which the README and coverage are generated from)."""
    _copy_files(directory, root)
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    coverage = release_coverage(directory, descriptor)
    write_json(directory / COVERAGE_FILE, coverage)
    (directory / CITATION_FILE).write_text(citation_cff(descriptor), encoding="utf-8")
    (directory / README).write_text(render_readme(directory, descriptor, coverage), encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def shipped_sources(root: Path) -> dict[str, Path]:
    """Each file a release ships as it is, by its name in the release, with where it is copied from: the
    licence texts and documents from the checkout, the reference files that exist from `root` (the
    retired ids and the official extract are optional inputs). The build's fingerprint covers them, so
    editing one is a change the next run publishes (see `changed_documents`)."""
    sources = {name: CHECKOUT / LICENCE_DIR / name for name in LICENCE_TEXTS.values()}
    sources |= {name: CHECKOUT / name for name in DOCS}
    sources |= {name: root / name for name in REFERENCE_FILES if (root / name).is_file()}
    return sources


def changed_documents(old_dir: Path, new_dir: Path) -> list[str]:
    """The shipped documents that differ between two release folders (added, removed or edited), as the
    changelog names them: a release is made when only a licence text or a reference file changed."""
    names = sorted({*LICENCE_TEXTS.values(), *DOCS, *REFERENCE_FILES})
    return [f"file {name}" for name in names
            if _bytes_or_none(old_dir / name) != _bytes_or_none(new_dir / name)]


def _bytes_or_none(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _copy_files(directory: Path, root: Path) -> None:
    """The shipped sources, and the dictionary under the name datapackage.json gives it."""
    for name, source in shipped_sources(root).items():
        _copy(source, directory / name)
    _copy(directory / DICTIONARY, directory / DICTIONARY_COPY)


# --- coverage ----------------------------------------------------------------------------------------

def _enum(descriptor: dict[str, Any], table: str, field: str) -> list[str]:
    """A field's vocabulary as the release declares it."""
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    declared = next(f for f in resource["schema"]["fields"] if f["name"] == field)
    return list(declared.get("constraints", {}).get("enum", []))


def release_coverage(directory: Path, descriptor: dict[str, Any]) -> dict[str, Any]:
    """What the release covers, from its own data and the reference files shipped with it; every
    inspection type of the release's vocabulary is counted, none reported being a fact too."""
    inspections = pq.read_table(parquet_file(directory, "inspections"),
                                columns=["la_code", "inspection_type", *_DATES])
    counted = {t["values"]: t["counts"] for t in inspections["inspection_type"].value_counts().to_pylist()}
    years = [d.year for column in _DATES for d in pc.min_max(inspections[column]).as_py().values() if d]
    return {
        "scope": SCOPE,
        "councils": {"covered": pc.count_distinct(inspections["la_code"]).as_py(),
                     "current_in_register": len(read_input_table(directory, LOCAL_AUTHORITIES)),
                     "register": _location(LOCAL_AUTHORITIES)},
        "inspections": {"total": inspections.num_rows,
                        "by_inspection_type": {t: counted.get(t, 0)
                                               for t in _enum(descriptor, "inspections", "inspection_type")}},
        "years": {"first": min(years, default=None), "last": max(years, default=None)},
        "official_record": _official_span(directory),
        "articles": pq.read_metadata(parquet_file(directory, "sources")).num_rows,
    }


def _official_span(directory: Path) -> dict[str, Any]:
    """The dates Ofsted's record spans, as the shipped extract holds it (none when there is no extract)."""
    rows = read_input_table(directory, OFFICIAL_OUTCOMES, missing_ok=True)
    dates = [row[f] for row in rows for f in _OFFICIAL_DATES if row[f] is not None]
    return {"extract": _location(OFFICIAL_OUTCOMES), "rows": len(rows),
            "first_date": min(dates).isoformat() if dates else None,
            "last_date": max(dates).isoformat() if dates else None}


def _coverage_lines(coverage: dict[str, Any]) -> list[str]:
    councils, inspections, years = coverage["councils"], coverage["inspections"], coverage["years"]
    official = coverage["official_record"]
    by_type = ", ".join(f"{name} {count}" for name, count in inspections["by_inspection_type"].items())
    span = (f"{years['first']} to {years['last']} (the first and last year of any inspection's visit or "
            "publication date)" if years["first"] else "no inspection is dated")
    record = (f"spans {official['first_date']} to {official['last_date']} ({official['rows']} rows of "
              f"`{official['extract']}`)" if official["first_date"] else "no extract of it came with this release")
    return [f"- Councils: {councils['covered']} of the {councils['current_in_register']} current councils in "
            f"`{councils['register']}` (every row of the register is a current council; an abolished council "
            "appears there only as a former code of its successor).",
            f"- Inspections and visits: {inspections['total']} ({by_type}).",
            f"- Years: {span}.",
            f"- Ofsted's official record, for comparison: {record}.",
            f"- Articles: {coverage['articles']} (table `sources`)."]


# --- CITATION.cff --------------------------------------------------------------------------------------

def citation_cff(descriptor: dict[str, Any]) -> str:
    """Citation File Format 1.2.0, which GitHub, Zenodo and reference managers read."""
    document = {
        "cff-version": "1.2.0",
        "message": "If you use this data set, please cite it as below.",
        "type": "dataset",
        "title": descriptor["title"],
        "version": descriptor["version"],
        "date-released": descriptor["created"][:10],
        "authors": [{"name": AUTHOR}],
        "license": descriptor["licenses"][0]["name"],
        "abstract": descriptor["description"],
        "keywords": descriptor.get("keywords", []),
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


# --- README.md -----------------------------------------------------------------------------------------

def _shown(character: str) -> str:
    return f"`{character}`" if character.isprintable() else _CONTROL_NAMES.get(character, f"U+{ord(character):04X}")


def _listed(items: list[str], conjunction: str = "and") -> str:
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}" if len(items) > 1 else "".join(items)


def render_readme(directory: Path, descriptor: dict[str, Any], coverage: dict[str, Any]) -> str:
    """The consumer's README: what the release is, its files, coverage, citation, licences, checking,
    opening, the spreadsheet rule and how to check a quote against an article's text."""
    sections = [_intro(descriptor), _files(directory, descriptor), _coverage_section(coverage),
                _cite(descriptor), _licences(directory, descriptor), _verify(descriptor), _open(descriptor),
                _spreadsheets(), _articles()]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def _intro(descriptor: dict[str, Any]) -> list[str]:
    return [f"# {descriptor['title']}", "",
            f"Version {descriptor['version']}, released {descriptor['created']}.", "",
            descriptor["description"], "",
            "This folder is the whole release, and nothing else is needed to use it: every file named below is "
            "in it, and the zip holds all of them but itself and its .sha256, in one folder named after the "
            "version."]


def _file_rows(directory: Path, descriptor: dict[str, Any]) -> list[tuple[str, str]]:
    version = descriptor["version"]
    data = [(f"`{r['path']}`, `{r['parquet']['path']}`",
             f"{r.get('title', r['name'])}: {pq.read_metadata(directory / r['parquet']['path']).num_rows} rows "
             f"(table `{r['name']}`)") for r in descriptor["resources"]]
    shipped = {**REFERENCE_FILES, **DOCS}
    return [*data,
            ("`datapackage.json`", "Frictionless Data Package descriptor: every table's schema, keys, "
                                   "vocabularies and licence, the articles, and the size and hash of every data file"),
            (f"`{DICTIONARY}` (also as `{DICTIONARY_COPY}`)", "every table and field: meaning, type, how each "
                                                              "value is obtained"),
            ("`CHANGES.md`, `changes.json`", "what changed since the previous release, record by record "
                                             "(for people, for programs)"),
            (f"`{DUCKDB_FILE}`", f"every table in one DuckDB database, with keys and the views "
                                 f"{', '.join(f'`{v}`' for v in DUCKDB_VIEWS)}"),
            (f"`{PAGE}`", "the release page: open it in a browser, no server or network needed"),
            (f"`{CHECKSUMS}`", "the SHA-256 of every file but itself and the zip"),
            (f"`{archive_name(version)}`, `{archive_name(version)}.sha256`", "the whole release in one "
                                                                             "download, and its SHA-256"),
            (", ".join(f"`{name}`" for name in LICENCE_TEXTS.values()), "the full texts of the licences"),
            (f"`{CITATION_FILE}`", "how to cite the release, in Citation File Format"),
            (f"`{COVERAGE_FILE}`", "what the release covers (below), for programs"),
            *((f"`{name}`", what) for name, what in sorted(shipped.items()) if (directory / name).is_file())]


def _files(directory: Path, descriptor: dict[str, Any]) -> list[str]:
    rows = [f"| {name} | {what} |" for name, what in _file_rows(directory, descriptor)]
    addresses = f", whose addresses and SHA-256 are in `{SNAPSHOT}`" if (directory / SNAPSHOT).is_file() else ""
    return ["## Files", "", "| file | what it is for |", "|---|---|", *rows, "",
            "Paths beginning `raw/` (`sources.path`, the articles' texts) or `schemas/` name files of the "
            f"project's repository; they are not part of a release. File names ending `.ods` are Ofsted's "
            f"official spreadsheets{addresses}."]


def _coverage_section(coverage: dict[str, Any]) -> list[str]:
    return ["## Coverage", "", SCOPE, "", *_coverage_lines(coverage), "",
            f"The same figures are in `{COVERAGE_FILE}`."]


def _cite(descriptor: dict[str, Any]) -> list[str]:
    return ["## How to cite", "", citation_text(descriptor), "",
            f"`{CITATION_FILE}` holds the same in Citation File Format. Credit the news articles too: "
            "they are listed in table `sources` (title, publisher, date, address) and in `datapackage.json`."]


def _official_columns(descriptor: dict[str, Any]) -> list[str]:
    """What comes from Ofsted's official statistics: the tables and columns named official_*."""
    tables = [f"the table `{r['name']}`" for r in descriptor["resources"] if r["name"].startswith("official_")]
    columns = [f"`{r['name']}.{f['name']}`" for r in descriptor["resources"] if not r["name"].startswith("official_")
               for f in r["schema"]["fields"] if f["name"].startswith("official_")]
    return tables + ([f"the columns {', '.join(columns)}"] if columns else [])


def _licences(directory: Path, descriptor: dict[str, Any]) -> list[str]:
    licence = descriptor["licenses"][0]
    official = [f"`{name}`" for name in OFFICIAL_FILES if (directory / name).is_file()] + _official_columns(descriptor)
    return ["## Licence", "",
            f"The data are licensed under {licence['title']} ({licence['name']}, {licence['path']}); the full "
            f"text is `{LICENCE_TEXTS[licence['name']]}`. Credit as above.", "",
            f"What comes from Ofsted's official statistics is used under the {OGL['title']} ({OGL['path']}; full "
            f"text `{LICENCE_TEXTS[OGL['name']]}`): {_listed(official)}. Credit it as:", "",
            f"> {OGL['attribution']}"]


def _verify(descriptor: dict[str, Any]) -> list[str]:
    zipped = archive_name(descriptor["version"])
    return ["## Checking what you downloaded", "",
            f"Inside this folder, `sha256sum -c {CHECKSUMS}` checks every file (on macOS "
            f"`shasum -a 256 -c {CHECKSUMS}`). Beside the zip, `sha256sum -c {zipped}.sha256` checks the zip.", "",
            "With the project's code installed, `ofsted-dataset verify <folder>` checks everything a release "
            "must hold: the checksums, the zip's members, the Frictionless descriptor, every table's schema and "
            "rules, CSV = Parquet and DuckDB = Parquet; it names each file that fails."]


def _open(descriptor: dict[str, Any]) -> list[str]:
    inspections = next(r for r in descriptor["resources"] if r["name"] == "inspections")["parquet"]["path"]
    return ["## Opening the data", "",
            f"With DuckDB (version {MINIMUM_DUCKDB_VERSION} or later opens the file): `duckdb {DUCKDB_FILE}`, "
            f"then for example `select * from {next(iter(DUCKDB_VIEWS))};`.", "",
            f"Without the database, any Parquet reader: `duckdb -c \"select * from read_parquet('{inspections}')\"`, "
            "or in Python `pandas.read_parquet(...)`.", "",
            "The CSV files open in any spreadsheet: UTF-8, a header row, ISO 8601 dates, `true`/`false`, and an "
            "empty cell for a missing value."]


def _spreadsheets() -> list[str]:
    characters = _listed([_shown(c) for c in formula_characters()], "or")
    undo = f"^'(?={FORMULA_START.removeprefix('^')})"
    return ["## CSV files in a spreadsheet", "",
            f"In the CSV files a text cell starting with {characters} is written with a leading apostrophe `'`, "
            "so that a spreadsheet shows it as text instead of running it as a formula. The Parquet files and "
            f"`{DUCKDB_FILE}` keep the exact values.", "",
            "To undo it, strip one leading apostrophe from a text cell that starts with `'` followed by one of "
            "those characters (no other cell is changed), for example in Python "
            f'`re.sub(r"{undo}", "", cell)`; or read the Parquet files. '
            "A value that itself begins with `'` and one of those characters cannot be told from an escaped one "
            "in the CSV: the Parquet files hold it exactly."]


_QUOTE_CHECK = f"""```python
import hashlib

import duckdb

source_id = "<source_id>"              # the article, as in sources.source_id
path = "<your copy of its text>"       # the text you fetched from sources.url

con = duckdb.connect("{DUCKDB_FILE}", read_only=True)
data = open(path, "rb").read()
(sha256,) = con.execute("select sha256 from sources where source_id = ?", [source_id]).fetchone()
same = hashlib.sha256(data).hexdigest() == sha256
print("the very same text" if same else "another text: the offsets may not fit, search for the quotes")
text = data.decode("utf-8")  # offsets count code points of the decoded text, not bytes
for quote, start, end in con.execute(
        "select quote, char_start, char_end from provenance where source_id = ?", [source_id]).fetchall():
    print(text[start:end] == quote, start, end, quote)
```"""


def _articles() -> list[str]:
    return ["## The articles' texts", "",
            "The articles' texts are not redistributed. Each fact's words are in table `provenance`: the `quote`, "
            "the article (`source_id`) and where the quote is in it (`char_start`, `char_end`: offsets in Unicode "
            "code points of the article's text decoded from UTF-8, end exclusive). `sources.url` gives the page the "
            "article was saved from (null where the collector recorded none); `sources.sha256` (of the text's "
            "bytes) tells whether a text you fetched is the very same one the offsets count in; `sources.path` is "
            "the project's own copy, not shipped.", "",
            "To check the quotes of an article against a text you fetched:", "", _QUOTE_CHECK]
