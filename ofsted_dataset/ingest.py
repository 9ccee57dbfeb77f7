"""Read the raw articles: bytes, hash and decoded text.

Offsets everywhere in the dataset are code-point offsets into the text decoded from the file's
exact bytes as UTF-8, with nothing stripped or normalised, so `text[start:end]` can be checked by
anyone with the file and any language's UTF-8 decoder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ofsted_dataset.errors import Problem


@dataclass(frozen=True)
class Article:
    source_id: str
    path: str  # relative to the project root: raw/<source_id>.txt
    sha256: str
    text: str


def read_articles(raw_dir: Path) -> tuple[dict[str, Article], list[Problem]]:
    """Every `*.txt` in raw/, by source id; unreadable files are problems, not exceptions."""
    articles: dict[str, Article] = {}
    problems: list[Problem] = []
    for path in sorted(raw_dir.glob("*.txt")):
        relative = f"{raw_dir.name}/{path.name}"
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(relative, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        if not text.strip():
            problems.append(Problem(relative, None, "", "the article is empty"))
            continue
        articles[path.stem] = Article(path.stem, relative, hashlib.sha256(data).hexdigest(), text)
    return articles, problems
