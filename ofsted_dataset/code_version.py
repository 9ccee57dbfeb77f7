"""The pipeline's own code, as files: what every cache and the no-change fingerprint depend on.

One rule for both: every Python file of the package and of `schemas/`. A change to any of them makes
the next run recompute everything, which is always correct and, as code changes are rare next to
changes of articles and mappings, cheap enough.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def code_files() -> list[Path]:
    """Every source file whose change can change a build's output, in a stable order."""
    return sorted([*_PACKAGE.rglob("*.py"), *(_PACKAGE.parent / "schemas").glob("*.py")])


@lru_cache(maxsize=1)
def code_version() -> str:
    """One hash of every file of `code_files()` (read once per process)."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(_PACKAGE.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
