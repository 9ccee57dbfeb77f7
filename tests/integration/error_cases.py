"""The error catalogue: every kind of bad input, how it is made, and what the user is told.

`tests/integration/test_error_catalogue.py` runs each case through the real stages on a copy of the
project that holds a release, and checks the exact message and that published/ is byte-identical
afterwards.
docs/error-catalogue.md is rendered from this list (a test keeps it in sync).
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

M002 = "mappings/002_3dafbde2ba55b338.yaml"
M003 = "mappings/003_6e4606619b08db71.yaml"
M004 = "mappings/004_99f45e7fed0112e3.yaml"
NEW = "raw/005_new.txt"


@dataclass(frozen=True)
class Case:
    name: str  # test id
    bad_input: str  # what the curator or scraper did
    make: Callable[[Path], None]
    message: list[str]  # the lines the user sees (summary, then one line per problem)


def _replace(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _write(root: Path, file: str, data: bytes) -> None:
    (root / file).write_bytes(data)


def new_article(root: Path, text: str, mapping: str, name: str = "005_new") -> None:
    """Add an article and its mapping; {sha} in the mapping becomes the article's sha256."""
    raw = root / "raw" / f"{name}.txt"
    raw.write_bytes(text.encode("utf-8"))
    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    (root / "mappings" / f"{name}.yaml").write_text(mapping.replace("{sha}", sha), encoding="utf-8")


def hostile_target(root: Path) -> Path:
    """The file the YAML-tag case's payload would create if a loader ran it: beside the project copy, in
    the test's own temporary folder (never a fixed path another run or user shares)."""
    return root.parent / "ofsted-pwned"


def _yaml_tag_running_code(root: Path) -> None:
    command = json.dumps(f"touch {shlex.quote(str(hostile_target(root)))}")
    _replace(root, M004, "  title:", f"  publisher: !!python/object/apply:os.system [{command}]\n  title:")


def _huge(root: Path) -> None:
    with (root / NEW).open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB on paper, instant to make


def _three_files_many_mistakes(root: Path) -> None:
    _replace(root, M003, "amount_gbp: 9200000", "amount_gbp: 920000")
    _replace(root, M002, "theme: front_door", "theme: frontdoor")
    _replace(root, M004, "    overall_grade: inadequate\n", "    overal_grade: inadequate\n")


DUPLICATE_RECOMMENDATION = """
  - recommendation_id: sheffield-2021-focused-visit-1
    inspection_id: sheffield-2021-focused-visit
    text: "information sharing"
    theme: information_sharing
    urgent: false
    evidence:
      theme: "record-keeping, information sharing and ensuring"
      urgent: "were all areas that could be improved"
"""

SUMMARY1 = "1 curation problem(s) in 1 file(s); nothing was published."


def _link_to_passwd_with_mapping(root: Path) -> None:
    """The hole it closes: the link was read and its target published, quotes and all."""
    (root / NEW).symlink_to("/etc/passwd")
    sha = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    (root / "mappings" / "005_new.yaml").write_text(
        f"source:\n  file: 005_new.txt\n  sha256: {sha}\n  title: root\n", encoding="utf-8")


def _mapping_linked_from_elsewhere(root: Path) -> None:
    elsewhere = root.parent / "elsewhere.yaml"
    (root / M004).rename(elsewhere)
    (root / M004).symlink_to("../../elsewhere.yaml")


P004 = "raw/004_99f45e7fed0112e3.page.json"


def _drafts_left(root: Path) -> None:
    """A drafted mapping whose source block was reviewed but two records were not."""
    for council in ("Gloucestershire", "Middlesbrough"):
        line = f"    local_authority: {council}\n"
        _replace(root, M004, line, f"{line}    review: draft\n")
    _replace(root, M004, "  title:", "  review: reviewed\n  title:")


def _theme_on_full_inspection(root: Path) -> None:
    _replace(root, M004, "    inspection_type: full_inspection\n", "    inspection_type: full_inspection\n"
             "    theme: front_door\n")
    _replace(root, M004, "    evidence:\n", "    evidence:\n      theme: \"In Gloucestershire, Ofsted has stated\"\n")


