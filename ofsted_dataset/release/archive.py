"""The zip of a release: every file of it (SHA256SUMS included) under the version's folder, with fixed
timestamps and order, deflated; the same files give the same bytes, however the zip was made.

A member is compressed in blocks, each on its own, two at a time, as the file is read: one deflate stream,
as pigz writes. A file of up to BLOCK_BYTES is one block, and comes out as the very bytes zipfile's `writestr`
gives it (every member of every zip published so far is under 7 MB). A larger file (the database and
provenance.csv of a big release) is cut where its content says (`_cut`), not at fixed offsets, so that a
change in one place leaves every other block as it was.

Compressing is most of the cost of a release's zip, and a patch release changes little. From the previous
release's zip, a release takes a member whose file did not change as it is compressed, and the blocks of a
changed file that did not change, as the block index (BLOCKS_INDEX, kept by the publish in staged/) lists
them. Either way the zip is the same bytes as compressing every member gives.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Protocol

import numpy as np

from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.json_files import read_json_object
from ofsted_dataset.release.files import CHECKSUMS, archive_name, is_archive, listed_checksums, sha256_file

# Zip members of up to this size are always compressed afresh: it costs next to nothing, and it is how a
# release learns that this zlib compresses as the one that wrote the previous release's zip (write_archive).
ALWAYS_COMPRESSED_BYTES = 64 * 1024
# A file of up to this much is one block.
BLOCK_BYTES = 16 * 1024 * 1024
# A block of a larger file holds at least MIN_BLOCK_BYTES (at least 64 bytes), ends at the first cut after that
# (`_cut`), and holds at most CUT_BLOCK_BYTES. A patch release's database file differs from the previous one's in
# pages scattered through it, each of which changes the whole block it falls in: with blocks of 4 to 16 MiB, a
# change at 10,000 articles compressed 25 MB of the 138 MB file again.
MIN_BLOCK_BYTES = 1024 * 1024
CUT_BLOCK_BYTES = 4 * 1024 * 1024
# A cut follows a newline byte whose 64 bytes after it hash to 0 in this many bits: one newline in 4,096 at
# random. The bytes after it: in a CSV file they start the next row, with its key. The end of a row repeats from
# row to row (a theme, a flag, a quote's last words): hashing the 64 bytes before each newline found no cut at
# all in the 17 MB recommendations.csv of a 10,000-article benchmark release, so that a change anywhere in its
# first 16 MB (the largest block then) compressed all of them again. 8 bytes gave a few hundred different values
# in a provenance.csv of 300,000 rows, and never 0.
_CUT_BITS = 12
_WINDOW_WORDS = 8  # the 64 bytes, as 8 little-endian 64-bit numbers
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing's multiplier (2**64 / the golden ratio), and seed
_AFTER = np.arange(1, 8 * _WINDOW_WORDS + 1)  # from a newline's position, the bytes after it
_SEARCHED_AT_ONCE = 256 * 1024  # bytes searched for cuts at once: bounded memory, even in a file of newlines
# Blocks compressed at once, one a core of the machine that publishes (zlib lets go of the GIL).
_WORKERS = 2
# A zip member's local header, up to its name: signature, versions, flags, method, time, date, CRC, sizes,
# then the lengths of the name and of the extra field that follow it (the zip format's APPNOTE, 4.3.7).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED = 0x1  # general purpose flag bit 0


@dataclass(frozen=True)
class Block:
    """One block of a member of several: the sha256 of its bytes, how many, how many compressed, and whether
    it ends the member (its compressed bytes end the stream)."""

    sha256: str
    size: int
    compressed: int
    last: bool


def write_archive(directory: Path, version: str, previous: Path | None = None,
                  blocks_index: Path | None = None, ahead: Ahead | None = None) -> Path:
    """One zip of the whole release in `directory`, plus its own checksum beside it.

    With the `previous` release's folder, a member whose file is the same bytes in both releases is copied
    from the previous release's zip as it is compressed, and so is each block of a member of several blocks
    that the previous zip holds, as `blocks_index` (a file the previous publish wrote) lists them (see
    `_Previous` for when); only the member's name, in its headers, names the version. `blocks_index` is then
    written again for this zip. Without a previous zip to take from, blocks are taken from `ahead` (blocks
    compressed before the zip, see `Ahead`) where it holds them."""
    path = directory / archive_name(version)
    members = sorted(p for p in directory.rglob("*") if p.is_file() and not is_archive(p))
    index: dict[str, list[Block]] = {}
    with ExitStack() as stack:
        archive = stack.enter_context(_new_archive(path))
        old = _Previous.of(directory, previous, blocks_index) if previous is not None else None
        if old is not None:
            stack.callback(old.close)
        for member in members:
            name = member.relative_to(directory).as_posix()
            info = _member_info(f"{version}/{name}")
            if old is not None and name in old.whole:
                taken = old.whole[name]
                _write_member(archive, info, taken.file_size, old.chunks(taken))
                blocks = old.blocks.get(name)
            else:
                blocks = _add_file(archive, info, member, old.block_source(name) if old is not None else ahead)
            if blocks:
                index[name] = blocks
    digest = sha256_file(path)
    (directory / f"{path.name}.sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    if blocks_index is not None:
        _write_index(blocks_index, digest, index)
    return path


def _new_archive(target: Path) -> zipfile.ZipFile:
    """A release zip open for writing. (Its members are compressed at zlib's default level, not the level
    given here, as `writestr` of a ZipInfo compresses at the ZipInfo's: the releases were made so, and keep
    their bytes.)"""
    return zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def _member_info(name: str) -> zipfile.ZipInfo:
    """A member's entry as every release zip has it: a fixed time, deflated, rw-r--r--."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _archive_file(release: Path) -> Path:
    """The zip of the release folder `release`, which is named by its version."""
    return release / archive_name(release.name)


