"""The seed corpus the tests own (tests/fixtures/seed_corpus/, see tests/fixtures/README.md): the five seed
articles with their mappings and the reference data, and nothing a build writes (tests build copies of it)."""

from __future__ import annotations

from tests.helpers import SEED_CORPUS

SEEDS = ["000_09d284dea3b9a717", "001_06ce62ec936559f3", "002_3dafbde2ba55b338", "003_6e4606619b08db71",
         "004_99f45e7fed0112e3"]


def test_the_seed_corpus_is_the_five_seed_articles_with_their_mappings_and_the_reference_data():
    assert sorted(p.name for p in SEED_CORPUS.iterdir()) == ["mappings", "raw", "reference"]  # no staged/
    assert sorted(p.name for p in (SEED_CORPUS / "raw").iterdir()) == [f"{s}.txt" for s in SEEDS]
    assert sorted(p.name for p in (SEED_CORPUS / "mappings").iterdir()) == [f"{s}.yaml" for s in SEEDS]
    assert sorted(p.relative_to(SEED_CORPUS / "reference").as_posix()
                  for p in (SEED_CORPUS / "reference").rglob("*") if p.is_file()) == [
        "judgement_areas.csv", "local_authorities.csv", "local_authorities.md", "official/outcomes.csv",
        "official/snapshot.json"]