HEDGED_ARTICLE = "Leeds to spend more\n\nLeeds City Council will invest almost £5m in children's social care.\n"
HEDGED_MAPPING = """source:
  file: 005_new.txt
  sha256: {sha}
  title: Leeds to spend more
funding_commitments:
  - commitment_id: leeds-5m
    local_authority: Leeds
    amount_gbp: 5000000
    purpose: children's social care
    evidence:
      local_authority: "Leeds City Council will invest"
      amount_gbp: "invest almost £5m"
"""


def _page(root: Path, text: str, file: str = P004) -> None:
    (root / file).write_text(text, encoding="utf-8")


def _huge_quote(root: Path) -> None:
    _replace(root, M004, '"Published 7th July 2017"', '"' + "Published in July " * 120_000 + '"')

CASES: list[Case] = [
    # --- raw articles -------------------------------------------------------------------------
    Case("raw_not_utf8", "a raw article that is not valid UTF-8 (Latin-1 bytes)",
         lambda r: _write(r, NEW, "Caf\u00e9 society".encode("latin-1")),
         [SUMMARY1, "  - raw/005_new.txt: is not UTF-8 text (invalid continuation byte at byte 3); convert it to "
          "UTF-8"]),
    Case("raw_bom", "a raw article saved with a UTF-8 byte-order mark",
         lambda r: _write(r, NEW, b"\xef\xbb\xbfCouncil rated good\n"),
         [SUMMARY1, "  - raw/005_new.txt: starts with a UTF-8 byte-order mark: save it as UTF-8 without BOM "
          "(offsets count code points from the first character, and a BOM would shift them)"]),
    Case("raw_empty", "an empty raw article (or only whitespace)",
         lambda r: _write(r, NEW, b"  \n"),
         [SUMMARY1, "  - raw/005_new.txt: is empty"]),
    Case("raw_binary", "a binary file dropped into raw/ as .txt",
         lambda r: _write(r, NEW, b"PK\x03\x04\x00\x00binary"),
         [SUMMARY1, "  - raw/005_new.txt: is a binary file (NUL byte at byte 4), not a text article"]),
    Case("raw_huge", "a 50 MB file in raw/",
         _huge,
         [SUMMARY1, "  - raw/005_new.txt: too large (50.0 MB; the limit is 5 MB): an article is a few KB, is this "
          "the right file?"]),
    Case("raw_bad_name", "a raw file whose name cannot be a source_id",
         lambda r: _write(r, "raw/New Article.txt", b"Council rated good\n"),
         [SUMMARY1, "  - raw/New Article.txt: the file name must be lowercase letters, digits, '_' or '-' (it "
          "becomes the source_id), found 'New Article.txt'"]),
    Case("raw_changed_after_curation", "an article edited after its mapping was written",
         lambda r: _replace(r, "raw/004_99f45e7fed0112e3.txt", "Published 7th July 2017", "Published 8th July 2017"),
         ['5 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:5: source.sha256: raw/004_99f45e7fed0112e3.txt changed since '
          'it was curated (sha256 is now 707916d10ca51c465f8afe965858046f739e62b6147f955cb56c54ec318ec0d4); '
          're-check its quotes, then update sha256',
          "  - mappings/004_99f45e7fed0112e3.yaml:9: sources[0].published_date: quote 'Published 7th July "
          "2017' not found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: "
          "'Published 8th July 2017'; they first differ at line 3, character 78, where the article has 'Published "
          "8th' and the quote 'Published 7th'",
          "  - mappings/004_99f45e7fed0112e3.yaml:21: inspections[0].published_date: quote 'Published 7th July "
          "2017' not found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: "
          "'Published 8th July 2017'; they first differ at line 3, character 78, where the article has 'Published "
          "8th' and the quote 'Published 7th'",
          "  - mappings/004_99f45e7fed0112e3.yaml:55: inspections[2].published_date: quote 'Published 7th July "
          "2017' not found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: "
          "'Published 8th July 2017'; they first differ at line 3, character 78, where the article has 'Published "
          "8th' and the quote 'Published 7th'",
          "  - mappings/004_99f45e7fed0112e3.yaml:86: inspections[4].published_date: quote 'Published 7th July "
          "2017' not found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: "
          "'Published 8th July 2017'; they first differ at line 3, character 78, where the article has 'Published "
          "8th' and the quote 'Published 7th'"]),
    Case("raw_symlink", "a symbolic link in raw/ to a file outside the project (/etc/passwd), with a mapping",
         _link_to_passwd_with_mapping, ['2 curation problem(s) in 2 file(s); nothing was published.',
          '  - mappings/005_new.yaml:2: source.file: not applied because its article raw/005_new.txt was '
          "refused (see raw/005_new.txt's own problem); fix the article, not this mapping",
          '  - raw/005_new.txt: is a symbolic link (to /etc/passwd), not a file: the build reads only the '
          "project's own files; put the file itself here"]),
    Case("raw_symlink_to_device", "a symbolic link in raw/ to a device that never ends (/dev/zero)",
         lambda r: (r / NEW).symlink_to("/dev/zero"), [SUMMARY1,
          '  - raw/005_new.txt: is a symbolic link (to /dev/zero), not a file: the build reads only the '
          "project's own files; put the file itself here"]),
    Case("raw_folder", "a folder in raw/ named like an article",
         lambda r: (r / NEW).mkdir(), [SUMMARY1,
          '  - raw/005_new.txt: is a folder, not a file: only files belong here']),
    Case("raw_refused_with_mapping", "a curated article re-saved with a byte-order mark (its mapping is fine)",
         lambda r: _write(r, "raw/004_99f45e7fed0112e3.txt",
                          b"\xef\xbb\xbf" + (r / "raw/004_99f45e7fed0112e3.txt").read_bytes()),
         ['2 curation problem(s) in 2 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:4: source.file: not applied because its article '
          "raw/004_99f45e7fed0112e3.txt was refused (see raw/004_99f45e7fed0112e3.txt's own problem); fix "
          'the article, not this mapping',
          '  - raw/004_99f45e7fed0112e3.txt: starts with a UTF-8 byte-order mark: save it as UTF-8 without '
          'BOM (offsets count code points from the first character, and a BOM would shift them)']),
    Case("mapping_without_article", "a mapping whose article is missing",
         lambda r: (r / "raw" / "004_99f45e7fed0112e3.txt").unlink(),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:4: source.file: the article raw/004_99f45e7fed0112e3.txt is '
          'missing; restore it or remove the mapping']),
    # --- mappings -----------------------------------------------------------------------------
    Case("mapping_symlink", "a mapping that is a symbolic link to a file elsewhere",
         _mapping_linked_from_elsewhere, [SUMMARY1,
          '  - mappings/004_99f45e7fed0112e3.yaml: is a symbolic link (to ../../elsewhere.yaml), not a file: '
          "the build reads only the project's own files; put the file itself here"]),
    Case("mapping_empty", "an empty mapping file",
         lambda r: _write(r, M004, b""), [SUMMARY1,
          '  - mappings/004_99f45e7fed0112e3.yaml: expected a YAML mapping with `source:` and fact lists, '
          'found an empty file']),
    Case("mapping_list", "a mapping written as a list",
         lambda r: _write(r, M004, b"- source:\n    file: 004_99f45e7fed0112e3.txt\n"), [SUMMARY1,
          '  - mappings/004_99f45e7fed0112e3.yaml: expected a YAML mapping with `source:` and fact lists, '
          "found a list of 1 item(s) (remove the '- ' before `source:`?)"]),
    Case("yaml_syntax", "a YAML syntax error",
         lambda r: _replace(r, M004, "    overall_grade: inadequate\n", "    overall_grade: [inadequate\n"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:17: not valid YAML: while parsing a flow sequence: expected '
          "',' or ']', but got ':'"]),
    Case("unknown_key", "an unknown key (a typo like overal_grade)",
         lambda r: _replace(r, M004, "    overall_grade: inadequate\n", "    overal_grade: inadequate\n"),
         [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/004_99f45e7fed0112e3.yaml:16: inspections[0]: unknown key 'overal_grade' (did you "
          "mean 'overall_grade'?); allowed: inspection_id, local_authority, inspection_type, framework, "
          'visit_start, visit_end, published_date, overall_grade, theme, recommendations_count, review, '
          'evidence']),
    Case("wrong_type", "a value of the wrong type",
         lambda r: _replace(r, M002, "    period_years: 4\n", "    period_years: four\n"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/002_3dafbde2ba55b338.yaml:113: funding_commitments[0].period_years: expected a whole '
          "number, found 'four'"]),
    Case("missing_required", "a missing required key",
         lambda r: _replace(r, M004, "    local_authority: Middlesbrough\n", ""),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/004_99f45e7fed0112e3.yaml:44: inspections[2]: missing required key 'local_authority'"]),
    Case("unknown_vocabulary", "a value outside its vocabulary",
         lambda r: _replace(r, M002, "theme: front_door", "theme: frontdoor"),
         [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/002_3dafbde2ba55b338.yaml:72: recommendations[1].theme: 'frontdoor' is not one of "
          'front_door, assessment_and_risk, child_protection, children_in_need, children_in_care, '
          'care_leavers, disabled_children, exploitation, elective_home_education, voice_of_the_child, '
          'record_keeping, information_sharing, quality_assurance, leadership_and_management, workforce, '
          'neglect, domestic_abuse, mental_health, edge_of_care, early_help, other (did you mean '
          "'front_door'?)"]),
    Case("invalid_date", "a date that does not exist",
         lambda r: _replace(r, M003, "published_date: 2017-06-13", "published_date: 2017-02-30"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/003_6e4606619b08db71.yaml:11: sources[0].published_date: '2017-02-30' is not a real "
          'date (day is out of range for month)']),
    Case("visit_end_before_start", "an impossible date range (visit ends before it starts)",
         lambda r: _replace(r, M003, "    visit_end: 2017-03\n", "    visit_end: 2017-01\n"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/003_6e4606619b08db71.yaml:20: inspections gloucestershire-2017-full-inspection: '
          "visit_end '2017-01' is before visit_start '2017-02'"]),
    Case("published_before_visit", "a report published before its visit",
         lambda r: _replace(r, M003, "    published_date: 2017-06\n", "    published_date: 2016-06\n"),
         ['2 curation problem(s) in 2 file(s); nothing was published.',
          '  - mappings/003_6e4606619b08db71.yaml:21: inspections gloucestershire-2017-full-inspection: '
          "published_date '2016-06' is before visit_start '2017-02': a report is published after its visit",
          '  - mappings/004_99f45e7fed0112e3.yaml:15: inspections '
          "gloucestershire-2017-full-inspection.published_date: '2017' disagrees with '2016-06' in "
          'mappings/003_6e4606619b08db71.yaml:21; make them agree and record the decision in an evidence note']),
    Case("grade_not_stated", "a grade its quotes do not state (they state another)",
         lambda r: _replace(r, "mappings/000_09d284dea3b9a717.yaml",
                            "    area_label: Adoption performance\n    grade: good",
                            "    area_label: Adoption performance\n    grade: outstanding"),
         [SUMMARY1,
          "  - mappings/000_09d284dea3b9a717.yaml:63: judgements[2].grade: grade 'outstanding' is not stated "
          "in its quotes (expected the word 'outstanding'; they say 'good')"]),
    # --- review and the collector's page record ---------------------------------------------------
    Case("mapping_drafts_left", "records still marked `review: draft` (a drafted mapping not fully reviewed)",
         _drafts_left, [
          '2 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:15: inspections[0]: gloucestershire-2017-full-inspection'
          ' is still a draft (review: draft): check each value and quote against the article, then write '
          '`review: reviewed` (or delete the line)',
          '  - mappings/004_99f45e7fed0112e3.yaml:48: inspections[2]: middlesbrough-2017-full-inspection '
          'is still a draft (review: draft): check each value and quote against the article, then write '
          '`review: reviewed` (or delete the line)']),
    Case("mapping_review_value", "a review mark that is neither draft nor reviewed",
         lambda r: _replace(r, M004, "  title:", "  review: done\n  title:"), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:6: sources[0].review: expected draft or reviewed, found '
          "'done'"]),
    Case("page_not_json", "a page record that is not JSON",
         lambda r: _page(r, "url: https://example.org/a\n"), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - raw/004_99f45e7fed0112e3.page.json:1: not valid JSON (Expecting value at column 1)']),
    Case("page_keys", "a page record with a misspelt key, a bad URL and no retrieved_date",
         lambda r: _page(r, '{\n  "url": "www.example.org/a",\n  "page_publishr": "Gazette"\n}\n'), [
          '3 curation problem(s) in 1 file(s); nothing was published.',
          "  - raw/004_99f45e7fed0112e3.page.json: retrieved_date: missing required key 'retrieved_date'",
          '  - raw/004_99f45e7fed0112e3.page.json:2: url: expected an http:// or https:// address with no '
          "spaces, found 'www.example.org/a'",
          "  - raw/004_99f45e7fed0112e3.page.json:3: page_publishr: unknown key 'page_publishr' (did you "
          "mean 'page_publisher'?); allowed: url, retrieved_date, page_publisher, page_published_date"]),
    Case("page_without_article", "a page record with no article beside it",
         lambda r: _page(r, '{"url": "https://example.org/a", "retrieved_date": "2024-01-02"}',
                         "raw/009_gone.page.json"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - raw/009_gone.page.json: no article raw/009_gone.txt beside it: a page record describes the '
          'article saved with it; add the article or remove this']),
    Case("page_published_after_retrieved", "a page record whose page was published after it was saved",
         lambda r: _page(r, '{"url": "https://example.org/a",\n "retrieved_date": "2017-07-01T10:00:00Z",\n'
                            ' "page_published_date": "2017-07-07"}'), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - raw/004_99f45e7fed0112e3.page.json:3: page_published_date: 2017-07-07 is after '
          'retrieved_date 2017-07-01: a page is saved after it is published']),
    Case("page_date_disagrees", "a page's date that disagrees with the date the article states",
         lambda r: _page(r, '{"url": "https://example.org/a", "retrieved_date": "2018-01-02",'
                            ' "page_published_date": "2017-08-01"}'), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:7: source.published_date: 2017-07-07 disagrees with the '
          "page's date 2017-08-01 in raw/004_99f45e7fed0112e3.page.json: correct whichever is wrong (a "
          "page's metadata date can be its last update: then remove page_published_date from the page "
          'record)']),
    Case("theme_on_full_inspection", "a theme on a full inspection (it belongs to a visit of one area)",
         _theme_on_full_inspection, [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:15: inspections gloucestershire-2017-full-inspection: '
          "theme 'front_door' on a full_inspection: a theme is the one area of practice a focused_visit, "
          'monitoring_visit or joint_targeted_area_inspection looks at']),
    Case("hedged_amount_as_exact", "an amount the article only rounds (\"almost £5m\") left exact",
         lambda r: new_article(r, HEDGED_ARTICLE, HEDGED_MAPPING), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/005_new.yaml:8: funding_commitments[0].approximate: the article hedges the amount '
          "('almost £5m'): write `approximate: true` with that quote as evidence (or `approximate: false` "
          'with a note, if the figure is exact after all)']),
    Case("area_unknown_wording", "a judgement wording that is neither in the shared table nor stated as an area",
         lambda r: _replace(r, M003, "    area_label: adoption team\n", "    area_label:\n      text: adoption\n"
                            "      occurrence: 1\n"), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/003_6e4606619b08db71.yaml:92: judgements[2].area_label: 'adoption' is not in "
          'reference/judgement_areas.csv: state the area in the mapping (`area:` one of '
          'overall_effectiveness, help_and_protection, children_in_care, adoption, care_leavers, '
          'leadership, safeguarding_board), or add the wording to that file if other articles will use it']),
    Case("area_disagrees", "a stated area that the shared table maps elsewhere",
         lambda r: _replace(r, M003, "    area_label: adoption team\n",
                            "    area_label: adoption team\n    area: leadership\n"), [
          '1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/003_6e4606619b08db71.yaml:93: judgements[2].area: area 'leadership', but "
          "reference/judgement_areas.csv maps 'adoption team' to 'adoption': remove `area:` or correct it"]),
    Case("quote_huge", "a quote of 2 MB (a whole file pasted into a mapping)",
         _huge_quote, [SUMMARY1,
          "  - mappings/004_99f45e7fed0112e3.yaml:9: sources[0].published_date: quote 'Published in July "
          "Published in July Published in July Publis … y Published in July ' (2,160,000 characters) not "
          'found in raw/004_99f45e7fed0112e3.txt, and nothing in the article comes close']),
    Case("zero_money", "zero or negative money",
         lambda r: _replace(r, M003, "amount_gbp: 9200000", "amount_gbp: 0"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/003_6e4606619b08db71.yaml:106: funding_commitments[0].amount_gbp: must be at least 1, '
          'found 0']),
    Case("duplicate_id", "an id used twice (in one mapping, or a recommendation id in two mappings)",
         lambda r: _replace(r, M002, "\nfunding_commitments:", DUPLICATE_RECOMMENDATION + "\nfunding_commitments:"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/002_3dafbde2ba55b338.yaml:109: recommendations[5]: sheffield-2021-focused-visit-1 is '
          'listed twice in this mapping (also at line 82); give each record once']),
    Case("unknown_inspection", "a reference to an inspection id no mapping defines",
         lambda r: _replace(r, M003, "    inspection_id: gloucestershire-2017-full-inspection\n    evidence:\n      "
                            "local_authority: \"Gloucestershire County Council said\"",
                            "    inspection_id: gloucestershire-2071-full-inspection\n    evidence:\n      "
                            "local_authority: \"Gloucestershire County Council said\""),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/003_6e4606619b08db71.yaml:109: funding_commitments gloucestershire-2017-9-2m: '
          "inspection_id 'gloucestershire-2071-full-inspection' is not defined by any mapping's inspections "
          "(did you mean 'gloucestershire-2017-full-inspection'?)"]),
    Case("unknown_local_authority", "an unknown local authority",
         lambda r: _replace(r, M002, "local_authority: Sheffield", "local_authority: Sheffeld"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/002_3dafbde2ba55b338.yaml:34: inspections[1].local_authority: 'Sheffeld' is not in "
          "reference/local_authorities.csv (did you mean 'Sheffield'?)"]),
    Case("all_errors_together", "several mistakes in several files",
         _three_files_many_mistakes,
         [
          '3 curation problem(s) in 3 file(s); nothing was published.',
          "  - mappings/002_3dafbde2ba55b338.yaml:72: recommendations[1].theme: 'frontdoor' is not one of "
          'front_door, assessment_and_risk, child_protection, children_in_need, children_in_care, '
          'care_leavers, disabled_children, exploitation, elective_home_education, voice_of_the_child, '
          'record_keeping, information_sharing, quality_assurance, leadership_and_management, workforce, '
          'neglect, domestic_abuse, mental_health, edge_of_care, early_help, other (did you mean '
          "'front_door'?)",
          '  - mappings/003_6e4606619b08db71.yaml:106: funding_commitments[0].amount_gbp: amount 920,000 '
          'does not match its quotes, which say 9,200,000',
          "  - mappings/004_99f45e7fed0112e3.yaml:16: inspections[0]: unknown key 'overal_grade' (did you "
          "mean 'overall_grade'?); allowed: inspection_id, local_authority, inspection_type, framework, "
          'visit_start, visit_end, published_date, overall_grade, theme, recommendations_count, review, '
          'evidence']),
    Case("path_traversal", "a mapping pointing outside raw/ (../../etc/passwd)",
         lambda r: _replace(r, M004, "  file: 004_99f45e7fed0112e3.txt", "  file: ../../etc/passwd"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/004_99f45e7fed0112e3.yaml:4: source.file: expected the raw article's file name in raw/ "
          "(like 000_abc.txt), found '../../etc/passwd'"]),
    Case("absolute_path", "a mapping pointing at an absolute path",
         lambda r: _replace(r, M004, "  file: 004_99f45e7fed0112e3.txt", "  file: /etc/passwd"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/004_99f45e7fed0112e3.yaml:4: source.file: expected the raw article's file name in raw/ "
          "(like 000_abc.txt), found '/etc/passwd'"]),
    Case("quote_source_traversal", "a quote citing an article outside raw/",
         lambda r: _replace(r, M004, '    published_date: "Published 7th July 2017"',
                            "    published_date: {text: root, source: ../../etc/passwd}"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:9: sources[0].evidence.published_date: `source` must be the '
          "id of another article (a raw file stem), found '../../etc/passwd'"]),
    Case("yaml_code_execution", "a YAML tag that would run code", _yaml_tag_running_code,
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          "  - mappings/004_99f45e7fed0112e3.yaml:6: not valid YAML: tags such as '!!python/object/apply:os.system' "
          "(on key 'publisher') are not allowed in mappings: write plain values"]),
    Case("yaml_alias_bomb", "a YAML alias bomb (billion laughs)",
         lambda r: _replace(r, M004, "inspections:",
                            "notes: &a [x, x, x, x, x, x, x, x, x]\nbomb: &b [*a, *a, *a, *a]\ninspections:"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml:11: not valid YAML: anchors and aliases (&name, *name) are '
          'not allowed in mappings']),
    Case("yaml_huge_number", "a number of 5,000 digits (a mangled paste), more than Python will read",
         lambda r: _replace(r, M004, "inspections:", "notes: " + "9" * 5000 + "\ninspections:"),
         ['1 curation problem(s) in 1 file(s); nothing was published.',
          '  - mappings/004_99f45e7fed0112e3.yaml: not valid YAML: a number of more than 4,300 digits; no field '
          'holds such a number (is a value missing its quotes?)']),
]


