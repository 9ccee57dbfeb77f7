"""Snapshot Ofsted's official statistics and turn them into the small extract the checks read.

A release must be reproducible from a clean clone with no network, so the build never reads the
spreadsheets: this step downloads them (when it can) into staged/official/ (git-ignored), records
what it got in staged/official/snapshot.json, and parses them into reference/official/outcomes.csv
plus reference/official/snapshot.json, which are committed. The check stage reads only the extract.

Failure to download is a normal outcome, not an error: the step reports it and goes on with the
snapshot already staged, or the committed extract, or, with neither, reports "not available" (the
checks then mark every row not_checked).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from datetime import date
from http.client import HTTPException
from pathlib import Path
from typing import Any

from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.build.reference import Register
from ofsted_dataset.official.read import EXTRACT_COLUMNS, CouncilCodes, merge, read_workbook

STAGED_DIR = Path("staged") / "official"
EXTRACT_DIR = Path("reference") / "official"
EXTRACT_NAME = "outcomes.csv"
METADATA_NAME = "snapshot.json"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Where each file is published: the GOV.UK page of its statistics release. A page is HTML; the
# fetcher follows its link to the attachment of the same file name (asset addresses change with
# every re-upload, the release page does not). A direct file address, file:// URL or path also works.
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

MAX_BYTES = 50_000_000  # far above the real files (2 MB); stops a runaway download


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

    def summary(self) -> str:
        fetched = ", ".join(f"{f.name}: {f.status}" + (f" ({f.message})" if f.message else "") for f in self.fetches)
        return f"Official record: {self.status}; {self.inspections} inspection(s) in the extract. {fetched}".strip()


def extract_path(root: Path) -> Path:
    """The committed extract a build checks against, in the project at `root`."""
    return root / EXTRACT_DIR / EXTRACT_NAME


def describe_extract(root: Path) -> str:
    """The extract a build reads, in one line for the run summary: its size and where it came from."""
    extract = extract_path(root)
    if not extract.is_file():
        return ("Official record: no extract in reference/official/ (run `ofsted-dataset official-snapshot`); "
                "every check is not_checked")
    described = _load_json(root / EXTRACT_DIR / METADATA_NAME)
    rows = described.get("extract", {}).get("rows", len(extract.read_text(encoding="utf-8").splitlines()) - 1)
    files = ", ".join(f"{f['name']} (retrieved {f['retrieved']})" for f in described.get("files", []))
    return f"Official record: {rows} inspection(s) in the committed extract" + (f", from {files}" if files else "")


def sources_from_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The configured sources: OFSTED_OFFICIAL_SOURCES ("name=url;name=url") if set, else the defaults."""
    value = (os.environ if environ is None else environ).get(SOURCES_ENV, "").strip()
    if not value:
        return dict(DEFAULT_SOURCES)
    pairs = [item.split("=", 1) for item in value.split(";") if item.strip()]
    bad = [p[0] for p in pairs if len(p) != 2]
    if bad:
        raise ValueError(f"{SOURCES_ENV}: expected name=url;name=url, got {value!r}")
    return {name.strip(): url.strip() for name, url in pairs}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_ods(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, KeyError):
        return False