def _layout() -> str:
    """How blocks are cut, as the blocks index records it: an index of blocks cut otherwise gives none."""
    return (f"newline, {8 * _WINDOW_WORDS} bytes after, {_CUT_BITS} bits, {MIN_BLOCK_BYTES} to {CUT_BLOCK_BYTES} "
            f"bytes, past {BLOCK_BYTES}")


def _write_index(path: Path, archive_sha256: str, index: dict[str, list[Block]]) -> None:
    """The blocks of each member of several of the zip whose sha256 is `archive_sha256`, for the next publish."""
    document = {"archive_sha256": archive_sha256, "layout": _layout(),
                "members": {name: [[b.sha256, b.size, b.compressed, b.last] for b in blocks]
                            for name, blocks in sorted(index.items())}}
    write_text_atomically(path, json.dumps(document, separators=(",", ":")) + "\n")


def _read_index(path: Path | None, archive: Path) -> dict[str, list[Block]]:
    """The blocks index at `path` when it describes `archive` (by the sha256 its .sha256 file gives) cut as this
    code cuts, else none."""
    document = read_json_object(path) if path is not None else {}
    try:
        listed = archive.with_name(archive.name + ".sha256").read_text(encoding="utf-8").split(" ", 1)[0]
        if document.get("archive_sha256") != listed or document.get("layout") != _layout():
            return {}
        return {name: [Block(str(s), int(n), int(c), bool(last)) for s, n, c, last in blocks]
                for name, blocks in document["members"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


@dataclass(frozen=True)
class _Compressed:
    """A member of an existing zip as its compressed bytes: where they start in the file (past the member's
    local header) and what the central directory says of them."""

    offset: int
    compress_size: int
    file_size: int
    crc: int


class _Previous:
    """What the zip of the release being written takes from the previous release's zip: members whole (`whole`,
    by path in the release) and blocks of members of several (`blocks`, from the blocks index).

    A member is taken whole when its file is the same bytes in both releases (by both releases' SHA256SUMS, the
    new one written before the zip) and it is a plain deflated member whose local header is where the central
    directory says; only those above ALWAYS_COMPRESSED_BYTES are, and those of several blocks only when the
    blocks index describes the previous zip (a zip written before blocks were cut by content holds them cut
    otherwise). The smaller ones are compressed again first, and must come out as the very bytes the previous
    zip holds (and there must be one), or nothing is taken: a zlib of another version or kind, or another
    compression level, can compress the same bytes differently, and the zip must be the one compressing every
    member gives. A previous release without a zip, or with a damaged one, gives nothing to take."""

    def __init__(self, source: IO[bytes], whole: dict[str, _Compressed], blocks: dict[str, list[Block]],
                 starts: dict[str, int]) -> None:
        self.source = source
        self.whole = whole
        self.blocks = blocks
        self.starts = starts  # where the compressed bytes of each member of `blocks` start in the previous zip

    @classmethod
    def of(cls, directory: Path, previous: Path, blocks_index: Path | None) -> _Previous | None:
        old = _archive_file(previous)
        if not old.is_file() or not (previous / CHECKSUMS).is_file():
            return None
        source = old.open("rb")
        try:
            taken = cls._found(directory, previous, source, _read_index(blocks_index, old))
        except zipfile.BadZipFile:
            taken = None
        if taken is None:
            source.close()
        return taken

    @classmethod
    def _found(cls, directory: Path, previous: Path, source: IO[bytes], blocks: dict[str, list[Block]]
               ) -> _Previous | None:
        size = source.seek(0, io.SEEK_END)
        with zipfile.ZipFile(source) as archive:
            readable = {info.filename.removeprefix(f"{previous.name}/"): member for info in archive.infolist()
                        if (member := _compressed_member(source, size, info)) is not None}
        theirs = listed_checksums(previous)
        same = {name: member for name, digest in listed_checksums(directory).items()
                if theirs.get(name) == digest and (member := readable.get(name)) is not None
                and member.file_size == (directory / name).stat().st_size}
        small = [name for name, member in same.items() if member.file_size <= ALWAYS_COMPRESSED_BYTES]
        if not small or any(b"".join(_compressed_chunks(source, same[name])) != _compress(directory / name)
                            for name in small):
            return None
        indexed = {name: found for name, found in blocks.items() if name in readable
                   and sum(b.size for b in found) == readable[name].file_size
                   and sum(b.compressed for b in found) == readable[name].compress_size}
        whole = {name: member for name, member in same.items() if member.file_size > ALWAYS_COMPRESSED_BYTES
                 and (member.file_size <= BLOCK_BYTES or name in indexed)}
        return cls(source, whole, indexed, {name: readable[name].offset for name in indexed})

    def chunks(self, member: _Compressed) -> Iterator[tuple[bytes, int]]:
        """A member taken whole: its compressed bytes, with its CRC-32."""
        return ((data, member.crc) for data in _compressed_chunks(self.source, member))

    def block_source(self, name: str) -> _BlockSource | None:
        """Where this zip's member `name` can take blocks from: that member of the previous zip, if it has
        several blocks and can be read."""
        if name not in self.blocks:
            return None
        start, where = self.starts[name], {}
        for block in self.blocks[name]:
            where[(block.sha256, block.last)] = (start, block.compressed)
            start += block.compressed
        return _BlockSource(self.source.fileno(), where)

    def close(self) -> None:
        self.source.close()


class _Taken(Protocol):
    """Where a member's blocks can be taken from, compressed, by their sha256 and whether each is the last."""

    def take(self, sha256: str, last: bool) -> bytes | None: ...


# The most compressed bytes Ahead holds: a first release's whole zip is 55 MB at 10,000 articles, so the bound
# binds only beyond. At 100,000 articles the blocks are held while the database file loads, the publish's
# busiest moment: with up to 128 MB of them held there, the process came within 9 MB of 2 GiB.
AHEAD_BYTES = 64 << 20


class Ahead:
    """Blocks of a release's files compressed before its zip is written, exactly as the zip compresses them, by
    (sha256, last): a publish compresses them on a core that would otherwise wait for the database file, and the
    zip takes them instead of compressing them again (only the same bytes match, so a block of a file changed
    since is compressed afresh). Each block is taken once, and let go then."""

    def __init__(self) -> None:
        self.blocks: dict[tuple[str, bool], bytes] = {}

    @classmethod
    def compressed(cls, files: Iterable[Path], until: Callable[[], bool], most: int = AHEAD_BYTES) -> Ahead:
        """The blocks of `files`, the largest first, cut as the zip cuts them; compressing stops once `until`
        says so (checked before each block: a block takes about a third of a second), or once `most` bytes of
        compressed blocks are held: at 100,000 articles the database file takes long enough for most of a
        release to be compressed ahead, 0.3 GB held beside everything the publish holds."""
        ahead, held = cls(), 0
        for file in sorted(files, key=lambda f: (-f.stat().st_size, f)):
            size = file.stat().st_size
            with file.open("rb") as handle:
                for block, last in _blocks(handle, size):
                    if until() or held >= most:
                        return ahead
                    sha256 = hashlib.sha256(block).hexdigest()
                    compressed = ahead.blocks[(sha256, last)] = _deflate_block(block, last=last)
                    held += len(compressed)
        return ahead

    def take(self, sha256: str, last: bool) -> bytes | None:
        return self.blocks.pop((sha256, last), None)


@dataclass(frozen=True)
class _BlockSource:
    """The compressed blocks of one member of the previous zip, by (sha256, last): where they lie in that zip
    (open as `descriptor`, read with pread, so from any thread)."""

    descriptor: int
    where: dict[tuple[str, bool], tuple[int, int]]

    def take(self, sha256: str, last: bool) -> bytes | None:
        found = self.where.get((sha256, last))
        if found is None:
            return None
        offset, length = found
        data = os.pread(self.descriptor, length, offset)
        if len(data) != length:
            raise PipelineError("the previous zip is shorter than when it was read a moment ago; was it changed "
                                "meanwhile? Nothing was published: run again")
        return data


def _compressed_member(source: IO[bytes], size: int, info: zipfile.ZipInfo) -> _Compressed | None:
    """Where the compressed bytes of the member `info` lie in the zip open as `source` (`size` bytes long);
    None unless it is deflated, not encrypted, and its local header is where the central directory says,
    names it, and is followed by all its bytes."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & _ENCRYPTED:
        return None
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        return None
    signature, *_, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != _LOCAL_HEADER_SIGNATURE or source.read(name_length) != info.filename.encode("utf-8"):
        return None
    offset = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    if offset + info.compress_size > size:
        return None
    return _Compressed(offset, info.compress_size, info.file_size, info.CRC)


def _compressed_chunks(source: IO[bytes], member: _Compressed) -> Iterator[bytes]:
    """A member's compressed bytes, read from the zip open as `source` a block at a time."""
    source.seek(member.offset)
    for start in range(0, member.compress_size, BLOCK_BYTES):
        wanted = min(BLOCK_BYTES, member.compress_size - start)
        data = source.read(wanted)
        if len(data) != wanted:
            raise PipelineError(f"{getattr(source, 'name', 'the previous zip')}: shorter than when it was read a "
                                "moment ago; was it changed meanwhile? Nothing was published: run again")
        yield data


def _compress(file: Path) -> bytes:
    """The file's bytes compressed exactly as write_archive compresses a member, for `_Previous` to compare
    with the previous zip's."""
    return b"".join(data for data, _, _ in _deflate(file, file.stat().st_size))


def _add_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: Path, taken: _Taken | None = None
              ) -> list[Block]:
    """What `archive.writestr(info, file.read_bytes())` did, without holding the whole file in memory (for a
    file of one block, the very same bytes), blocks found in `taken` taken from there; returns the member's
    blocks when it has several."""
    size = file.stat().st_size
    blocks: list[Block] = []

    def pieces() -> Iterator[tuple[bytes, int]]:
        for data, crc, block in _deflate(file, size, taken):
            if block is not None:
                blocks.append(block)
            yield data, crc

    _write_member(archive, info, size, pieces())
    return blocks


def _deflate(file: Path, size: int, taken: _Taken | None = None
             ) -> Iterator[tuple[bytes, int, Block | None]]:
    """The compressed bytes of `file` (`size` bytes long), in order, each block's with the CRC-32 of the file's
    bytes up to its end and, in a file of several blocks, what the block is (`Block`).

    The file is read a block at a time as the blocks before it are written: _WORKERS blocks compressed at once
    and one more waiting its turn, so memory holds a few blocks whatever the file's size, and the cores are
    never idle for want of a block read. Each block is compressed on its own, with nothing of the one before,
    and ends on a byte boundary (a full flush) but the last, which ends the stream: together they are one raw
    deflate stream, as pigz writes. A file of one block is thus compressed as writestr compresses it: zlib's
    default level, in one go. A block that `taken` holds is taken from there: the same bytes."""
    with file.open("rb") as handle, ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        blocks = _submitted(pool, handle, size, taken)
        waiting = deque(islice(blocks, _WORKERS))
        while waiting:
            work, crc = waiting.popleft()
            waiting.extend(islice(blocks, 1))
            data, block = work.result()
            yield data, crc, block
        if handle.tell() != size or handle.read(1):
            raise PipelineError(f"{file}: not the {size} bytes it was a moment ago; was it changed meanwhile? "
                                "Nothing was published: run again")


def _submitted(pool: ThreadPoolExecutor, handle: IO[bytes], size: int, taken: _Taken | None
               ) -> Iterator[tuple[Future[tuple[bytes, Block | None]], int]]:
    """The blocks of the file open as `handle`, each handed to `pool` to compress (or take) as it is read,
    with the CRC-32 of the file's bytes up to its end (which, chained from block to block, is computed in
    order)."""
    crc = 0
    several = size > BLOCK_BYTES
    for block, last in _blocks(handle, size):
        crc = zlib.crc32(block, crc)
        yield pool.submit(_block_bytes, block, last, several, taken), crc


def _blocks(handle: IO[bytes], size: int) -> Iterator[tuple[bytes | memoryview, bool]]:
    """The file open as `handle` (`size` bytes long) in blocks, each with whether it is the last: one block
    up to BLOCK_BYTES; past that, blocks cut by content (`_cut`), of MIN_BLOCK_BYTES to CUT_BLOCK_BYTES but the
    last. A file shorter than `size` ends early (`_deflate` says so). Each block is read from where the one
    before ended, up to CUT_BLOCK_BYTES, and is a view of what was read: no copy."""
    if size <= BLOCK_BYTES:
        yield handle.read(size), True
        return
    start = 0
    while True:
        handle.seek(start)
        wanted = min(CUT_BLOCK_BYTES, size - start)
        data = handle.read(wanted)
        cut = _cut(data) or len(data)
        if start + cut >= size or cut == len(data) < wanted:
            yield memoryview(data)[:cut], True
            return
        yield memoryview(data)[:cut], False
        start += cut


def _cut(data: bytes) -> int | None:
    """Where the block starting `data` ends: just past the first newline at or after MIN_BLOCK_BYTES whose 64
    bytes after it (within `data`) hash to 0 in _CUT_BITS bits, or None when there is no such newline. The cuts
    of a file depend on its bytes alone, so a change moves the cuts near it and no others. The hash: from the seed
    _GOLDEN, for each of the 8 words in turn, exclusive-or the word, then multiply by _GOLDEN (modulo 2**64);
    its top _CUT_BITS bits. The bytes are searched a window at a time: a cut is usually in the first few."""
    view = np.frombuffer(data, dtype=np.uint8)
    for low in range(MIN_BLOCK_BYTES, view.size, _SEARCHED_AT_ONCE):
        ends = np.flatnonzero(view[low:low + _SEARCHED_AT_ONCE] == 0x0A) + low
        ends = ends[ends + _AFTER[-1] < view.size]
        words = np.ascontiguousarray(view[ends[:, None] + _AFTER]).view("<u8")
        hashed = np.full(ends.size, _GOLDEN, dtype=np.uint64)
        for word in range(_WINDOW_WORDS):
            hashed = (hashed ^ words[:, word]) * _GOLDEN
        chosen = ends[hashed >> np.uint64(64 - _CUT_BITS) == 0]
        if chosen.size:
            return int(chosen[0]) + 1
    return None


def _block_bytes(block: bytes | memoryview, last: bool, several: bool, taken: _Taken | None
                 ) -> tuple[bytes, Block | None]:
    """One block compressed on its own, or taken (from the previous zip, or compressed ahead); and, in a file
    of `several`, what it is."""
    if not several and taken is None:
        return _deflate_block(block, last=last), None
    sha256 = hashlib.sha256(block).hexdigest()
    data = taken.take(sha256, last) if taken is not None else None
    if data is None:
        data = _deflate_block(block, last=last)
    return data, Block(sha256, len(block), len(data), last) if several else None


def _deflate_block(block: bytes | memoryview, *, last: bool) -> bytes:
    """One block compressed on its own, as a raw deflate stream (zipfile's) at zlib's default level (writestr
    of a ZipInfo's), ended if it is the `last`, else flushed to a byte boundary for the next block to follow."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(block) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _write_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_size: int,
                  pieces: Iterable[tuple[bytes, int]]) -> None:
    """Add to `archive` the member `info`, of a file of `file_size` bytes, from its compressed bytes (`pieces`,
    each with the CRC-32 of the file known once it is written), byte for byte as `writestr` adds one: zipfile
    has no public way to add compressed bytes, so this does what writestr does around compressing. Its local
    header, written at the end of the members, with the ZIP64 extra field when writestr would add one (it
    decides from the size alone); then the bytes; then the header again, now with their CRC and size; then the
    entry that the central directory, written on closing, lists."""
    target = archive.fp
    assert target is not None, "the archive is open for writing"
    zip64 = file_size * 1.05 > zipfile.ZIP64_LIMIT
    info.CRC, info.compress_size, info.file_size = 0, 0, file_size
    info.header_offset = archive.start_dir
    target.seek(info.header_offset)
    target.write(info.FileHeader(zip64=zip64))
    for data, crc in pieces:
        target.write(data)
        info.compress_size += len(data)
        info.CRC = crc
    archive.start_dir = target.tell()
    target.seek(info.header_offset)
    target.write(info.FileHeader(zip64=zip64))
    target.seek(archive.start_dir)
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info

