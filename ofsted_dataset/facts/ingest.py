"""Read the raw articles: bytes, hash and decoded text.

How offsets are defined: `char_start`/`char_end` are code-point offsets into the text decoded from
the file's exact bytes as strict UTF-8, with nothing stripped or normalised — Windows line endings
stay as two characters ("\\r\\n"), so anyone can check `text[start:end]` with any UTF-8 decoder. A
byte-order mark would be a hidden first character that many readers drop, silently shifting every
offset by one, so a file that starts with one is refused rather than guessed at.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import PipelineError, Problem
from ofsted_dataset.facts.file_digests import FileDigests
from ofsted_dataset.facts.project_files import NotReadable, list_entries, read_bounded, too_large
from schemas.patterns import SOURCE_ID

MAX_ARTICLE_BYTES = 5_000_000  # a news article is a few KB; anything this big is the wrong file
_NUL = b"\x00"
_SOURCE_ID = re.compile(SOURCE_ID)


@dataclass(frozen=True)
class Article:
    source_id: str
    path: str  # relative to the project root: raw/<source_id>.txt
    sha256: str
    text: str


@dataclass(frozen=True)
class RawFile:
    """One file of raw/, wherever raw/ lives: a local folder or object storage (an fsspec URL)."""

    name: str
    size: int
    read: Callable[[], bytes]
    stat: os.stat_result | None = None  # a local file's, when it was listed (file_digests.py keys on it)


def list_raw(location: Path | str, suffix: str = ".txt", limit: int = MAX_ARTICLE_BYTES
             ) -> tuple[list[RawFile], list[Problem]]:
    """The `*<suffix>` files of raw/ (articles; or their page records, collector.py), sorted by name,
    each read no further than `limit` + 1 bytes, and the entries refused without being opened (links,
    folders, devices: project_files.py). `location` is a folder, or a URL such as `s3://bucket/raw`
    (with s3fs installed) or `memory://raw`: fsspec lists and reads it."""
    if isinstance(location, Path):
        paths, problems = list_entries(location, "raw", suffix)
        return [RawFile(p.name, (stat := p.stat()).st_size, partial(read_bounded, p, limit), stat) for p in paths
                ], problems
    import fsspec

    fs, base = fsspec.core.url_to_fs(location)
    found = sorted(fs.glob(f"{base.rstrip('/')}/*{suffix}"))
    return [RawFile(name.rsplit("/", 1)[-1], fs.size(name), partial(fs.cat_file, name, start=0, end=limit + 1))
            for name in found], []


def _refusal(raw: RawFile) -> tuple[str | None, bytes | None]:
    """Why a raw file cannot be an article (or None), and its bytes when it was read."""
    stem = raw.name[:-4]
    if not _SOURCE_ID.match(stem):
        return (f"the file name must be lowercase letters, digits, '_' or '-' (it becomes the source_id), "
                f"found {raw.name!r}"), None
    if raw.size > MAX_ARTICLE_BYTES:
        return too_large(MAX_ARTICLE_BYTES, raw.size), None
    try:
        data = raw.read()  # at most the limit and one byte more, whatever size was reported
    except NotReadable as exc:
        return str(exc), None
    if len(data) > MAX_ARTICLE_BYTES:
        return too_large(MAX_ARTICLE_BYTES), None
    if data.startswith(codecs.BOM_UTF8):
        return ("starts with a UTF-8 byte-order mark: save it as UTF-8 without BOM (offsets count code points "
                "from the first character, and a BOM would shift them)"), data
    if _NUL in data:
        return f"is a binary file (NUL byte at byte {data.index(_NUL)}), not a text article", data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text ({exc.reason} at byte {exc.start}); convert it to UTF-8", data
    if not text.strip():
        return "is empty", data
    return None, data


def read_articles(location: Path | str, digests: FileDigests | None = None
                  ) -> tuple[ArticlesOnDisk, list[Problem]]:
    """Every `*.txt` in raw/ (a folder or an fsspec URL), by source id; files that cannot be
    articles are problems, not exceptions. With `digests` (a local folder's), an article unchanged since
    a run remembered its digest is not read now: its text is read when something asks for it. The texts of
    a local folder are not kept either, once hashed: the workers that resolve the mappings read their own,
    and validation reads each article once (at 100,000 articles, the texts held were over a gigabyte)."""
    held: dict[str, Article] = {}
    known: dict[str, tuple[str, str]] = {}
    files, problems = list_raw(location)
    for raw in files:
        relative, stem = f"raw/{raw.name}", raw.name[:-4]
        remembered = digests.recall(relative, raw.stat) if digests is not None and raw.stat is not None else None
        if remembered is not None:
            known[stem] = (relative, remembered)
            continue
        reason, data = _refusal(raw)
        if reason or data is None:
            problems.append(Problem(relative, None, "", reason or "could not be read"))
            continue
        article = Article(stem, relative, hashlib.sha256(data).hexdigest(), data.decode("utf-8"))
        known[stem] = (relative, article.sha256)
        if not isinstance(location, Path):  # object storage: read once, held
            held[stem] = article
        if digests is not None and raw.stat is not None:
            digests.remember(relative, raw.stat, article.sha256)
    return ArticlesOnDisk(location if isinstance(location, Path) else None, held, known), problems


class ArticlesOnDisk(Mapping[str, Article]):
    """Every article of a build by source id, holding the texts of those read so far and reading any other
    from raw/ when it is asked for, checked against the hash the build took: a run reads only the articles
    it needs (file_digests.py), and a batch of mappings resolved in another process reads its articles there
    (stages.Ingested.for_workers). From object storage (no `folder`) every article is held."""

    def __init__(self, folder: Path | None, held: dict[str, Article], known: dict[str, tuple[str, str]]) -> None:
        self.folder = folder  # raw/
        self.held = held
        self.known = known  # source id -> (path, sha256) of every article the build read

    def __getitem__(self, source_id: str) -> Article:
        """The article, held from now on (quote matching asks for an article again for each of its facts)."""
        if source_id not in self.held:
            self.held[source_id] = self.read(source_id)
        return self.held[source_id]

    def read(self, source_id: str) -> Article:
        """The article, read from raw/ unless it is held, and not held afterwards."""
        if source_id in self.held:
            return self.held[source_id]
        path, sha256 = self.known[source_id]
        if self.folder is None:
            raise KeyError(source_id)
        data = read_bounded(self.folder / Path(path).name, MAX_ARTICLE_BYTES)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PipelineError(f"{path} changed while the build was reading it; nothing was published: run again")
        return Article(source_id, path, sha256, data.decode("utf-8"))

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.known  # without reading the article

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with every article's source id, path and sha256 as three texts (see stages.Ingested)."""
        ids = "\n".join(self.known)
        paths = "\n".join(path for path, _ in self.known.values())
        digests = "\n".join(sha256 for _, sha256 in self.known.values())
        return _unpickled_articles, (self.folder, self.held, ids, paths, digests)

    def sha256(self, source_id: str) -> str | None:
        """The article's sha256 (hex), without reading it; None when there is no such article."""
        found = self.known.get(source_id)
        return found[1] if found else None


def _unpickled_articles(folder: Path | None, held: dict[str, Article], ids: str, paths: str, digests: str
                        ) -> ArticlesOnDisk:
    columns = [text.split("\n") if text else [] for text in (ids, paths, digests)]
    return ArticlesOnDisk(folder, held, {s: (path, sha256) for s, path, sha256 in zip(*columns, strict=True)})


class ArticleTexts(Mapping[str, str]):
    """The articles' texts by source id, each read when it is asked for and not kept (validation checks the
    quotes of the rows it checks an article at a time: after a change a few articles', on a cold build every
    one, which kept would be over a gigabyte at 100,000 articles)."""

    def __init__(self, articles: ArticlesOnDisk) -> None:
        self.articles = articles

    def __getitem__(self, source_id: str) -> str:
        return self.articles.read(source_id).text

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.articles

    def __iter__(self) -> Iterator[str]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)
