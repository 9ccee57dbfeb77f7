"""Getting one official spreadsheet's bytes: from its own address, or from the GOV.UK release page
that links to it (asset addresses change with every re-upload, the release page does not), or from a
file:// URL or a path (a local copy, for offline work and tests).

Only the snapshot downloads; the build never does.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_BYTES = 50_000_000  # far above the real files (2 MB); stops a runaway download


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_ods(data: bytes) -> bool:
    """An ODS file says so in its first zip member; an error page or a moved file does not."""
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
    if not is_ods(data) and ("html" in content_type or data.lstrip()[:1] == b"<"):
        link = _attachment_link(data.decode("utf-8", "replace"), url, name)
        if link is None:
            raise ValueError(f"the page links to no file named {name}")
        data, _ = _read_url(link, timeout)
    if not is_ods(data):
        raise ValueError("not an ODS spreadsheet")
    return data
