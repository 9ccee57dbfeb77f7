"""The release page (published/<version>/index.html): its content, rendered from a release of the seed
corpus (1.1.0, made by this code: 1.0.0 and one article more; read only, edits happen in temporary copies)
with every expectation read from that release's own files, and its behaviour in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from websockets.sync.client import connect

from ofsted_dataset.release.page import render_markdown, render_release_page, write_release_page
from tests.helpers import add_article, copy_project, publish

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium"

_DIGITS = {"year": 4, "month": 7, "day": 10}


def _placed_at(row: dict[str, Any]) -> tuple[str, dt.date, str] | None:
    """Where the page must draw a graded inspection: (which date, the date, written to its precision)."""
    for kind, date, precision in (("published", "published_date", "published_date_precision"),
                                  ("visit started", "visit_start", "visit_precision")):
        if row[date] is not None:
            return kind, row[date], row[date].isoformat()[:_DIGITS[row[precision]]]
    return None


@dataclass(frozen=True)
class Release:
    """The release under test and what its own files say."""

    published: Path
    version: str
    path: Path
    descriptor: dict[str, Any]
    changes: dict[str, Any]
    inspections: list[dict[str, Any]]

    @property
    def drawn(self) -> list[dict[str, Any]]:
        """The graded inspections (inspections.overall_grade not null) with a date to draw them at, ordered
        as the chart draws them (council, date, id)."""
        return sorted((r for r in self.inspections if r["overall_grade"] is not None and _placed_at(r)),
                      key=lambda r: (r["local_authority"], _placed_at(r)[1], r["inspection_id"]))

    @property
    def undated(self) -> list[str]:
        """The graded inspections with no date at all."""
        return sorted(r["inspection_id"] for r in self.inspections
                      if r["overall_grade"] is not None and not _placed_at(r))

    @property
    def graded(self) -> list[tuple[str, str]]:
        return sorted((r["inspection_id"], r["overall_grade"]) for r in self.drawn)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """Release 1.1.0 of the seed corpus: its 1.0.0 (the session's seed_release), then one article more."""
    root = copy_project(tmp_path_factory.mktemp("page") / "project", with_release=True)
    add_article(root)
    version = publish(root).version
    assert version == "1.1.0"
    path = root / "published" / version
    return Release(root / "published", version, path,
                   json.loads((path / "datapackage.json").read_text(encoding="utf-8")),
                   json.loads((path / "changes.json").read_text(encoding="utf-8")),
                   pq.read_table(path / "data" / "inspections.parquet").to_pylist())


_MARK = re.compile(r'<circle class="mark" data-inspection-id="([^"]*)" data-grade="([^"]*)"')


@pytest.fixture(scope="module")
def page(release: Release) -> str:
    return render_release_page(release.path)


@pytest.fixture
def release_copy(release: Release, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release.path, tmp_path / release.version))


def test_the_release_under_test_is_the_current_one(release: Release) -> None:
    assert os.readlink(release.published / "current") == release.version == "1.1.0"
    assert release.descriptor["version"] == release.changes["to"] == release.version
    assert release.changes["from"] == "1.0.0"
    # The seeds' seven graded inspections are drawn; the added one (Leeds, outstanding) has no date.
    assert len(release.graded) == 7
    assert release.undated == ["leeds-2022-full-inspection"]


def test_header_shows_title_version_and_the_release_created_time(release: Release, page: str) -> None:
    assert f"<h1>{escape(release.descriptor['title'])}</h1>" in page
    assert f"<title>{escape(release.descriptor['title'])} {release.version}</title>" in page
    created = release.descriptor["created"]
    assert (f'Version <strong id="version">{release.version}</strong>, created '
            f'<time id="created" datetime="{created}">{created}</time>') in page
    # The page is the release's own: the published index.html is this rendering.
    assert (release.path / "index.html").read_text(encoding="utf-8") == page


