"""Rebuild the current release from the inputs in the repository and compare it byte for byte.

It sits beside the pipeline, not in release/, because it depends on both: the build is the pipeline's
own (`pipeline.run`, up to validation), then the release writers run. The release date is the one
recorded when the release was made (its datapackage.json `created`), so a rebuild from a clean clone
must give the very same Parquet, CSV, datapackage.json and data dictionary. The release page is
rebuilt too (from the release's own changelog). The DuckDB file and the zip that carries it are
verified by content instead (see release/files.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ofsted_dataset import pipeline
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.page import write_release_page
from ofsted_dataset.release.publish import current_version, write_release


def reproduce(root: Path, version: str | None = None) -> list[str]:
    """Files of the rebuilt release that differ from the published ones (empty: byte-identical)."""
    published = root / "published"
    current = current_version(published)
    version = version or current
    if version is None or version != current:
        raise PipelineError(f"only the current release ({current}) can be rebuilt from raw/ and mappings/ "
                            f"as they are now; asked for {version}")
    release = published / version
    created = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["created"]
    tables = pipeline.run(root, until="validate").applied.tables
    out = root / "staged" / "reproduce"
    if out.exists():
        shutil.rmtree(out)
    write_release(out, tables, version, created, root)
    if (release / "index.html").is_file():  # the page also shows the changelog and links changes.json
        for name in ("CHANGES.md", "changes.json"):
            shutil.copy(release / name, out / name)
        write_release_page(out)
    rebuilt = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return [name for name in rebuilt
            if not (release / name).is_file() or (release / name).read_bytes() != (out / name).read_bytes()]
