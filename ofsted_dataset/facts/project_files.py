"""The entries of raw/ and mappings/: regular files of the project only, read with a bound.

A build publishes what it reads, so what it reads must be the project's own files. A symbolic link in
raw/ (git stores them, so a contribution can carry one) would publish whatever it points at — any
file on the machine — and a link to a device such as /dev/zero would be read without end. So every
entry that is not a regular file is refused by name, nothing behind it is opened, and an article is
read through a descriptor opened without following links and checked to be a regular file (no race
between looking and reading), never past the size limit whatever the file system reports.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ofsted_dataset.errors import Problem

_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


class NotReadable(Exception):
    """An entry that is not a regular file of the project, or bigger than allowed; the message says which."""


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def refusal(path: Path) -> str | None:
    """Why this entry is not one of the project's own files, or None for a regular file."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return (f"is a symbolic link (to {os.readlink(path)}), not a file: the build reads only the project's "
                "own files; put the file itself here")
    if not stat.S_ISREG(mode):
        return f"is {_kind(mode)}, not a file: only files belong here"
    return None


def list_entries(folder: Path, shown: str, suffix: str) -> tuple[list[Path], list[Problem]]:
    """The regular `*<suffix>` files of `folder`, sorted by name, and a problem for every entry that is
    not a regular file (whatever its name: a link is refused before anything follows it). `shown` is
    the folder as messages name it (raw, mappings)."""
    if folder.is_symlink():
        return [], [Problem(f"{shown}/", None, "", f"is a symbolic link (to {os.readlink(folder)}): {shown}/ must "
                                                  "be a folder of the project, not a link to one elsewhere")]
    if not folder.is_dir():
        return [], []
    files, problems = [], []
    with os.scandir(folder) as scanned:
        entries = sorted(scanned, key=lambda e: e.name)
    for entry in entries:
        path = Path(entry.path)
        # The listing knows a regular file's type (no system call); anything else is looked at again.
        reason = None if entry.is_file(follow_symlinks=False) else refusal(path)
        if reason:
            problems.append(Problem(f"{shown}/{entry.name}", None, "", reason))
        elif entry.name.endswith(suffix):
            files.append(path)
    return files, problems


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, reading at most `limit` + 1 of them: the size a file system reports can be
    wrong (0 for /dev/zero), the bytes read cannot.

    A regular file is read as the size it reports, plus one byte to see whether it has grown since: asking
    for `limit` + 1 bytes at once makes Python set aside that much (5 MB for an article) for each read, which
    was two thirds of reading a 5 KB article."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise NotReadable(f"cannot be read ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotReadable(f"is {_kind(status.st_mode)}, not a file: only files belong here")
        expected = min(status.st_size, limit)
        data = handle.read(expected + 1)
        if len(data) > expected:  # grown since, or over the limit: read on, up to the bound
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise NotReadable(too_large(limit))
    return data


def too_large(limit: int, size: int | None = None) -> str:
    found = f"{size / 1_000_000:.1f} MB" if size is not None else f"more than {limit // 1_000_000} MB read"
    return (f"too large ({found}; the limit is {limit // 1_000_000} MB): an article is a few KB, "
            "is this the right file?")
