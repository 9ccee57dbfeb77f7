"""The files of one release, written deterministically: same tables in, same bytes out.

Parquet (zstd, fixed options, rows sorted by key upstream), CSV, the Frictionless descriptor, the data
dictionary, SHA256SUMS and a zip archive with fixed timestamps. The DuckDB database file is written
beside them (duckdb_file.py): its format embeds non-deterministic block layout, so `ofsted.duckdb` is
the one file verified by content (its rows equal the Parquet files) rather than by bytes; the zip
carries it and so is verified by its members' checksums.

The zip of a release takes the members whose files did not change from the previous release's zip as
they are compressed (`write_archive`), and is the same bytes as compressing every member would give. A
member is compressed in blocks of BLOCK_BYTES, each on its own, two at a time and read as they are needed:
one deflate stream, as pigz writes, and for a file of one block the very bytes zipfile's `writestr` gives.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ofsted_dataset.errors import PipelineError

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                                   "write_statistics": True}
CHECKSUMS = "SHA256SUMS"
# Zip members of up to this size are always compressed afresh: it costs next to nothing, and it is how a
# release learns that this zlib compresses as the one that wrote the previous release's zip (write_archive).
ALWAYS_COMPRESSED_BYTES = 64 * 1024
# A zip member is compressed in blocks of this much of its file (`_deflate`). A file of one block comes out as
# the very bytes writestr gives it, and every member of every zip published so far is under 7 MB: at 16 MiB
# those zips keep their exact bytes, and a member taken from one is the bytes compressing it gives. A larger
# file (the database and provenance.csv of a big release) is compressed on both cores, holding a few blocks in
# memory rather than the whole file.
BLOCK_BYTES = 16 * 1024 * 1024
# Blocks compressed at once, one a core of the machine that publishes (zlib lets go of the GIL).
_WORKERS = 2
# A zip member's local header, up to its name: signature, versions, flags, method, time, date, CRC, sizes,
# then the lengths of the name and of the extra field that follow it (the zip format's APPNOTE, 4.3.7).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED = 0x1  # general purpose flag bit 0


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_name(version: str) -> str:
    return f"ofsted-dataset-{version}.zip"


def parquet_file(directory: Path, table: str) -> Path:
    """Where a release keeps a table's Parquet file: the one layout the writer, the database file, the
    diff, the verifier and the query views all read."""
    return directory / "data" / f"{table}.parquet"


# A spreadsheet turns a cell starting with one of these into a formula (CSV injection). In the CSV
# such a text value is written with a leading apostrophe, which spreadsheets show as text and hide;
# the Parquet files keep the exact value. (OWASP's recommended convention.)
FORMULA_START = r"^[=+\-@\t\r]"


def spreadsheet_safe(table: pa.Table) -> pa.Table:
    """The table as written to CSV: text cells that a spreadsheet would run as formulas get a leading '.
    (A column with no such cell, the usual case, is kept as it is rather than rebuilt.)"""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            escaped = pc.any(risky).as_py()
            columns.append(pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column) if escaped
                           else column)
        else:
            columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def write_data_files(tables: dict[str, pa.Table], directory: Path) -> dict[str, dict[str, Any]]:
    """Each table as Parquet and CSV in `directory`/data; returns {relative path: {bytes, sha256}}.

    The files are written, then hashed, two at a time, the largest tables' first so that both threads end
    together: Arrow's writers and compute functions, and hashlib, run without the GIL. Each file is written
    by one thread, its bytes the same whichever thread writes it."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    largest_first = sorted(tables.items(), key=lambda item: item[1].nbytes, reverse=True)
    writes = [write for name, table in largest_first
              for write in (partial(_write_parquet, table, parquet_file(directory, name)),
                            partial(_write_csv, table, data / f"{name}.csv"))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for written in [pool.submit(write) for write in writes]:
            written.result()
        files = sorted(data.iterdir())
        digests = list(pool.map(sha256_file, files))
    return {f"data/{p.name}": {"bytes": p.stat().st_size, "sha256": digest}
            for p, digest in zip(files, digests, strict=True)}


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(spreadsheet_safe(table), path,
                    write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))


def write_json(path: Path, document: dict[str, Any]) -> None:
    """The document, indented, streamed to the file as it is encoded: the same bytes as encoding it whole
    (both go through json's one indenting encoder), without holding them (a first release's changes.json at
    10,000 articles lists 700,000 records)."""
    with path.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def is_archive(path: Path) -> bool:
    """The zip and its checksum file: outside SHA256SUMS, since the zip carries SHA256SUMS itself."""
    return path.name.endswith((".zip", ".zip.sha256"))


