"""Snapshot Ofsted's official statistics and turn them into the small extract the checks read.

A release must be reproducible from a clean clone with no network, so the build never reads the
spreadsheets. This step does (the command `ofsted-dataset official-snapshot`, or its scheduled
deployment in flows/official_snapshot.py): it downloads them when it can into staged/official/
(git-ignored), records what it got in staged/official/snapshot.json, and parses them into
reference/official/outcomes.csv plus reference/official/snapshot.json. It never commits: a person
reviews `git diff reference/official` and commits, and its account says whether there is anything to
review.

Failure to download is a normal outcome, not an error: the step reports it and goes on with the
snapshot already staged, or the committed extract, or, with neither, reports "not available" (the
checks then mark every row not_checked).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any

from ofsted_dataset.atomic_files import write_json_atomically, write_text_atomically
from ofsted_dataset.facts.reference import Register
from ofsted_dataset.json_files import read_json_object
from ofsted_dataset.official.councils import CouncilCodes
from ofsted_dataset.official.download import fetch, sha256
from ofsted_dataset.official.extract import csv_text
from ofsted_dataset.official.read import merge, read_workbook
from schemas.official_extract import OFFICIAL_OUTCOMES

STAGED_DIR = Path("staged") / "official"
_LOCATION = Path(OFFICIAL_OUTCOMES.location or "")  # where the definition says the extract lives
EXTRACT_DIR = _LOCATION.parent  # reference/official
EXTRACT_NAME = _LOCATION.name  # outcomes.csv
METADATA_NAME = "snapshot.json"

# Where each file is published: the GOV.UK page of its statistics release. A page is HTML; the
# fetcher follows its link to the attachment of the same file name. A direct file address, file://
# URL or path also works.
DEFAULT_SOURCES: dict[str, str] = {
    "LA_Inspection_Outcomes_as_at_31_March_2025.ods":
        "https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2025",
    "Childrens_social_care_in_England_2023_underlying_data.ods":
        "https://www.gov.uk/government/statistics/childrens-social-care-in-england-2023",
}
# Overrides DEFAULT_SOURCES: "name=url;name=url" (for example file:///work/shared/official/...).
SOURCES_ENV = "OFSTED_OFFICIAL_SOURCES"

LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": "Contains public sector information licensed under the Open Government Licence v3.0 "
                   "(Ofsted official statistics).",
}

REVIEW = ("Review `git diff reference/official` and commit it: builds in this folder check against it from now "
          "on.")


@dataclass(frozen=True)
class Fetch:
    """What happened to one configured source."""

    name: str
    source_url: str
    status: str  # downloaded, unchanged (same bytes as staged), failed
    message: str = ""


@dataclass
class SnapshotResult:
    available: bool  # an extract exists for the checks to read
    extract: Path | None
    status: str  # "updated", "unchanged", "kept existing extract" or "not available"
    fetches: list[Fetch] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # metadata of the staged files used
    inspections: int = 0  # rows of the extract
    problems: list[str] = field(default_factory=list)  # rows of the files that could not be read
    changed: list[str] = field(default_factory=list)  # files of reference/official/ this run changed

    def lines(self) -> list[str]:
        """The account a person reads: whether reference/official/ changed and so needs a review."""
        rows = f"{self.inspections} inspection(s) in the extract"
        heads = {
            "updated": f"Official record: reference/official/ changed ({', '.join(self.changed)}); {rows}",
            "unchanged": f"Official record: reference/official/ unchanged; {rows}",
            "kept existing extract": f"Official record: no spreadsheet staged; reference/official/ kept as it was; "
                                     f"{rows}",
            "not available": "Official record: not available (no spreadsheet staged and no extract in "
                             "reference/official/); a build marks every check not_checked",
        }
        lines = [heads[self.status]]
        if self.fetches:
            lines.append("Sources: " + ", ".join(
                f"{f.name}: {f.status}" + (f" ({f.message})" if f.message else "") for f in self.fetches))
        lines += [f"  could not read: {problem}" for problem in self.problems]
        if self.changed and EXTRACT_NAME not in self.changed:
            lines.append(f"{EXTRACT_NAME} is as it was; only {', '.join(self.changed)} changed (which files were "
                         "read, from where, retrieved when).")
        if self.changed:
            lines.append(REVIEW)
        return lines


def extract_path(root: Path) -> Path:
    """The committed extract a build checks against, in the project at `root`."""
    return root / EXTRACT_DIR / EXTRACT_NAME


def describe_extract(root: Path) -> str:
    """The extract a build reads, in one line for the run summary: its size and where it came from."""
    extract = extract_path(root)
    if not extract.is_file():
        return ("Official record: no extract in reference/official/ (run `ofsted-dataset official-snapshot`); "
                "every check is not_checked")
    described = read_json_object(root / EXTRACT_DIR / METADATA_NAME)
    rows = described.get("extract", {}).get("rows") or _rows(extract)
    files = ", ".join(f"{f['name']} (retrieved {f['retrieved']})" for f in described.get("files", []))
    return f"Official record: {rows} inspection(s) in the committed extract" + (f", from {files}" if files else "")


def release_pages(root: Path) -> dict[str, str]:
    """Each official file of the committed extract with the web page of the statistics release it comes
    from (snapshot.json), for readers to find the official row an inspection matched."""
    described = read_json_object(root / EXTRACT_DIR / METADATA_NAME)
    return {f["name"]: f["release_page"] for f in described.get("files", []) if f.get("name") and f.get("release_page")}


def sources_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The configured sources: OFSTED_OFFICIAL_SOURCES ("name=url;name=url") if set, else the defaults."""
    value = (os.environ if environ is None else environ).get(SOURCES_ENV, "").strip()
    if not value:
        return dict(DEFAULT_SOURCES)
    pairs = [item.split("=", 1) for item in value.split(";") if item.strip()]
    bad = [p[0] for p in pairs if len(p) != 2]
    if bad:
        raise ValueError(f"{SOURCES_ENV}: expected name=url;name=url, got {value!r}")
    return {name.strip(): url.strip() for name, url in pairs}


