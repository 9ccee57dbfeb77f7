"""A release that stands alone: the seed corpus's release 1.0.0 (built by the real pipeline) holds its README,
coverage, citation, licence texts, reference files and every document its texts point at, and its zip alone
holds them all. The expected figures are counted by hand from tests/fixtures/seed_corpus."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from ofsted_dataset.release.citation import citation_text
from ofsted_dataset.release.consumer_files import write_consumer_files
from ofsted_dataset.release.duckdb_file import MINIMUM_DUCKDB_VERSION
from ofsted_dataset.release.files import FORMULA_START, formula_characters, spreadsheet_safe
from ofsted_dataset.release.verify import verify_release
from tests.helpers import PROJECT, SEED_CORPUS, copy_inputs, tree_digest

ARCHIVE = "ofsted-dataset-1.0.0.zip"
# A file path a text mentions: `something/like/this.ext` or `README.md`. Table.column names (sources.url)
# have no file extension, so they are not taken for paths; addresses are removed first.
PATH = re.compile(r"(?<![\w./<>-])(?:[\w.<>-]+/)*[\w.<>-]+\.(?:md|csv|json|parquet|duckdb|html|txt|cff|zip|ods|py)\b")
URL = re.compile(r"\w+://\S+")
# Named by the texts but never in a release: the articles (README: "not redistributed") and the project's
# code that generates the dictionary (named in its header); both are files of the project's repository.
NOT_SHIPPED = ("raw/", "schemas/")
TEXTS = ("README.md", "data-dictionary.md", "CHANGES.md")

COVERAGE = {
    "scope": "This release covers only what the curated news articles report: the inspections they mention, of "
             "the councils they name, with the facts they state. It is not a complete record of Ofsted's "
             "inspections, which only Ofsted's official statistics give.",
    # South Gloucestershire, Sheffield, Gloucestershire, Middlesbrough, Birmingham; 153 rows in the register.
    "councils": {"covered": 5, "current_in_register": 153, "register": "reference/local_authorities.csv"},
    "inspections": {"total": 10, "by_inspection_type": {
        "full_inspection": 7, "focused_visit": 2, "monitoring_visit": 1, "joint_targeted_area_inspection": 0}},
    # birmingham-2008-full-inspection (published 2008) to the two focused visits of November 2021.
    "years": {"first": 2008, "last": 2021},
    "official_record": {"extract": "reference/official/outcomes.csv", "rows": 785,
                        "first_date": "2009-08-07", "last_date": "2025-05-14"},
    "articles": 5,
}


@pytest.fixture(scope="module")
def release(seed_release: Path) -> Path:
    return seed_release / "published" / "1.0.0"


def _readme(release: Path) -> str:
    return (release / "README.md").read_text(encoding="utf-8")


def _section(readme: str, heading: str) -> list[str]:
    """The lines of one `## heading` section, without the heading and the blank line after it."""
    start = readme.index(f"## {heading}\n") + len(heading) + 4
    end = readme.find("\n## ", start)
    return readme[start:end if end != -1 else None].strip("\n").split("\n")


def _descriptor(release: Path) -> dict:
    return json.loads((release / "datapackage.json").read_text(encoding="utf-8"))


def _descriptor_texts(descriptor: dict) -> list[str]:
    """Every description and path of a datapackage.json: the strings of it a reader follows."""
    found: list[str] = []

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("description", "path"):
            found.append(node)

    walk(descriptor)
    return found


def _mentioned(texts: list[str]) -> set[str]:
    return {m for text in texts for m in PATH.findall(URL.sub("", text)) if not m.startswith(NOT_SHIPPED)}


def _official_spreadsheets(snapshot: str) -> set[str]:
    return {f["name"] for f in json.loads(snapshot)["files"]}


def test_coverage_json_is_the_hand_counted_coverage(release):
    assert json.loads((release / "coverage.json").read_text(encoding="utf-8")) == COVERAGE


def test_readme_states_the_coverage(release):
    assert _section(_readme(release), "Coverage") == [
        COVERAGE["scope"],
        "",
        "- Councils: 5 of the 153 current councils in `reference/local_authorities.csv` (every row of the register "
        "is a current council; an abolished council appears there only as a former code of its successor).",
        "- Inspections and visits: 10 (full_inspection 7, focused_visit 2, monitoring_visit 1, "
        "joint_targeted_area_inspection 0).",
        "- Years: 2008 to 2021 (the first and last year of any inspection's visit or publication date).",
        "- Ofsted's official record, for comparison: spans 2009-08-07 to 2025-05-14 (785 rows of "
        "`reference/official/outcomes.csv`).",
        "- Articles: 5 (table `sources`).",
        "",
        "The same figures are in `coverage.json`.",
    ]


def test_readme_opens_with_the_release_and_cites_it_as_citation_text(release):
    descriptor = _descriptor(release)
    readme = _readme(release)
    assert readme.startswith(f"# {descriptor['title']}\n\nVersion 1.0.0, released {descriptor['created']}.\n\n"
                             f"{descriptor['description']}\n\n")
    assert _section(readme, "How to cite")[0] == citation_text(descriptor)


def test_readme_lists_each_table_with_its_rows(release):
    readme = _readme(release)
    assert "| `data/inspections.csv`, `data/inspections.parquet` | Inspections and visits: 10 rows " \
           "(table `inspections`) |" in readme
    assert "| `data/provenance.csv`, `data/provenance.parquet` | Provenance: 155 rows (table `provenance`) |" in readme
    for resource in _descriptor(release)["resources"]:
        assert f"| `{resource['path']}`, `{resource['parquet']['path']}` | {resource['title']}: " in readme


def test_readme_licences_credit_the_open_government_licence(release):
    licence = _section(_readme(release), "Licence")
    assert licence[0] == ("The data are licensed under Creative Commons Attribution 4.0 International (CC-BY-4.0, "
                          "https://creativecommons.org/licenses/by/4.0/); the full text is `LICENCE-CC-BY-4.0.txt`. "
                          "Credit as above.")
    assert licence[2].startswith(
        "What comes from Ofsted's official statistics is used under the Open Government Licence v3.0 "
        "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/; full text "
        "`LICENCE-OGL-3.0.txt`): `reference/official/outcomes.csv`, `reference/official/snapshot.json`, "
        "`reference/local_authorities.csv`, the table `official_checks` and the columns `inspections.official_status`,")
    assert licence[-1] == ("> Contains public sector information licensed under the Open Government Licence v3.0 "
                           "(Ofsted official statistics).")


def test_readme_says_how_to_verify_and_open(release):
    readme = _readme(release)
    assert _section(readme, "Checking what you downloaded")[0] == (
        "Inside this folder, `sha256sum -c SHA256SUMS` checks every file (on macOS `shasum -a 256 -c SHA256SUMS`). "
        "Beside the zip, `sha256sum -c ofsted-dataset-1.0.0.zip.sha256` checks the zip.")
    assert "`ofsted-dataset verify <folder>`" in readme
    assert _section(readme, "Opening the data")[:3] == [
        f"With DuckDB (version {MINIMUM_DUCKDB_VERSION} or later opens the file): `duckdb ofsted.duckdb`, then for "
        "example `select * from latest_overall_grade;`.",
        "",
        "Without the database, any Parquet reader: `duckdb -c \"select * from read_parquet("
        "'data/inspections.parquet')\"`, or in Python `pandas.read_parquet(...)`.",
    ]


def test_the_spreadsheet_characters_are_the_csv_writers_own():
    every = [chr(c) for c in range(0x110000) if re.match(FORMULA_START, chr(c))]
    assert sorted(formula_characters()) == sorted(every)


def test_only_formula_cells_get_the_apostrophe_column_by_column():
    """A column without a formula cell is kept as it is; in one with, only those cells change; nulls stay."""
    table = pa.table({"risky": ["=1", None, "a"], "plain": ["a", None, "b"], "n": [1, 2, 3]})
    safe = spreadsheet_safe(table)
    assert safe.schema == table.schema
    assert safe.to_pydict() == {"risky": ["'=1", None, "a"], "plain": ["a", None, "b"], "n": [1, 2, 3]}


def test_readme_explains_the_apostrophe_and_its_undoing_works(release):
    section = _section(_readme(release), "CSV files in a spreadsheet")
    assert section[0].startswith("In the CSV files a text cell starting with `+`, `-`, `=`, `@`, a tab or a carriage "
                                 "return is written with a leading apostrophe `'`, so that a spreadsheet shows it as "
                                 "text")
    undo = re.search(r'`re\.sub\(r"(.+?)", "", cell\)`', section[2])
    assert undo is not None
    values = ["=1+1", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", "'quoted'", "plain"]
    written = spreadsheet_safe(pa.table({"text": values}))["text"].to_pylist()
    assert written[:6] == [f"'{v}" for v in values[:6]]
    assert [re.sub(undo.group(1), "", cell) for cell in written] == values
    # The one value the CSV cannot give back, as the README says: the Parquet files hold it.
    assert spreadsheet_safe(pa.table({"text": ["'=1"]}))["text"].to_pylist() == ["'=1"]
    assert section[2].endswith("A value that itself begins with `'` and one of those characters cannot be told "
                               "from an escaped one in the CSV: the Parquet files hold it exactly.")


def test_readme_quote_check_finds_every_quote_of_an_article(release, seed_release, monkeypatch):
    source_id = "003_6e4606619b08db71"
    code = _readme(release).split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace("<source_id>", source_id).replace(
        "<your copy of its text>", str(seed_release / "raw" / f"{source_id}.txt"))
    monkeypatch.chdir(release)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "the very same text"
    assert len(lines) > 1
    assert all(line.startswith("True ") for line in lines[1:])


def test_citation_cff(release):
    descriptor = _descriptor(release)
    assert yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8")) == {
        "cff-version": "1.2.0",
        "message": "If you use this data set, please cite it as below.",
        "type": "dataset",
        "title": "Ofsted inspections of English councils' children's services, from news reports",
        "version": "1.0.0",
        "date-released": descriptor["created"][:10],
        "authors": [{"name": "ofsted-dataset contributors"}],
        "license": "CC-BY-4.0",
        "abstract": descriptor["description"],
        "keywords": descriptor["keywords"],
    }


def test_licence_texts_are_the_projects(release):
    for name in ("LICENCE-CC-BY-4.0.txt", "LICENCE-OGL-3.0.txt"):
        assert (release / name).read_bytes() == (PROJECT / "licences" / name).read_bytes()
    cc_by = (release / "LICENCE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert cc_by.startswith("Attribution 4.0 International\n\n=====")
    assert cc_by.endswith("\nCreative Commons may be contacted at creativecommons.org.\n")
    assert " ." not in cc_by.splitlines()
    assert "Section 8 -- Interpretation." in cc_by.splitlines()
    ogl = (release / "LICENCE-OGL-3.0.txt").read_text(encoding="utf-8")
    assert ogl.startswith("Open Government Licence v3.0\n")
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in ogl


def test_reference_files_and_documents_are_the_ones_the_build_used(release):
    for name in ("reference/local_authorities.csv", "reference/local_authorities.md",
                 "reference/judgement_areas.csv", "reference/official/outcomes.csv",
                 "reference/official/snapshot.json"):
        assert (release / name).read_bytes() == (SEED_CORPUS / name).read_bytes(), name
    assert not (release / "reference" / "retired_ids.csv").exists()  # the seed corpus has none
    assert (release / "docs/official-checks.md").read_bytes() == (PROJECT / "docs/official-checks.md").read_bytes()
    assert (release / "docs/data-dictionary.md").read_bytes() == (release / "data-dictionary.md").read_bytes()


def test_every_path_the_release_texts_mention_is_in_the_release(release):
    texts = [(release / name).read_text(encoding="utf-8") for name in TEXTS]
    mentioned = _mentioned([*texts, *_descriptor_texts(_descriptor(release))])
    assert {"README.md", "docs/official-checks.md", "docs/data-dictionary.md",
            "reference/local_authorities.csv", "reference/judgement_areas.csv"} <= mentioned
    spreadsheets = {m for m in mentioned if m.endswith(".ods")}
    assert spreadsheets <= _official_spreadsheets((release / "reference/official/snapshot.json").read_text())
    assert sorted(m for m in mentioned - spreadsheets if not (release / m).is_file()) == []


def test_the_zip_alone_answers(release):
    with zipfile.ZipFile(release / ARCHIVE) as archive:
        members = {name.split("/", 1)[1] for name in archive.namelist()}
        texts = [archive.read(f"1.0.0/{name}").decode("utf-8") for name in TEXTS]
        descriptor = json.loads(archive.read("1.0.0/datapackage.json"))
        snapshot = archive.read("1.0.0/reference/official/snapshot.json").decode("utf-8")
    assert {"README.md", "CITATION.cff", "coverage.json", "LICENCE-CC-BY-4.0.txt", "LICENCE-OGL-3.0.txt",
            "reference/local_authorities.csv", "reference/local_authorities.md", "reference/judgement_areas.csv",
            "reference/official/outcomes.csv", "reference/official/snapshot.json",
            "docs/official-checks.md", "docs/data-dictionary.md"} <= members
    mentioned = _mentioned([*texts, *_descriptor_texts(descriptor)])
    spreadsheets = {m for m in mentioned if m.endswith(".ods")}
    assert spreadsheets <= _official_spreadsheets(snapshot)
    # The zip cannot hold itself: its README names it and its .sha256, which sit beside it.
    assert sorted(mentioned - spreadsheets - members - {ARCHIVE}) == []


def test_the_release_with_its_consumer_files_verifies(release):
    assert verify_release(release) == []


def test_writing_again_gives_the_same_bytes(release, seed_release, tmp_path):
    copy = Path(shutil.copytree(release, tmp_path / "1.0.0"))
    published = tree_digest(release)
    for _ in range(2):
        write_consumer_files(copy, seed_release)
        assert tree_digest(copy) == published


def test_without_an_official_extract_the_readme_says_so(release, tmp_path):
    root = copy_inputs(SEED_CORPUS, tmp_path / "project")
    shutil.rmtree(root / "reference" / "official")
    folder = Path(shutil.copytree(release, tmp_path / "1.0.0"))
    shutil.rmtree(folder / "reference")
    write_consumer_files(folder, root)
    coverage = json.loads((folder / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["official_record"] == {"extract": "reference/official/outcomes.csv", "rows": 0,
                                           "first_date": None, "last_date": None}
    readme = _readme(folder)
    assert "- Ofsted's official record, for comparison: no extract of it came with this release." in readme
    assert "reference/official/" not in readme
