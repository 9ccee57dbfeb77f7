"""Writing a file so that a reader, or a run killed half-way, sees the old content or the new one.

The text goes to a hidden temporary file beside the target (`.<name>.<random>.tmp`, which
publish.recover() cleans up after a kill) and is renamed over it in one step. JSON documents are written in
one form everywhere (json_chunks: json.dump's, indented), whole here or streamed by release/files.write_json.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent, delete=False,
                                     prefix=f".{path.name}.", suffix=".tmp") as tmp:
        tmp.write(text)
    os.chmod(tmp.name, 0o644)  # temporary files are private; these are shared (some are committed)
    os.replace(tmp.name, path)


def link_or_copy(source: Path, target: Path) -> None:
    """`target` as another name of `source`, a file that is never written again (a release's, a cache snapshot's):
    sharing it costs nothing, where copying a release's provenance CSV (140 MB at 10,000 articles) cost as much
    again in the kernel. Copied where the file system cannot link (another device, no links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def json_text(document: dict[str, Any]) -> str:
    """A JSON document as the project writes one (json_chunks), whole, with a final newline."""
    return "".join(json_chunks(document)) + "\n"


_JSON_INDENT = "  "
_STRINGS_AT_ONCE = 10_000  # a list's strings encoded and written together


def json_chunks(value: Any, level: int = 0) -> Iterator[str]:
    """The text of `value` as json.dump gives it with indent=2 and ensure_ascii=False, in pieces. A list may be
    any sequence, read as it is written: a first release's changes.json lists every record it adds (8.5 million
    at 100,000 articles: diff.AllRecords reads them from the release's files in order, never all at once). Keys
    are strings (the documents the project writes have no others)."""
    scalar = _scalar(value)
    if scalar is not None:
        yield scalar
    elif isinstance(value, dict):
        if not value:
            yield "{}"
            return
        inner = "\n" + _JSON_INDENT * (level + 1)
        for i, (key, item) in enumerate(value.items()):
            head = ("{" if i == 0 else ",") + inner + encode_basestring(key) + ": "
            text = _scalar(item)
            if text is not None:  # most members: written with their key, without a generator of their own
                yield head + text
            else:
                yield head
                yield from json_chunks(item, level + 1)
        yield "\n" + _JSON_INDENT * level + "}"
    elif isinstance(value, Sequence):
        inner, items, opened = "\n" + _JSON_INDENT * (level + 1), iter(value), False
        while batch := list(itertools.islice(items, _STRINGS_AT_ONCE)):
            if all(isinstance(item, str) for item in batch):  # one join for the lot, as json encodes each
                yield ("," if opened else "[") + inner + ("," + inner).join(map(encode_basestring, batch))
                opened = True
                continue
            for item in batch:
                yield ("," if opened else "[") + inner
                opened = True
                yield from json_chunks(item, level + 1)
        yield "\n" + _JSON_INDENT * level + "]" if opened else "[]"
    else:
        yield json.dumps(value, ensure_ascii=False)


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _scalar(value: Any) -> str | None:
    """The text of a string, null, boolean or integer as json encodes it (without a call of json.dumps for each:
    a release's datapackage.json holds some 80,000 at 10,000 articles); None for anything else."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    return None


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """`json_text` of the document, in one step: for a file something may read while it is replaced."""
    write_text_atomically(path, json_text(document))