def test_row_counts_are_read_from_the_parquet_files(release: Release, page: str) -> None:
    shown = re.findall(r'<tr><td><code>(\w+)</code></td><td>([^<]*)</td><td class="count">(\d+)</td>'
                       r'<td><a href="([^"]*)">CSV</a> · <a href="([^"]*)">Parquet</a></td></tr>', page)
    assert shown == [
        (r["name"], escape(r["title"]), str(pq.read_table(release.path / r["parquet"]["path"]).num_rows),
         r["path"], r["parquet"]["path"])
        for r in release.descriptor["resources"]]
    assert ("inspections", escape("Inspections and visits"), str(len(release.inspections)), "data/inspections.csv",
            "data/inspections.parquet") in shown


def test_every_graded_inspection_is_exactly_one_mark_with_its_grade(release: Release, page: str) -> None:
    assert sorted(_MARK.findall(page)) == release.graded  # sorted() keeps duplicates: each id exactly once
    assert page.count("data-inspection-id=") == len(release.graded)  # and no other element carries the attribute
    if release.undated:
        assert ("<p>Graded but not drawn, for want of any date: "
                + ", ".join(f"<code>{escape(i)}</code>" for i in release.undated) + ".</p>") in page
    else:
        assert "Graded but not drawn" not in page


def test_marks_are_placed_at_the_published_date_else_the_visit_start(release: Release, page: str) -> None:
    titles = re.findall(r'<circle class="mark" [^>]*><title>([^<]*)</title></circle>', page)
    assert titles == [escape(f"{r['local_authority']}: {r['overall_grade'].replace('_', ' ').capitalize()} "
                             f"({r['inspection_id']}), {_placed_at(r)[0]} {_placed_at(r)[2]}") for r in release.drawn]
    councils = re.findall(r'<g class="council" data-local-authority="([^"]*)">', page)
    assert councils == [escape(c) for c in sorted({r["local_authority"] for r in release.drawn})]
    cx = {i: float(x) for i, x in re.findall(r'data-inspection-id="([^"]*)" data-grade="[^"]*" cx="([\d.]+)"', page)}
    by_date = sorted(release.drawn, key=lambda r: _placed_at(r)[1])
    for earlier, later in itertools.pairwise(by_date):
        a, b = cx[earlier["inspection_id"]], cx[later["inspection_id"]]
        assert a < b if _placed_at(earlier)[1] < _placed_at(later)[1] else a == b, (earlier, later)


def _vocabulary(release: Release) -> list[str]:
    inspections = next(r for r in release.descriptor["resources"] if r["name"] == "inspections")
    grade = next(f for f in inspections["schema"]["fields"] if f["name"] == "overall_grade")
    return grade["constraints"]["enum"]


def test_legend_lists_the_release_grade_vocabulary_in_order(release: Release, page: str) -> None:
    known = _vocabulary(release)
    assert known[:2] == ["outstanding", "good"] and known[-1] == "inadequate"
    assert re.findall(r'<button type="button" data-grade="([^"]*)"', page) == known + sorted(
        {g for _, g in release.graded} - set(known))


def test_changelog_comes_from_the_release_files(release: Release, page: str) -> None:
    heading = (release.path / "CHANGES.md").read_text(encoding="utf-8").splitlines()[0]
    since = f" (from {release.changes['from']})" if release.changes["from"] else ""
    assert heading == f"# Changes in {release.version}{since}"
    slug = re.sub(r"[^a-z0-9]+", "-", heading[2:].lower()).strip("-")
    changes = page.split('<section id="changes">')[1].split("</section>", maxsplit=1)[0]
    assert changes.startswith(f'\n<h2>Changes</h2>\n<h3 id="changes-{slug}">{escape(heading[2:])}</h3>\n')
    for change in release.changes["schema_changes"]:
        assert (f"<tr><td>{change['resource']}</td><td>{change['field'] or ''}</td><td>{change['change']}</td>"
                f"<td>{change['level']}</td></tr>") in changes
    for conflict in release.changes.get("official_conflicts", []):
        assert f"<li>{escape(conflict)}</li>" in changes


def _html_cell(cell: str) -> str:
    """A Markdown table cell as the page writes it: `code` spans, everything else escaped."""
    return "".join(f"<code>{escape(part)}</code>" if i % 2 else escape(part) for i, part in enumerate(cell.split("`")))


