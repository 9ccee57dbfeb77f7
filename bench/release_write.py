"""Writing a release on its own: the tables a build validated, published whole into an empty project.

The benchmark runs this after the builds, on the corpus's current release: its tables (read back from
Parquet, as a build holds them) and the raw texts go through the same `publish` a build ends with —
Parquet, CSV, the DuckDB file, the release page, the zip, checksums, and the verification of all of
them — into a scratch project with no release, so every file is written. The one-change figure can
then be read against it: what a build costs beyond writing the snapshot it must publish.

    python -m bench.release_write CORPUS_ROOT SCRATCH_ROOT   # prints the seconds publish took
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from ofsted_dataset.facts.arrow_tables import read_held
from ofsted_dataset.facts.ingest import ArticleTexts, read_articles
from ofsted_dataset.release.publish import publish
from schemas.arrow import ARROW_SCHEMAS


def main(argv: list[str] | None = None) -> int:
    corpus, scratch = (Path(a).resolve() for a in (sys.argv[1:] if argv is None else argv))
    release = corpus / "published" / os.readlink(corpus / "published" / "current")
    tables = {name: read_held(release / "data" / f"{name}.parquet", name) for name in ARROW_SCHEMAS}
    articles, _ = read_articles(corpus / "raw")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(corpus / "reference", scratch / "reference")
    started = time.perf_counter()
    result = publish(tables, scratch, ArticleTexts(articles))  # read an article at a time, as a build does
    print(f"{time.perf_counter() - started:.3f} s: release {result.version} of {tables['sources'].num_rows:,} "
          f"articles written and verified")
    return 0 if result.version else 1


if __name__ == "__main__":
    sys.exit(main())
