"""The sha256 of every article and mapping, remembered with each file's stat signature, so that a run
reads and hashes only the files that changed since the last run (as git's index does), not all of them:
at 10,000 articles reading and hashing every file took about 2 s of every run, a change or none.

A remembered digest stands for a file only while its size, modification time, change time (both to the
nanosecond) and inode are all as they were. Writing a file sets its modification time; setting that time
back (`touch -d`, `cp -p`, a checkout) sets its change time, and a file replaced by another has another
inode. A file modified less than RACY_NS before the digests are saved is not remembered: a second write
within one tick of a coarse file-system clock would leave its times as they were (git's "racily clean"
files), so it is read and hashed again next run. Deleting staged/ is always safe: every file is then read
and hashed again. The digests are kept in staged/cache/file-digests.json, by the file's path in the project.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.json_files import read_json_object

DIGESTS_FILE = Path("staged") / "cache" / "file-digests.json"
RACY_NS = 2_000_000_000  # a file this recent (in nanoseconds) when the digests are saved is not remembered

Entry = list[int | str]  # size, mtime_ns, ctime_ns, inode, sha256 (hex)


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _entries(path: Path) -> dict[str, Entry]:
    """The remembered digests, or none when the file is missing or not what `save` writes."""
    return {name: entry for name, entry in read_json_object(path).items()
            if isinstance(entry, list) and len(entry) == 5 and all(isinstance(v, int) for v in entry[:4])
            and isinstance(entry[4], str)}


class FileDigests:
    """The digests one run knows: those remembered by the last run, and those it hashed itself."""

    def __init__(self, root: Path) -> None:
        self.path = root / DIGESTS_FILE
        self.remembered = _entries(self.path)
        self.seen: dict[str, Entry] = {}  # every file this run has a digest of, remembered or hashed

    def recall(self, name: str, stat: os.stat_result) -> str | None:
        """The remembered sha256 (hex) of the file `name` (its path in the project), if it is unchanged."""
        entry = self.remembered.get(name)
        if entry is None or entry[:4] != _signature(stat):
            return None
        self.seen[name] = entry
        return str(entry[4])

    def remember(self, name: str, stat: os.stat_result, sha256: str) -> None:
        """The sha256 of the bytes read from `name`, whose stat before reading was `stat`."""
        self.seen[name] = [*_signature(stat), sha256]

    def of_file(self, path: Path, name: str) -> bytes:
        """The sha256 digest of the file at `path` (`name` in the project), read only if it changed."""
        stat = path.stat()
        known = self.recall(name, stat)
        if known is not None:
            return bytes.fromhex(known)
        digest = hashlib.sha256(path.read_bytes()).digest()
        self.remember(name, stat, digest.hex())
        return digest

    def save(self) -> None:
        """Remember this run's digests for the next one (files too recent to trust excepted); files this run
        did not see are forgotten. Nothing is written when nothing changed."""
        recent = time.time_ns() - RACY_NS
        kept = {name: entry for name, entry in sorted(self.seen.items())
                if int(entry[1]) < recent and int(entry[2]) < recent}
        if kept != self.remembered:
            write_text_atomically(self.path, json.dumps(kept, separators=(",", ":")) + "\n")