HEADER = """# Error catalogue

Every kind of bad input the pipeline is known to meet, what the person who made it is told, and the
test that proves it. Each case is run by `tests/integration/test_error_catalogue.py` through the real
stages on a copy of the project holding a release: the message must be exactly this, and `published/`
must be byte-identical before and after. The CLI prints the same lines on stderr (`error: ` before the
first) and exits with status 1. Generated from `tests/integration/error_cases.py`
(`python -m tests.integration.error_cases > docs/error-catalogue.md`); a test keeps it in sync.

Conventions the catalogue relies on:

- **Offsets** are code points of the text decoded from the file's exact bytes (strict UTF-8); Windows
  line endings (CRLF) are kept and count as two characters (tested in
  `test_crlf_article_is_handled_with_offsets_counting_cr`). A byte-order mark is refused, not stripped.
- **All problems of a run are reported together**, one line each, with file, line (where YAML gives
  one) and field. A mapping whose shape is wrong (syntax, keys, types, vocabulary, dates) is not
  applied, so its quotes and cross-checks are reported once its shape is fixed.
- **The same id in two mappings** is the same record for inspections and judgements (several
  articles report one inspection, and their values must agree); ids of recommendations and funding
  commitments, whose texts are verbatim from one article, are unique across mappings.
- **CSV cells that a spreadsheet would run as a formula** (text starting with `=`, `+`, `-`, `@`, tab or
  carriage return) are written with a leading apostrophe `'`, OWASP's convention; the Parquet files
  keep the exact value (`test_csv_text_that_looks_like_a_formula_is_escaped_and_parquet_keeps_it`).
- **A raw article with no mapping** is not an error: the run reports it as waiting for curation and
  publishes the mapped ones (`test_raw_article_without_mapping_is_waiting_not_an_error` in
  tests/unit/facts/test_apply.py).

| case (test) | bad input | what the user sees |
|---|---|---|
"""


def render_catalogue() -> str:
    rows = []
    for case in CASES:
        shown = "<br>".join(line.strip().replace("|", "\\|") for line in case.message)
        rows.append(f"| `test_catalogue[{case.name}]` | {case.bad_input} | {shown} |")
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(render_catalogue(), end="")
