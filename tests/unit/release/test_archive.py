"""A release's zip takes the members whose files did not change from the previous release's zip as they are
compressed, and must be, byte for byte, the zip that compressing every member gives: checked on small
releases made here (members changed, kept, added and removed; a previous zip compressed otherwise, damaged
or missing; ZIP64 headers), and on a release of the seed corpus made by a real publish. A member is compressed
in blocks: one block gives writestr's bytes, several one deflate stream of blocks compressed each on its own."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import struct
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release import archive, files
from ofsted_dataset.release.archive import write_archive
from ofsted_dataset.release.files import archive_name, write_checksums
from ofsted_dataset.release.verify import verify_release
from tests.helpers import add_article, copy_project, publish

WORDS = ("council", "inspection", "children", "services", "outstanding", "good", "requires", "improvement",
         "inadequate", "leadership", "front", "door", "ofsted", "published", "visit", "report")


def _text(seed: int, size: int) -> bytes:
    """Compressible text of about `size` bytes, different for each seed."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) + rng.choice(("", "", "", ",", ".\n", f" {rng.randrange(10_000)}"))
             for _ in range(size // 8)]
    return " ".join(words).encode()[:size]


def _noise(seed: int, size: int) -> bytes:
    """Bytes that do not compress, like a Parquet file's."""
    return random.Random(seed).randbytes(size)


BIG = 3 * archive.ALWAYS_COMPRESSED_BYTES
OLD = {
    "LICENCE.txt": _text(1, 20_000),  # small, kept: compressed again, the check that zlib compresses alike
    "README.md": _text(2, 5_000),  # small, changed
    "data/kept.csv": _text(3, BIG),  # big, kept: taken from the previous zip
    "data/kept.parquet": _noise(4, BIG),  # big, kept, incompressible
    "data/changed.csv": _text(5, BIG),  # big, changed
    "data/removed.csv": _text(6, BIG),  # big, not in the new release
    "reference/kept.csv": _text(7, BIG),  # big, kept, in a folder after other members
}
NEW = {
    **{name: data for name, data in OLD.items() if name != "data/removed.csv"},
    "README.md": _text(12, 5_000),
    "data/changed.csv": _text(15, BIG),
    "data/added.csv": _text(18, BIG),  # big, new
}
TAKEN = {"data/kept.csv", "data/kept.parquet", "reference/kept.csv"}


def _release(folder: Path, contents: dict[str, bytes]) -> Path:
    """A release folder holding `contents`, with its SHA256SUMS, as a publish has it before the zip."""
    for name, data in contents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    write_checksums(folder)
    return folder


def _zip_compressing_every_member(directory: Path, version: str) -> bytes:
    """The zip as release zips were written before members were ever taken from the previous one: each
    member compressed by writestr (its ZipInfo's level, zlib's default)."""
    path = directory.parent / f"reference-{archive_name(version)}"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in sorted(p for p in directory.rglob("*") if p.is_file() and not files.is_archive(p)):
            info = zipfile.ZipInfo(f"{version}/{member.relative_to(directory).as_posix()}",
                                   date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.read_bytes())
    return path.read_bytes()


@pytest.fixture
def compressed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the members compressed (added from their files) from now on; a member taken as it is
    compressed is not among them."""
    names: list[str] = []
    add_file = archive._add_file

    def counted(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, file: Path,
                taken: archive._BlockSource | None = None) -> list[archive.Block]:
        names.append(info.filename)
        return add_file(zipped, info, file, taken)

    monkeypatch.setattr(archive, "_add_file", counted)
    return names


def _previous(tmp_path: Path) -> Path:
    """Release 1.0.0 (OLD) with its zip."""
    previous = _release(tmp_path / "published" / "1.0.0", OLD)
    write_archive(previous, "1.0.0")
    return previous


@dataclass(frozen=True)
class Written:
    """Release 1.1.0's zip (NEW) written three ways, and the members the first compressed."""

    reused: bytes  # with the previous release
    fresh: bytes  # without it
    reference: bytes  # as zips were written before anything was taken
    compressed: set[str]  # members the first compressed rather than took, by path in the release


def _written(tmp_path: Path, previous: Path, compressed: list[str]) -> Written:
    new = _release(tmp_path / "published" / "1.1.0", NEW)
    scratch = shutil.copytree(new, tmp_path / "scratch" / "1.1.0")
    compressed.clear()
    reused = write_archive(new, "1.1.0", previous).read_bytes()
    members = {name.removeprefix("1.1.0/") for name in compressed if name.startswith("1.1.0/")}
    return Written(reused, write_archive(scratch, "1.1.0").read_bytes(),
                   _zip_compressing_every_member(scratch, "1.1.0"), members)


MEMBERS = {*NEW, "SHA256SUMS"}


def test_members_kept_are_taken_and_the_zip_is_the_one_compressing_every_member_gives(
        tmp_path: Path, compressed: list[str]) -> None:
    written = _written(tmp_path, _previous(tmp_path), compressed)
    assert written.reused == written.fresh == written.reference
    assert written.compressed == MEMBERS - TAKEN
    release = tmp_path / "published" / "1.1.0"
    assert (release / "ofsted-dataset-1.1.0.zip.sha256").read_text(encoding="utf-8") == \
        (tmp_path / "scratch" / "1.1.0" / "ofsted-dataset-1.1.0.zip.sha256").read_text(encoding="utf-8")
    with zipfile.ZipFile(release / "ofsted-dataset-1.1.0.zip") as archive:
        assert archive.testzip() is None  # every member's CRC
        assert {name: archive.read(f"1.1.0/{name}") for name in NEW} == NEW


def test_nothing_is_taken_from_a_zip_compressed_otherwise(tmp_path: Path, compressed: list[str]) -> None:
    """A previous zip compressed at another level (as another zlib might compress) holds the same files
    but not the same compressed bytes: the small members compressed again show it, and nothing is taken."""
    previous = _release(tmp_path / "published" / "1.0.0", OLD)
    with zipfile.ZipFile(previous / archive_name("1.0.0"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(OLD):
            archive.write(previous / name, f"1.0.0/{name}")
    written = _written(tmp_path, previous, compressed)
    assert written.reused == written.fresh == written.reference
    assert written.compressed == MEMBERS


@pytest.mark.parametrize("damage", ["truncated", "not a zip", "missing"])
def test_a_damaged_or_missing_previous_zip_gives_nothing_to_take(tmp_path: Path, compressed: list[str],
                                                                 damage: str) -> None:
    previous = _previous(tmp_path)
    old = previous / archive_name("1.0.0")
    if damage == "truncated":  # its central directory cut short
        old.write_bytes(old.read_bytes()[:-100])
    elif damage == "not a zip":  # as a checkout without Git LFS holds it
        old.write_text("version https://git-lfs.github.com/spec/v1\n", encoding="utf-8")
    else:
        old.unlink()
    written = _written(tmp_path, previous, compressed)
    assert written.reused == written.fresh == written.reference
    assert written.compressed == MEMBERS


def test_a_member_not_where_the_central_directory_says_is_compressed(tmp_path: Path,
                                                                      compressed: list[str]) -> None:
    previous = _previous(tmp_path)
    old = previous / archive_name("1.0.0")
    with zipfile.ZipFile(old) as archive:
        offset = archive.getinfo("1.0.0/data/kept.csv").header_offset
    damaged = bytearray(old.read_bytes())
    damaged[offset:offset + 4] = b"XXXX"  # the signature of its local header
    old.write_bytes(bytes(damaged))
    written = _written(tmp_path, previous, compressed)
    assert written.reused == written.fresh == written.reference
    assert written.compressed == MEMBERS - TAKEN | {"data/kept.csv"}


def test_zip64_headers_are_written_as_writestr_writes_them(tmp_path: Path, compressed: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Past zipfile's ZIP64 limit (lowered here: releases are far below 2 GiB) a member's local header
    carries a ZIP64 extra field, and the central directory its sizes and offset: a member taken gets the very
    headers writestr gives it, and its bytes are read past the previous zip's extra field."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", BIG // 2)
    previous = _previous(tmp_path)
    with zipfile.ZipFile(previous / archive_name("1.0.0")) as archive:
        assert archive.getinfo("1.0.0/data/kept.csv").extra  # the ZIP64 extra field
    written = _written(tmp_path, previous, compressed)
    assert written.reused == written.fresh == written.reference
    assert written.compressed == MEMBERS - TAKEN


def test_a_publish_takes_kept_members_from_the_previous_zip_and_writes_the_zip_compressing_gives(
        tmp_path: Path, compressed: list[str]) -> None:
    """Release 1.1.0 of the seed corpus (one article more than 1.0.0): the zip the publish wrote is the one
    compressing every member of the published folder gives, and the official extract, unchanged and above
    the size always compressed, was taken from 1.0.0's zip."""
    root = copy_project(tmp_path / "project", with_release=True)
    add_article(root)
    compressed.clear()
    assert publish(root).version == "1.1.0"
    release = root / "published" / "1.1.0"
    extract = "reference/official/outcomes.csv"
    assert (release / extract).stat().st_size > archive.ALWAYS_COMPRESSED_BYTES
    assert f"1.1.0/{extract}" not in compressed
    assert "1.1.0/index.html" in compressed
    scratch = shutil.copytree(release, tmp_path / "scratch" / "1.1.0",
                              ignore=shutil.ignore_patterns("*.zip", "*.zip.sha256"))
    assert (release / archive_name("1.1.0")).read_bytes() == write_archive(scratch, "1.1.0").read_bytes()
    assert verify_release(release) == []


SMALL_BLOCK = 64 * 1024  # BLOCK_BYTES in the tests of members of several blocks: small, for them to stay fast
SMALL_MIN = 16 * 1024  # MIN_BLOCK_BYTES in those tests
SMALL_CUT_BLOCK = 32 * 1024  # CUT_BLOCK_BYTES in those tests
SMALL_CUT_BITS = 6  # and _CUT_BITS: a cut one newline in 64, so that blocks end by content, not only when full


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "BLOCK_BYTES", SMALL_BLOCK)
    monkeypatch.setattr(archive, "MIN_BLOCK_BYTES", SMALL_MIN)
    monkeypatch.setattr(archive, "CUT_BLOCK_BYTES", SMALL_CUT_BLOCK)
    monkeypatch.setattr(archive, "_CUT_BITS", SMALL_CUT_BITS)


def _one_member(tmp_path: Path, data: bytes) -> bytes:
    """The zip of release 9.9.9 holding `data` as its one member, data/member.csv."""
    release = tmp_path / "9.9.9"
    (release / "data").mkdir(parents=True)
    (release / "data" / "member.csv").write_bytes(data)
    return write_archive(release, "9.9.9").read_bytes()


def _member_data(zipped: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of the member `info` of the zip `zipped`, past its local header."""
    *_, name_length, extra_length = struct.unpack("<4s2B4HL2L2H", zipped[info.header_offset:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    return zipped[start:start + info.compress_size]


@pytest.mark.parametrize("size", [0, 5_000, archive.BLOCK_BYTES])
def test_a_member_of_one_block_is_the_bytes_writestr_gives(tmp_path: Path, size: int) -> None:
    """Up to BLOCK_BYTES (16 MiB; every member of every zip published so far is under 7 MB) a member is
    compressed as writestr compresses it, and the zips published keep their bytes."""
    data = (_text(21, 1 << 20) * (size // (1 << 20) + 1))[:size]
    written = _one_member(tmp_path, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(archive._member_info("9.9.9/data/member.csv"), data)
    assert written == buffer.getvalue()


def _cuts(data: bytes) -> list[int]:
    """Where the blocks of `data` end, by the rule written out a byte at a time: past the first newline at least
    MIN_BLOCK_BYTES into the block whose 64 bytes after it, before CUT_BLOCK_BYTES into the block, hash to 0 in
    the top _CUT_BITS bits (from the seed 2**64 / the golden ratio, for each 8 bytes in turn as a little-endian
    number: exclusive-or it, then multiply by the same number modulo 2**64); else CUT_BLOCK_BYTES into it. A file
    of up to BLOCK_BYTES is one block."""
    golden = 0x9E3779B97F4A7C15
    if len(data) <= archive.BLOCK_BYTES:
        return [len(data)]
    ends, start = [], 0
    while start < len(data):
        end = min(start + archive.CUT_BLOCK_BYTES, len(data))
        for position in range(start + archive.MIN_BLOCK_BYTES, end):
            if data[position] != 0x0A or position + 64 >= end:
                continue
            hashed = golden
            for word in range(position + 1, position + 65, 8):
                hashed = ((hashed ^ int.from_bytes(data[word:word + 8], "little")) * golden) % 2**64
            if hashed >> (64 - archive._CUT_BITS) == 0:
                end = position + 1
                break
        ends.append(end)
        start = end
    return ends


def _blocks_compressed_each_on_its_own(data: bytes) -> bytes:
    """`data` compressed in blocks as pigz compresses them: each with a fresh compressor at zlib's default
    level, all but the last ended on a byte boundary by a full flush, the last ending the stream."""
    ends = _cuts(data)
    compressed = b""
    for index, (start, end) in enumerate(zip([0, *ends], ends, strict=False)):
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        last = index == len(ends) - 1
        compressed += compressor.compress(data[start:end]) + compressor.flush(zlib.Z_FINISH if last
                                                                              else zlib.Z_FULL_FLUSH)
    return compressed


# 320 KiB: compressible text, then incompressible bytes with no newline (no cut: a block ends full in them),
# then text again.
SEVERAL_BLOCKS = _text(22, 100 * 1024) + _noise(23, 80 * 1024).replace(b"\n", b"x") + _text(24, 140 * 1024)


def test_a_member_of_several_blocks_is_one_stream_of_blocks_compressed_each_on_its_own(
        tmp_path: Path, small_blocks: None) -> None:
    ends = _cuts(SEVERAL_BLOCKS)
    sizes = [end - start for start, end in zip([0, *ends], ends, strict=False)]
    assert len(sizes) > 5 and SMALL_CUT_BLOCK in sizes[:-1] and min(sizes[:-1]) < SMALL_CUT_BLOCK  # full ones, cut ones
    written = _one_member(tmp_path, SEVERAL_BLOCKS)
    expected = _blocks_compressed_each_on_its_own(SEVERAL_BLOCKS)
    with zipfile.ZipFile(io.BytesIO(written)) as zipped:
        assert zipped.testzip() is None
        assert zipped.read("9.9.9/data/member.csv") == SEVERAL_BLOCKS
        info = zipped.getinfo("9.9.9/data/member.csv")
    assert (info.CRC, info.file_size, info.compress_size) == \
        (zlib.crc32(SEVERAL_BLOCKS), len(SEVERAL_BLOCKS), len(expected))
    assert _member_data(written, info) == expected
    single = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    assert expected != single.compress(SEVERAL_BLOCKS) + single.flush()  # the blocks show in the bytes
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(expected) == SEVERAL_BLOCKS
    assert inflater.eof  # one stream, ended once, by the last block


def test_rows_that_end_alike_are_cut_by_the_keys_that_start_them(small_blocks: None) -> None:
    """A CSV whose rows all end the same way (a theme, a flag) has blocks cut by content, not only full ones: the
    64 bytes hashed are those after a newline, which start the next row with its key."""
    rows = b"".join(b'"record-%06d","the same recommendation, as in a generated corpus","workforce",false\n' % i
                    for i in range(6000))
    ends = _cuts(rows)
    sizes = [end - start for start, end in zip([0, *ends], ends, strict=False)]
    assert len(sizes) > 3 and max(sizes[:-1]) < SMALL_CUT_BLOCK
    assert archive._cut(rows[:SMALL_CUT_BLOCK]) == ends[0]


def test_a_change_moves_the_cuts_near_it_and_no_others(small_blocks: None) -> None:
    """Blocks end where the bytes say: after bytes inserted early in a file, its later blocks are the same
    bytes as before (so a changed file takes them from the previous zip)."""
    before = _text(26, 400 * 1024)
    after = before[:30_000] + b"an inserted sentence.\n" + before[30_000:]
    shift = len(after) - len(before)
    old, new = _cuts(before), _cuts(after)
    assert [end for end in old if end > 30_000 + SMALL_CUT_BLOCK] == [end - shift for end in new
                                                                  if end > 30_000 + SMALL_CUT_BLOCK + shift]
    assert len([end for end in old if end > 30_000 + SMALL_CUT_BLOCK]) > 10


def test_a_file_is_read_a_few_blocks_ahead_of_the_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      small_blocks: None) -> None:
    """Memory holds a few blocks, not the whole file: a block is read and handed to the threads only when
    the one _WORKERS blocks before it is taken to be written."""
    submitted: list[int] = []

    class Counted(ThreadPoolExecutor):
        def submit(self, *args, **kwargs) -> Future:
            submitted.append(len(args[1]))  # the block handed to _block_bytes
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(archive, "ThreadPoolExecutor", Counted)
    file = tmp_path / "member.csv"
    file.write_bytes(SEVERAL_BLOCKS)
    ends = _cuts(SEVERAL_BLOCKS)
    seen = []
    for taken, (_, crc, block) in enumerate(archive._deflate(file, len(SEVERAL_BLOCKS)), start=1):
        seen.append(len(submitted))
        assert crc == zlib.crc32(SEVERAL_BLOCKS[:ends[taken - 1]])
        assert block is not None and block.last == (taken == len(ends))
    assert seen == [min(taken + 2, len(ends)) for taken in range(1, len(ends) + 1)]
    assert submitted == [end - start for start, end in zip([0, *ends], ends, strict=False)]


def test_a_file_changed_while_it_is_zipped_stops_the_publish(tmp_path: Path) -> None:
    file = tmp_path / "member.csv"
    file.write_bytes(_text(25, 5_000))
    with pytest.raises(PipelineError, match="not the 5001 bytes it was a moment ago"):
        list(archive._deflate(file, 5_001))


def test_a_release_of_members_of_several_blocks_is_zipped_the_same_every_time(
        tmp_path: Path, compressed: list[str], small_blocks: None) -> None:
    """Blocks compressed on two threads still make the same bytes, written afresh or taken from the previous
    zip; without the blocks index, members of several blocks are compressed again (a previous zip may cut
    them otherwise)."""
    written = _written(tmp_path, _previous(tmp_path), compressed)
    again = write_archive(shutil.copytree(tmp_path / "scratch" / "1.1.0", tmp_path / "again" / "1.1.0",
                                          ignore=shutil.ignore_patterns("*.zip", "*.zip.sha256")), "1.1.0")
    assert written.reused == written.fresh == again.read_bytes()
    assert written.compressed == MEMBERS  # the kept ones too: of several blocks, and no blocks index
    assert written.fresh != written.reference  # members of several blocks, compressed otherwise than writestr
    with zipfile.ZipFile(io.BytesIO(written.fresh)) as zipped:
        assert zipped.testzip() is None
        assert {name: zipped.read(f"1.1.0/{name}") for name in NEW} == NEW


def _counting_blocks(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The blocks compressed from now on, in the order the threads start them (a block taken from the previous
    zip is not)."""
    blocks: list[bytes] = []
    deflate_block = archive._deflate_block

    def counted(block: bytes | memoryview, *, last: bool) -> bytes:
        blocks.append(bytes(block))
        return deflate_block(block, last=last)

    monkeypatch.setattr(archive, "_deflate_block", counted)
    return blocks


def _split(data: bytes) -> list[bytes]:
    ends = _cuts(data)
    return [data[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def test_a_changed_member_takes_its_unchanged_blocks_from_the_previous_zip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compressed: list[str], small_blocks: None) -> None:
    """With the blocks index the previous publish wrote, a member of several blocks changed in one place takes
    every block but those around the change from the previous zip, and an unchanged one is taken whole; the
    zip is the one compressing every member gives."""
    big = _text(27, 600 * 1024)
    changed = big[:300_000] + b"a changed sentence.\n" + big[300_000:]
    old_files = {**OLD, "data/provenance.csv": big, "data/kept-big.csv": _text(28, 300 * 1024)}
    new_files = {**NEW, "data/provenance.csv": changed, "data/kept-big.csv": old_files["data/kept-big.csv"]}
    index = tmp_path / "staged" / "zip-blocks.json"
    previous = _release(tmp_path / "published" / "1.0.0", old_files)
    write_archive(previous, "1.0.0", None, index)
    new = _release(tmp_path / "published" / "1.1.0", new_files)
    scratch = shutil.copytree(new, tmp_path / "scratch" / "1.1.0")
    blocks = _counting_blocks(monkeypatch)
    compressed.clear()
    reused = write_archive(new, "1.1.0", previous, index).read_bytes()
    old_blocks, new_blocks = _split(big), _split(changed)
    assert "1.1.0/data/kept-big.csv" not in compressed  # taken whole
    assert "1.1.0/data/provenance.csv" in compressed
    around = [block for block in new_blocks if block not in old_blocks]
    assert sorted(block for block in blocks if block in new_blocks) == sorted(around)  # in any order: 2 threads
    assert 1 <= len(around) <= 2 and len(new_blocks) >= 20
    assert reused == write_archive(scratch, "1.1.0").read_bytes()
    with zipfile.ZipFile(io.BytesIO(reused)) as zipped:
        assert zipped.testzip() is None
        assert zipped.read("1.1.0/data/provenance.csv") == changed


def test_a_blocks_index_of_another_zip_gives_no_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      compressed: list[str], small_blocks: None) -> None:
    big = _text(27, 600 * 1024)
    index = tmp_path / "staged" / "zip-blocks.json"
    previous = _release(tmp_path / "published" / "1.0.0", {**OLD, "data/provenance.csv": big})
    write_archive(previous, "1.0.0", None, index)
    (previous / "ofsted-dataset-1.0.0.zip.sha256").write_text(f"{'0' * 64}  ofsted-dataset-1.0.0.zip\n",
                                                              encoding="utf-8")
    new = _release(tmp_path / "published" / "1.1.0", {**NEW, "data/provenance.csv": big})
    blocks = _counting_blocks(monkeypatch)
    compressed.clear()
    write_archive(new, "1.1.0", previous, index)
    assert "1.1.0/data/provenance.csv" in compressed  # unchanged, but not known to be cut as this code cuts
    assert sorted(block for block in blocks if block in _split(big)) == sorted(_split(big))


def test_a_blocks_index_of_blocks_cut_otherwise_gives_no_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               compressed: list[str], small_blocks: None) -> None:
    """An index written by code that cut blocks otherwise: a member it lists, taken whole, would be cut as that
    code cut it, and the zip not the one compressing every member gives."""
    big = _text(27, 600 * 1024)
    index = tmp_path / "staged" / "zip-blocks.json"
    previous = _release(tmp_path / "published" / "1.0.0", {**OLD, "data/provenance.csv": big})
    monkeypatch.setattr(archive, "_CUT_BITS", SMALL_CUT_BITS + 1)
    write_archive(previous, "1.0.0", None, index)
    monkeypatch.setattr(archive, "_CUT_BITS", SMALL_CUT_BITS)
    new = _release(tmp_path / "published" / "1.1.0", {**NEW, "data/provenance.csv": big})
    scratch = shutil.copytree(new, tmp_path / "scratch" / "1.1.0")
    compressed.clear()
    assert write_archive(new, "1.1.0", previous, index).read_bytes() == write_archive(scratch, "1.1.0").read_bytes()
    assert "1.1.0/data/provenance.csv" in compressed


def test_blocks_compressed_ahead_are_taken_and_the_zip_is_the_one_compressing_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None) -> None:
    """A first release compresses its files' blocks while the database file is built: the zip takes each of
    them instead of compressing it again, and is the very bytes compressing every member gives."""
    contents = {**NEW, "data/provenance.csv": _text(29, 300 * 1024)}
    release = _release(tmp_path / "ahead" / "1.0.0", contents)
    fresh = write_archive(shutil.copytree(release, tmp_path / "fresh" / "1.0.0"), "1.0.0").read_bytes()
    ahead = archive.Ahead.compressed((release / name for name in contents), until=lambda: False)
    assert len(ahead.blocks) == sum(len(_split(data)) if len(data) > SMALL_BLOCK else 1 for data in contents.values())
    blocks = _counting_blocks(monkeypatch)
    assert write_archive(release, "1.0.0", ahead=ahead).read_bytes() == fresh
    assert blocks == [(release / "SHA256SUMS").read_bytes()]  # written after the blocks were compressed ahead
    assert ahead.blocks == {}  # each taken once, and let go


def test_compressing_ahead_stops_when_told_and_a_file_changed_since_is_compressed_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None) -> None:
    contents = {"data/provenance.csv": _text(30, 300 * 1024), "data/small.csv": _text(31, 5_000),
                "README.md": _text(32, 5_000)}
    release = _release(tmp_path / "ahead" / "1.0.0", contents)
    asked: list[int] = []
    ahead = archive.Ahead.compressed((release / name for name in contents),
                                     until=lambda: asked.append(1) or len(asked) > 3)
    provenance = _split(contents["data/provenance.csv"])
    assert len(provenance) > 3 and set(ahead.blocks) == {  # the largest file first, three blocks of it
        (hashlib.sha256(block).hexdigest(), False) for block in provenance[:3]}
    (release / "data" / "provenance.csv").write_bytes(b"changed.\n" + contents["data/provenance.csv"])
    write_checksums(release)
    fresh = write_archive(shutil.copytree(release, tmp_path / "fresh" / "1.0.0"), "1.0.0").read_bytes()
    assert write_archive(release, "1.0.0", ahead=ahead).read_bytes() == fresh


def test_compressing_ahead_stops_once_it_holds_its_most_bytes(tmp_path: Path, small_blocks: None) -> None:
    """At 100,000 articles the database file takes long enough for most of a release to be compressed ahead:
    what is held is bounded, and the zip compresses the rest itself."""
    contents = {"data/provenance.csv": _text(33, 300 * 1024)}
    release = _release(tmp_path / "ahead" / "1.0.0", contents)
    first = _split(contents["data/provenance.csv"])[0]
    ahead = archive.Ahead.compressed((release / name for name in contents), until=lambda: False, most=1)
    assert set(ahead.blocks) == {(hashlib.sha256(first).hexdigest(), False)}  # one block, then it held enough
    fresh = write_archive(shutil.copytree(release, tmp_path / "fresh" / "1.0.0"), "1.0.0").read_bytes()
    assert write_archive(release, "1.0.0", ahead=ahead).read_bytes() == fresh