def test_dictionary_comes_from_the_release_files(release: Release, page: str) -> None:
    dictionary = page.split('<section id="dictionary">')[1]
    for resource in release.descriptor["resources"]:
        assert f'<h4 id="dictionary-{resource["name"].replace("_", "-")}">{resource["name"]}</h4>' in dictionary
        section = dictionary.split(f">{resource['name']}</h4>")[1].split("</table>")[0]
        rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td>", section)
        assert rows == [(f["name"], f["type"]) for f in resource["schema"]["fields"]]
    # the dictionary's escaped pipes (\|, in the la_code pattern) are literal pipes inside the cell
    markdown = (release.path / "data-dictionary.md").read_text(encoding="utf-8").splitlines()
    escaped = next(line for line in markdown if "\\|" in line)
    cells = [c.strip().replace("\x00", "|") for c in escaped.strip()[1:-1].replace("\\|", "\x00").split("|")]
    assert "<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in cells) + "</tr>" in dictionary
    assert any("|" in c for c in cells)


def test_page_fetches_nothing(page: str) -> None:
    assert "src=" not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(not re.match(r"^[a-z]+:", h) or h == "data:," for h in hrefs), hrefs
    assert "default-src 'none'" in page


def test_render_is_deterministic_and_write_writes_it(release: Release, release_copy: Path, page: str) -> None:
    assert render_release_page(release.path) == page
    write_release_page(release_copy)
    assert (release_copy / "index.html").read_bytes() == page.encode("utf-8")


def test_changelog_html_is_escaped(release_copy: Path) -> None:
    changes = release_copy / "CHANGES.md"
    changes.write_text(changes.read_text(encoding="utf-8")
                       + '\n## <script>alert("h")</script>\n\n<script>alert("x")</script>\n\n'
                       + '- `<img src=x onerror=alert(1)>` & <b>\n\n| a | b |\n|---|---|\n| <i>c</i> | d |\n',
                       encoding="utf-8")
    html = render_release_page(release_copy)
    assert html.count("<script") == 1  # the page's own script, nothing from CHANGES.md
    assert '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>' in html
    assert ('<h4 id="changes-script-alert-h-script">&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt;</h4>'
            in html)
    assert "<li><code>&lt;img src=x onerror=alert(1)&gt;</code> &amp; &lt;b&gt;</li>" in html
    assert "<tr><td>&lt;i&gt;c&lt;/i&gt;</td><td>d</td></tr>" in html


def test_markdown_subset() -> None:
    text = ("# Title\n\nOne\nline `a|b` and `open\n\n- x\n  wrapped\n- `y`\n\n1. first\n\n"
            "| k | v |\n|---|---|\n| p \\| q | |\n")
    assert render_markdown(text, heading_offset=1, id_prefix="t-") == "\n".join([
        '<h2 id="t-title">Title</h2>',
        "<p>One line <code>a|b</code> and `open</p>",
        "<ul>\n<li>x wrapped</li>\n<li><code>y</code></li>\n</ul>",
        "<ol>\n<li>first</li>\n</ol>",
        "<table>\n<thead><tr><th>k</th><th>v</th></tr></thead>\n<tbody>\n<tr><td>p | q</td><td></td></tr>\n"
        "</tbody>\n</table>",
    ])
    assert render_markdown("## a\n\n## a\n") == '<h2 id="a">a</h2>\n<h2 id="a-2">a</h2>'


# --- in a real browser -------------------------------------------------------------------------------

class DevTools:
    """A minimal Chrome DevTools Protocol client over one page target: commands, and every event kept."""

    def __init__(self, url: str) -> None:
        self.socket = connect(url, max_size=None, open_timeout=10)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 15) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)

    def navigate(self, url: str, timeout: float = 15) -> None:
        """Load `url` and wait for its load event; events of earlier pages are dropped."""
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))))

    def settle(self) -> None:
        """Give late console messages time to arrive, then read everything sent before a round trip."""
        time.sleep(0.2)
        self.send("Runtime.evaluate", {"expression": "1"})

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        assert "exceptionDetails" not in result, result
        return result["result"]["value"]

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls and browser log errors (CSP, failed loads)."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details["text"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in {"error", "assert"}:
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def requested(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]


