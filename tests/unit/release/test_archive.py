"""A release's zip takes the members whose files did not change from the previous release's zip as they are
compressed, and must be, byte for byte, the zip that compressing every member gives: checked on small
releases made here (members changed, kept, added and removed; a previous zip compressed otherwise, damaged
or missing; ZIP64 headers), and on a release of the seed corpus made by a real publish. A member is compressed
in blocks: one block gives writestr's bytes, several one deflate stream of blocks compressed each on its own."""

from __future__ import annotations

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
from ofsted_dataset.release import files
from ofsted_dataset.release.files import archive_name, write_archive, write_checksums
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


BIG = 3 * files.ALWAYS_COMPRESSED_BYTES
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
    add_file = files._add_file

    def counted(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: Path) -> None:
        names.append(info.filename)
        add_file(archive, info, file)

    monkeypatch.setattr(files, "_add_file", counted)
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
    assert (release / extract).stat().st_size > files.ALWAYS_COMPRESSED_BYTES
    assert f"1.1.0/{extract}" not in compressed
    assert "1.1.0/index.html" in compressed
    scratch = shutil.copytree(release, tmp_path / "scratch" / "1.1.0",
                              ignore=shutil.ignore_patterns("*.zip", "*.zip.sha256"))
    assert (release / archive_name("1.1.0")).read_bytes() == write_archive(scratch, "1.1.0").read_bytes()
    assert verify_release(release) == []


SMALL_BLOCK = 64 * 1024  # BLOCK_BYTES in the tests of members of several blocks: small, for them to stay fast


def _one_member(tmp_path: Path, data: bytes) -> bytes:
    """The zip of release 9.9.9 holding `data` as its one member, data/member.csv."""
    release = tmp_path / "9.9.9"
    (release / "data").mkdir(parents=True)
    (release / "data" / "member.csv").write_bytes(data)
    return write_archive(release, "9.9.9").read_bytes()


def _member_data(archive: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of the member `info` of the zip `archive`, past its local header."""
    *_, name_length, extra_length = struct.unpack("<4s2B4HL2L2H", archive[info.header_offset:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    return archive[start:start + info.compress_size]


@pytest.mark.parametrize("size", [0, 5_000, files.BLOCK_BYTES])
def test_a_member_of_one_block_is_the_bytes_writestr_gives(tmp_path: Path, size: int) -> None:
    """Up to BLOCK_BYTES (16 MiB; every member of every zip published so far is under 7 MB) a member is
    compressed as writestr compresses it, and the zips published keep their bytes."""
    data = (_text(21, 1 << 20) * (size // (1 << 20) + 1))[:size]
    written = _one_member(tmp_path, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(files._member_info("9.9.9/data/member.csv"), data)
    assert written == buffer.getvalue()


def _blocks_compressed_each_on_its_own(data: bytes, block_bytes: int) -> bytes:
    """`data` compressed in blocks as pigz compresses them: each with a fresh compressor at zlib's default
    level, all but the last ended on a byte boundary by a full flush, the last ending the stream."""
    blocks = [data[start:start + block_bytes] for start in range(0, len(data), block_bytes)]
    compressed = b""
    for index, block in enumerate(blocks):
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        last = index == len(blocks) - 1
        compressed += compressor.compress(block) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
    return compressed


# 300 KiB (five blocks of SMALL_BLOCK, the last one part full), compressible text with incompressible bytes
# across a block's end.
SEVERAL_BLOCKS = _text(22, 100 * 1024) + _noise(23, 60 * 1024) + _text(24, 140 * 1024)


def test_a_member_of_several_blocks_is_one_stream_of_blocks_compressed_each_on_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BLOCK_BYTES", SMALL_BLOCK)
    written = _one_member(tmp_path, SEVERAL_BLOCKS)
    expected = _blocks_compressed_each_on_its_own(SEVERAL_BLOCKS, SMALL_BLOCK)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert archive.read("9.9.9/data/member.csv") == SEVERAL_BLOCKS
        info = archive.getinfo("9.9.9/data/member.csv")
    assert (info.CRC, info.file_size, info.compress_size) == \
        (zlib.crc32(SEVERAL_BLOCKS), len(SEVERAL_BLOCKS), len(expected))
    assert _member_data(written, info) == expected
    single = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    assert expected != single.compress(SEVERAL_BLOCKS) + single.flush()  # the blocks show in the bytes
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(expected) == SEVERAL_BLOCKS
    assert inflater.eof  # one stream, ended once, by the last block


def test_a_file_is_read_a_few_blocks_ahead_of_the_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory holds a few blocks, not the whole file: a block is read and handed to the threads only when
    the one _WORKERS blocks before it is taken to be written."""
    monkeypatch.setattr(files, "BLOCK_BYTES", SMALL_BLOCK)
    submitted: list[int] = []

    class Counted(ThreadPoolExecutor):
        def submit(self, *args, **kwargs) -> Future:
            submitted.append(len(args[1]))  # the block handed to _deflate_block
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(files, "ThreadPoolExecutor", Counted)
    file = tmp_path / "member.csv"
    file.write_bytes(SEVERAL_BLOCKS)
    seen = []
    for taken, (_, crc) in enumerate(files._deflate(file, len(SEVERAL_BLOCKS)), start=1):
        seen.append(len(submitted))
        assert crc == zlib.crc32(SEVERAL_BLOCKS[:taken * SMALL_BLOCK])
    assert seen == [3, 4, 5, 5, 5]
    assert submitted == [SMALL_BLOCK] * 4 + [len(SEVERAL_BLOCKS) - 4 * SMALL_BLOCK]


def test_a_file_changed_while_it_is_zipped_stops_the_publish(tmp_path: Path) -> None:
    file = tmp_path / "member.csv"
    file.write_bytes(_text(25, 5_000))
    with pytest.raises(PipelineError, match="not the 5001 bytes it was a moment ago"):
        list(files._deflate(file, 5_001))


def test_a_release_of_members_of_several_blocks_is_zipped_the_same_every_time(
        tmp_path: Path, compressed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks compressed on two threads still make the same bytes, written afresh or taken from the previous
    zip (whose members of several blocks are taken as they are)."""
    monkeypatch.setattr(files, "BLOCK_BYTES", SMALL_BLOCK)
    written = _written(tmp_path, _previous(tmp_path), compressed)
    again = write_archive(shutil.copytree(tmp_path / "scratch" / "1.1.0", tmp_path / "again" / "1.1.0",
                                          ignore=shutil.ignore_patterns("*.zip", "*.zip.sha256")), "1.1.0")
    assert written.reused == written.fresh == again.read_bytes()
    assert written.compressed == MEMBERS - TAKEN
    assert written.fresh != written.reference  # members of several blocks, compressed otherwise than writestr
    with zipfile.ZipFile(io.BytesIO(written.fresh)) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(f"1.1.0/{name}") for name in NEW} == NEW