def _read_url(url: str, timeout: float) -> tuple[bytes, str]:
    """Bytes and content type of a URL, a file:// URL or a plain path."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("", "file"):
        path = Path(urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else url)
        return path.read_bytes(), ""
    request = urllib.request.Request(url, headers={"User-Agent": "ofsted-dataset (official statistics snapshot)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = response.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ValueError(f"more than {MAX_BYTES} bytes")
        return data, response.headers.get("Content-Type", "")


def _attachment_link(page: str, base: str, name: str) -> str | None:
    """The link on a release page to the attachment called `name`."""
    for href in re.findall(r"""href\s*=\s*["']([^"']+)["']""", page):
        target = html.unescape(href)
        if urllib.parse.unquote(urllib.parse.urlparse(target).path).rsplit("/", 1)[-1] == name:
            return urllib.parse.urljoin(base, target)
    return None


def fetch(name: str, url: str, timeout: float) -> bytes:
    """The ODS file `name` from `url` (its own address, or a page that links to it). Raises OSError or
    ValueError (network failure, not found, not an ODS); the caller reports them."""
    data, content_type = _read_url(url, timeout)
    if not _is_ods(data) and ("html" in content_type or data.lstrip()[:1] == b"<"):
        link = _attachment_link(data.decode("utf-8", "replace"), url, name)
        if link is None:
            raise ValueError(f"the page links to no file named {name}")
        data, _ = _read_url(link, timeout)
    if not _is_ods(data):
        raise ValueError("not an ODS spreadsheet")
    return data


def _load_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _stage(staged: Path, name: str, url: str, today: date, timeout: float,
           previous: dict[str, dict[str, Any]]) -> tuple[Fetch, dict[str, Any] | None]:
    try:
        data = fetch(name, url, timeout)
    except (OSError, ValueError, HTTPException, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Fetch(name, url, "failed", f"{type(exc).__name__}: {reason}"), None
    digest = _sha256(data)
    old = previous.get(name)
    target = staged / name
    if old and old.get("sha256") == digest and target.is_file() and _sha256(target.read_bytes()) == digest:
        # Same bytes as before: keep the first retrieval date, so an unchanged file changes nothing.
        return Fetch(name, url, "unchanged"), {**old, "source_url": url}
    staged.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=staged, delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(target)
    return Fetch(name, url, "downloaded"), {
        "name": name, "source_url": url, "sha256": digest, "bytes": len(data), "retrieved": today.isoformat()}


def write_extract(files: list[Path], metadata: list[dict[str, Any]], out_dir: Path,
                  register: Register) -> tuple[int, list[str]]:
    """Parse the staged spreadsheets and write outcomes.csv and snapshot.json (sorted, stable)."""
    codes = CouncilCodes(register)
    books = [read_workbook(path, codes) for path in files]
    rows = [r.as_row() for r in merge(books)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXTRACT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
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
        "extract": {"path": EXTRACT_NAME, "rows": len(rows), "bytes": len(text.encode("utf-8")),
                    "sha256": _sha256(text.encode("utf-8"))},
    }
    write_text_atomically(out_dir / METADATA_NAME, json.dumps(described, indent=2, ensure_ascii=False) + "\n")
    problems = sorted(p for b in books for p in b.problems)
    return len(rows), problems


def snapshot(root: Path, sources: dict[str, str], today: date, *, timeout: float = 10.0,
             register: Register | None = None) -> SnapshotResult:
    """Fetch each source (name -> URL, file:// URL or path) into staged/official, then regenerate
    reference/official/ from every spreadsheet staged there. Never raises for an unreachable source."""
    staged, out_dir = root / STAGED_DIR, root / EXTRACT_DIR
    staged_meta_path = staged / METADATA_NAME
    previous = {f["name"]: f for f in _load_json(staged_meta_path).get("files", []) if "name" in f}
    fetches: list[Fetch] = []
    for name, url in sorted(sources.items()):
        result, meta = _stage(staged, name, url, today, timeout, previous)
        fetches.append(result)
        if meta is not None:
            previous[name] = meta
    present = sorted(p for p in staged.glob("*.ods")) if staged.is_dir() else []
    metadata = []
    for path in present:
        meta = previous.get(path.name)
        data = path.read_bytes()
        if meta is None or meta.get("sha256") != _sha256(data):  # put there by hand: describe what is there
            meta = {"name": path.name, "source_url": sources.get(path.name, ""), "sha256": _sha256(data),
                    "bytes": len(data), "retrieved": date.fromtimestamp(path.stat().st_mtime).isoformat()}
        metadata.append(meta)
    extract = out_dir / EXTRACT_NAME
    if not present:
        if extract.is_file():
            rows = len(extract.read_text(encoding="utf-8").splitlines()) - 1
            return SnapshotResult(True, extract, "kept existing extract", fetches, inspections=rows)
        return SnapshotResult(False, None, "not available", fetches)
    write_text_atomically(staged_meta_path, json.dumps({"files": metadata}, indent=2, ensure_ascii=False) + "\n")
    before = extract.read_bytes() if extract.is_file() else None
    count, problems = write_extract(present, metadata, out_dir, register or Register.load(root))
    status = "unchanged" if before == extract.read_bytes() else "updated"
    return SnapshotResult(True, extract, status, fetches, metadata, count, problems)

