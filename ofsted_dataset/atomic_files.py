"""Writing a file so that a reader, or a run killed half-way, sees the old content or the new one.

The text goes to a hidden temporary file beside the target (`.<name>.<random>.tmp`, which
publish.recover() cleans up after a kill) and is renamed over it in one step.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent, delete=False,
                                     prefix=f".{path.name}.", suffix=".tmp") as tmp:
        tmp.write(text)
    os.chmod(tmp.name, 0o644)  # temporary files are private; these are shared (some are committed)
    os.replace(tmp.name, path)


def json_text(document: dict[str, Any]) -> str:
    """A JSON document as the project writes one: indented, characters as they are, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """`json_text` of the document, in one step: for a file something may read while it is replaced."""
    write_text_atomically(path, json_text(document))