def _open_in_chromium(page: Path, profile: Path) -> tuple[subprocess.Popen[bytes], DevTools]:
    """Start headless Chromium with DevTools on a free port, enable the domains that report errors,
    then load `page`. The domains are enabled before the navigation, so nothing the page logs is missed."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Chromium ({INSTALL})"
    process = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
        assert process.poll() is None, f"chromium exited with {process.returncode}"
        assert time.monotonic() < deadline, "chromium did not open its DevTools port within 30 s"
        time.sleep(0.05)
    port = int(port_file.read_text().splitlines()[0])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    target = next(t for t in targets if t["type"] == "page")
    devtools = DevTools(target["webSocketDebuggerUrl"])
    for domain in ("Runtime", "Log", "Page", "Network"):
        devtools.send(f"{domain}.enable")
    devtools.navigate(page.as_uri())
    return process, devtools


def _stop(process: subprocess.Popen[bytes], devtools: DevTools | None) -> None:
    if devtools is not None:
        devtools.socket.close()
    os.killpg(process.pid, signal.SIGTERM)  # the process group started above (its own session)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.slow
def test_page_in_headless_chromium_shows_every_graded_inspection_without_errors(
        release: Release, release_copy: Path, tmp_path: Path) -> None:
    write_release_page(release_copy)
    page = release_copy / "index.html"
    process, devtools = _open_in_chromium(page, tmp_path / "profile")
    try:
        marks = devtools.evaluate(
            "Array.from(document.querySelectorAll('[data-inspection-id]')).map(m => {"
            "  const box = m.getBoundingClientRect();"
            "  return [m.dataset.inspectionId, m.dataset.grade, box.width > 0 && box.height > 0]; })")
        assert sorted(marks) == sorted([i, g, True] for i, g in release.graded)
        assert devtools.evaluate("document.querySelectorAll('[data-inspection-id]').length") == len(release.graded)
        assert devtools.evaluate("document.getElementById('version').textContent") == release.version
        # the script ran: the legend hides and shows the marks of one grade
        hidden = ("document.querySelector('.legend button[data-grade=inadequate]').click();"
                  "Array.from(document.querySelectorAll('.mark')).filter("
                  "  m => getComputedStyle(m).display === 'none').map(m => m.dataset.inspectionId).sort()")
        assert devtools.evaluate(hidden) == sorted(i for i, g in release.graded if g == "inadequate")
        assert devtools.evaluate(hidden) == []
        devtools.settle()
        assert devtools.errors() == []
        assert devtools.requested() == [page.as_uri()]  # nothing fetched but the page itself
    finally:
        _stop(process, devtools)


@pytest.mark.slow
def test_the_browser_harness_reports_errors_and_fetches(release_copy: Path, tmp_path: Path) -> None:
    """The no-errors test above proves something only if the harness sees errors: break pages on purpose."""
    write_release_page(release_copy)
    html = (release_copy / "index.html").read_text(encoding="utf-8")
    bad = '<script>console.error("boom"); throw new Error("bang")</script>'
    with_csp = release_copy / "with-csp.html"
    with_csp.write_text(html.replace("</main>", '</main><img src="https://example.invalid/x.png">' + bad),
                        encoding="utf-8")
    without_csp = release_copy / "without-csp.html"  # the script runs: its error and exception must be seen
    without_csp.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
                           .replace("</main>", "</main>" + bad), encoding="utf-8")
    process, devtools = _open_in_chromium(with_csp, tmp_path / "profile")
    try:
        devtools.settle()
        errors = devtools.errors()
        # the page's Content-Security-Policy refuses the injected script and image, and says so
        assert any("Content Security Policy" in e and "script-src" in e for e in errors), errors
        assert any("Content Security Policy" in e and "img-src" in e for e in errors), errors
        assert "https://example.invalid/x.png" in devtools.requested()  # an attempt is seen, even if blocked
        devtools.navigate(without_csp.as_uri())
        devtools.settle()
        errors = devtools.errors()
        assert "boom" in errors, errors  # console.error
        assert any(e.startswith("Error: bang") for e in errors), errors  # uncaught exception
    finally:
        _stop(process, devtools)