def write_checksums(directory: Path) -> None:
    """SHA256SUMS of every file of the release but itself and the archive (which contains it)."""
    lines = [f"{sha256_file(p)}  {p.relative_to(directory).as_posix()}"
             for p in sorted(directory.rglob("*"))
             if p.is_file() and p.name != CHECKSUMS and not is_archive(p)]
    (directory / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def listed_checksums(directory: Path) -> dict[str, str]:
    """The sha256 SHA256SUMS of the release in `directory` gives each file, by its path in the release."""
    listed = {}
    for line in (directory / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed


def write_archive(directory: Path, version: str, previous: Path | None = None) -> Path:
    """One zip of the whole release (SHA256SUMS included), with fixed timestamps and order, plus its
    own checksum beside it.

    Compressing is most of the cost of a release's zip, and a patch release changes few files. With the
    `previous` release's folder, a member whose file is the same bytes in both releases is copied from the
    previous release's zip as it is compressed (see `_reusable_members` for when), and the zip is the same
    bytes as compressing every member gives: only the member's name, in its headers, names the version."""
    path = directory / archive_name(version)
    members = sorted(p for p in directory.rglob("*") if p.is_file() and not is_archive(p))
    reused = _reusable_members(directory, previous) if previous is not None else {}
    with ExitStack() as stack:
        archive = stack.enter_context(_new_archive(path))
        source = stack.enter_context(_archive_file(previous).open("rb")) if previous and reused else None
        for member in members:
            name = member.relative_to(directory).as_posix()
            info = _member_info(f"{version}/{name}")
            if source is not None and name in reused:
                taken = reused[name]
                _write_member(archive, info, taken.file_size,
                              ((data, taken.crc) for data in _compressed_chunks(source, taken)))
            else:
                _add_file(archive, info, member)
    (directory / f"{path.name}.sha256").write_text(f"{sha256_file(path)}  {path.name}\n", encoding="utf-8")
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


@dataclass(frozen=True)
class _Compressed:
    """A member of an existing zip as its compressed bytes: where they start in the file (past the member's
    local header) and what the central directory says of them."""

    offset: int
    compress_size: int
    file_size: int
    crc: int


def _reusable_members(directory: Path, previous: Path) -> dict[str, _Compressed]:
    """The members of the `previous` release's zip that the zip of the release in `directory` takes as they
    are compressed, by path in the release.

    A member qualifies when its file is the same bytes in both releases (by both releases' SHA256SUMS, the
    new one written before the zip) and it is a plain deflated member whose local header is where the
    central directory says. Only those above ALWAYS_COMPRESSED_BYTES are taken. The smaller ones are
    compressed again first, and must come out as the very bytes the previous zip holds (and there must be
    one), or nothing is taken: a zlib of another version or kind, or another compression level, can compress
    the same bytes differently, and the zip must be the one compressing every member gives. A previous
    release without a zip, or with a damaged one, gives nothing to take."""
    old = _archive_file(previous)
    if not old.is_file() or not (previous / CHECKSUMS).is_file():
        return {}
    theirs = listed_checksums(previous)
    same = {f"{previous.name}/{name}": name for name, digest in listed_checksums(directory).items()
            if theirs.get(name) == digest}
    try:
        with zipfile.ZipFile(old) as archive, old.open("rb") as source:
            size = source.seek(0, io.SEEK_END)
            found = {}
            for info in archive.infolist():
                member = _compressed_member(source, size, info) if info.filename in same else None
                if member is not None and member.file_size == (directory / same[info.filename]).stat().st_size:
                    found[same[info.filename]] = member
            small = [name for name, member in found.items() if member.file_size <= ALWAYS_COMPRESSED_BYTES]
            alike = bool(small) and all(
                b"".join(_compressed_chunks(source, found[name])) == _compress(directory / name) for name in small)
    except zipfile.BadZipFile:
        return {}
    if not alike:
        return {}
    return {name: member for name, member in found.items() if member.file_size > ALWAYS_COMPRESSED_BYTES}


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
    """The file's bytes compressed exactly as write_archive compresses a member, for `_reusable_members` to
    compare with the previous zip's."""
    return b"".join(data for data, _ in _deflate(file, file.stat().st_size))


def _add_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: Path) -> None:
    """What `archive.writestr(info, file.read_bytes())` did, without holding the whole file in memory: for a
    file of one block, the very same bytes."""
    size = file.stat().st_size
    _write_member(archive, info, size, _deflate(file, size))


def _deflate(file: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """The compressed bytes of `file` (`size` bytes long), in order, each piece with the CRC-32 of the file's
    bytes up to its end.

    The file is read a block of BLOCK_BYTES at a time as the blocks before it are written: _WORKERS blocks
    compressed at once and one more waiting its turn, so memory holds a few blocks whatever the file's size,
    and the cores are never idle for want of a block read. Each block is compressed on its own, with
    nothing of the one before, and ends on a byte boundary (a full flush) but the last, which ends the stream:
    together they are one raw deflate stream, as pigz writes. A file of one block is thus compressed as
    writestr compresses it: zlib's default level, in one go."""
    count = max(1, -(-size // BLOCK_BYTES))
    with file.open("rb") as handle, ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        blocks = _submitted(pool, handle, count)
        waiting = deque(islice(blocks, _WORKERS))
        while waiting:
            compressed, crc = waiting.popleft()
            waiting.extend(islice(blocks, 1))
            yield compressed.result(), crc
        if handle.tell() != size or handle.read(1):
            raise PipelineError(f"{file}: not the {size} bytes it was a moment ago; was it changed meanwhile? "
                                "Nothing was published: run again")


def _submitted(pool: ThreadPoolExecutor, handle: IO[bytes], count: int) -> Iterator[tuple[Future[bytes], int]]:
    """The `count` blocks of the file open as `handle`, each handed to `pool` to compress as it is read, with
    the CRC-32 of the file's bytes up to its end (which, chained from block to block, is computed in order)."""
    crc = 0
    for index in range(count):
        block = handle.read(BLOCK_BYTES)
        crc = zlib.crc32(block, crc)
        yield pool.submit(_deflate_block, block, last=index == count - 1), crc


def _deflate_block(block: bytes, *, last: bool) -> bytes:
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
