"""Files replaced in one step: a reader sees the old content or the new, and nothing is left beside them."""

from __future__ import annotations

from pathlib import Path

from ofsted_dataset.atomic_files import write_json_atomically
from ofsted_dataset.release.files import write_json


def test_a_json_document_replaced_in_one_step_is_the_bytes_the_streaming_writer_gives(tmp_path: Path) -> None:
    document = {"name": "ofsted", "title": "Councils’ children’s services — Ofsted", "resources": [{"rows": 3}]}
    target, streamed = tmp_path / "datapackage.json", tmp_path / "streamed.json"
    target.write_text("{}\n", encoding="utf-8")
    write_json_atomically(target, document)
    write_json(streamed, document)
    assert target.read_bytes() == streamed.read_bytes()
    assert target.read_text(encoding="utf-8").startswith('{\n  "name": "ofsted",\n  "title": "Councils’ children’s')
    assert (target.stat().st_mode & 0o777) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json", "streamed.json"]
