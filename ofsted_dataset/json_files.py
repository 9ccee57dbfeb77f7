"""The project's own small JSON records (the last build, the caches under staged/, an extract's metadata):
each is safe to lose, so one that is missing, unreadable or not a JSON object reads as an empty object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json_object(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
