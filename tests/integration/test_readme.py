"""The README's promises: the two commands, and example queries that run on a release of the seed corpus
(the one the README's examples describe), with the results it was written about."""

from __future__ import annotations

import datetime as dt
import re

from ofsted_dataset.release.query import connect
from tests.helpers import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_the_two_make_commands():
    quick_start = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == ["make run", "make test"]


def _readme_queries() -> list[str]:
    block = re.search(r"```sql\n(.*?)```", README, re.S).group(1)
    return [q.strip() for q in block.split(";") if q.strip()]


OFFICIAL_2023 = "Childrens_social_care_in_England_2023_underlying_data.ods, LA_inspections_2009-2023"
IN_FORCE_NOTE = (
    "No official inspection fits the news dates, so the claim is checked against the overall grade in force then: "
    "Single Inspection of LA Children's Services (SIF) First SIF published 2016-02-19, overall requires_improvement "
    f"({OFFICIAL_2023}, row 85).")

# Each README query's whole result on the seed corpus's release: none may double-count, drop a record with
# a null date, or present a grade the official record contradicts as plain fact.
EXPECTED = [
    [("Birmingham", "birmingham-2008-full-inspection", "inadequate", dt.date(2008, 1, 1), "year",
      "not_in_official_record", None),
     ("Gloucestershire", "gloucestershire-2017-full-inspection", "inadequate", dt.date(2017, 6, 1), "month",
      "confirmed", "inadequate"),
     ("Middlesbrough", "middlesbrough-2017-full-inspection", "inadequate", dt.date(2017, 1, 1), "year",
      "conflict", "requires_improvement"),
     ("South Gloucestershire", "south-gloucestershire-2019-full-inspection", "requires_improvement",
      dt.date(2019, 1, 1), "year", "confirmed", "requires_improvement")],
    [("adoption", "Adoption performance", "good", "000_09d284dea3b9a717", "While adoption services are rated ‘Good’"),
     ("adoption", "Adoption performance", "good", "000_09d284dea3b9a717", "Adoption performance: ‘Good’"),
     ("care_leavers", "Experiences and progress of care leavers", "requires_improvement", "000_09d284dea3b9a717",
      "Experiences and progress of care leavers: ‘Requires improvement’"),
     ("children_in_care", "Children looked after and achieving permanence", "requires_improvement",
      "000_09d284dea3b9a717", "Children looked after and achieving permanence: ‘Requires improvement’"),
     ("help_and_protection", "Children who need help and protection", "inadequate", "000_09d284dea3b9a717",
      "Children who need help and protection: ‘Inadequate’"),
     ("leadership", "Leadership, management and governance", "inadequate", "000_09d284dea3b9a717",
      "The leadership, management and governance of services for children who need help and protection are "
      "inadequate"),
     ("leadership", "Leadership, management and governance", "inadequate", "000_09d284dea3b9a717",
      "Leadership, management and governance: ‘Inadequate"),
     ("overall_effectiveness", None, "inadequate", "000_09d284dea3b9a717",
      "the report concludes that overall, children’s services are ‘Inadequate’"),
     ("overall_effectiveness", None, "inadequate", "003_6e4606619b08db71",
      'neighbouring South Gloucestershire Council was rated as "inadequate"'),
     ("safeguarding_board", "Safeguarding Children Board", "inadequate", "000_09d284dea3b9a717",
      "The South Glos Safeguarding Children Board is also branded ‘Inadequate’")],
    # Middlesbrough's 2017 "inadequate" is contradicted by the official record: left out
    [("Gloucestershire", "gloucestershire-2017-full-inspection", dt.date(2017, 6, 1), "month", "confirmed"),
     ("South Gloucestershire", "south-gloucestershire-2016-full-inspection", dt.date(2017, 2, 1), "month",
      "confirmed")],
    # £9.2m once (not once per earlier inadequate rating), and South Gloucestershire's £10m, which has no
    # announced date, through the focused visit it was reported with
    [("gloucestershire-2017-9-2m", "Gloucestershire", 9_200_000, "children's services to speed up improvement",
      "gloucestershire-2017-full-inspection"),
     ("south-gloucestershire-2021-10m", "South Gloucestershire", 10_000_000,
      "investment into its service and workforce", "south-gloucestershire-2016-full-inspection")],
    [("middlesbrough-2017-full-inspection", "overall_grade", "inadequate", "requires_improvement",
      f"{OFFICIAL_2023}, row 85", IN_FORCE_NOTE),
     ("middlesbrough-2017-full-inspection/overall_effectiveness", "grade", "inadequate", "requires_improvement",
      f"{OFFICIAL_2023}, row 85", IN_FORCE_NOTE)],
]


def test_each_example_query_gives_its_exact_result_on_a_release_of_the_seed_corpus(seed_release):
    con = connect(seed_release / "published")
    assert [con.sql(q).fetchall() for q in _readme_queries()] == EXPECTED


def test_the_funding_query_counts_each_commitment_once(seed_release):
    con = connect(seed_release / "published")
    funding = _readme_queries()[3]
    assert con.sql(f"select sum(amount_gbp), count(distinct commitment_id), count(*) from ({funding})").fetchall() == [
        (19_200_000, 2, 2)]