def _rows(extract: Path) -> int:
    """Inspections in an extract: its lines after the header (no cell holds a line break)."""
    return len(extract.read_text(encoding="utf-8").splitlines()) - 1


def _stage(staged: Path, name: str, url: str, today: dt.date, timeout: float,
           previous: dict[str, dict[str, Any]]) -> tuple[Fetch, dict[str, Any] | None]:
    try:
        data = fetch(name, url, timeout)
    except (OSError, ValueError, HTTPException, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Fetch(name, url, "failed", f"{type(exc).__name__}: {reason}"), None
    digest = sha256(data)
    old = previous.get(name)
    target = staged / name
    if old and old.get("sha256") == digest and target.is_file() and sha256(target.read_bytes()) == digest:
        # Same bytes as before: keep the first retrieval date, so an unchanged file changes nothing.
        return Fetch(name, url, "unchanged"), {**old, "source_url": url}
    staged.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=staged, delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(target)
    return Fetch(name, url, "downloaded"), {
        "name": name, "source_url": url, "sha256": digest, "bytes": len(data), "retrieved": today.isoformat()}


def _staged_metadata(present: list[Path], previous: dict[str, dict[str, Any]],
                     sources: Mapping[str, str]) -> list[dict[str, Any]]:
    """What is staged, file by file: as fetched, or, for a file put there by hand, as it is."""
    metadata = []
    for path in present:
        meta = previous.get(path.name)
        data = path.read_bytes()
        if meta is None or meta.get("sha256") != sha256(data):
            meta = {"name": path.name, "source_url": sources.get(path.name, ""), "sha256": sha256(data),
                    "bytes": len(data), "retrieved": dt.date.fromtimestamp(path.stat().st_mtime).isoformat()}
        metadata.append(meta)
    return metadata


def write_extract(files: list[Path], metadata: list[dict[str, Any]], out_dir: Path,
                  register: Register) -> tuple[int, list[str]]:
    """Parse the staged spreadsheets and write outcomes.csv and snapshot.json (sorted, stable)."""
    codes = CouncilCodes(register)
    books = [read_workbook(path, codes) for path in files]
    inspections = merge(books)
    text = csv_text(r.row() for r in inspections)
    write_text_atomically(out_dir / EXTRACT_NAME, text)
    described = {
        "description": "Extract of Ofsted's official statistics on inspections of local authority children's "
                       "services, one row per inspection or visit, made by ofsted_dataset/official/snapshot.py. "
                       "See docs/official-checks.md.",
        "publisher": "Ofsted (Office for Standards in Education, Children's Services and Skills)",
        "licence": LICENCE,
        # source_url is where the bytes came from (maybe a local copy); release_page is Ofsted's page.
        "files": [{**m, "release_page": DEFAULT_SOURCES.get(m["name"], "")}
                  for m in sorted(metadata, key=lambda m: m["name"])],
        "tables_read": {b.name: b.tables for b in sorted(books, key=lambda b: b.name)},
        "extract": {"path": EXTRACT_NAME, "rows": len(inspections), "bytes": len(text.encode("utf-8")),
                    "sha256": sha256(text.encode("utf-8"))},
    }
    write_json_atomically(out_dir / METADATA_NAME, described)
    problems = sorted(p for b in books for p in b.problems)
    return len(inspections), problems


def _contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in (EXTRACT_NAME, METADATA_NAME)
            if (folder / name).is_file()}


def snapshot(root: Path, sources: Mapping[str, str] | None = None, today: dt.date | None = None, *,
             timeout: float = 10.0, register: Register | None = None) -> SnapshotResult:
    """Fetch each source (name -> URL, file:// URL or path; default: `sources_from_env()`) into
    staged/official, then regenerate reference/official/ from every spreadsheet staged there.
    `today` (default: the UTC date) is the retrieval date of what is downloaded. Never raises for an
    unreachable source."""
    sources = sources_from_env() if sources is None else sources
    today = today or dt.datetime.now(dt.UTC).date()
    staged, out_dir = root / STAGED_DIR, root / EXTRACT_DIR
    previous = {f["name"]: f for f in read_json_object(staged / METADATA_NAME).get("files", []) if "name" in f}
    fetches: list[Fetch] = []
    for name, url in sorted(sources.items()):
        result, meta = _stage(staged, name, url, today, timeout, previous)
        fetches.append(result)
        if meta is not None:
            previous[name] = meta
    present = sorted(staged.glob("*.ods")) if staged.is_dir() else []
    extract = out_dir / EXTRACT_NAME
    if not present:
        if extract.is_file():
            return SnapshotResult(True, extract, "kept existing extract", fetches, inspections=_rows(extract))
        return SnapshotResult(False, None, "not available", fetches)
    metadata = _staged_metadata(present, previous, sources)
    write_json_atomically(staged / METADATA_NAME, {"files": metadata})
    before = _contents(out_dir)
    count, problems = write_extract(present, metadata, out_dir, register or Register.load(root))
    after = _contents(out_dir)
    changed = [name for name in after if before.get(name) != after[name]]
    return SnapshotResult(True, extract, "updated" if changed else "unchanged", fetches, metadata, count, problems,
                          changed)
