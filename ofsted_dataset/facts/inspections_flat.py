"""The flat export: one row per inspection, for people who open the data in a spreadsheet.

A spreadsheet user cannot join five tables; this table gives them an inspection's dates, grades (each
judgement area a column), Ofsted's verdict and the articles that report it on one line. It is derived,
never curated: every column is copied or counted from the published tables by one SQL query over the
Arrow tables, and schemas/tables.py (INSPECTIONS_FLAT) says which column comes from where.
"""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset.release.duckdb_access import arrow_result, connect_bounded
from schemas.arrow import ARROW_SCHEMAS
from schemas.tables import INSPECTIONS, INSPECTIONS_FLAT
from schemas.vocabularies import AREAS

_AREAS = [area for area in AREAS if area != "overall_effectiveness"]


def _select_list() -> str:
    """Each column of INSPECTIONS_FLAT as an expression over the query's aliases, in the table's order."""
    expressions = {name: f"i.{name}" for name in INSPECTIONS.field_names}
    expressions |= {area: f"grades.{area}" for area in _AREAS}
    expressions |= {"recommendations_listed": "coalesce(listed.n, 0)", "source_ids": "reported.ids",
                    "source_urls": "reported.urls"}
    return ",\n    ".join(f"{expressions[name]} as {name}" for name in INSPECTIONS_FLAT.field_names)


_QUERY = f"""
with grades as (
    select inspection_id, {", ".join(f"max(grade) filter (where area = '{a}') as {a}" for a in _AREAS)}
    from judgements group by inspection_id
),
listed as (select inspection_id, count(*) as n from recommendations group by inspection_id),
articles as (
    select distinct p.record_id as inspection_id, p.source_id, s.url
    from provenance p join sources s using (source_id)
    where p.table_name = 'inspections'
),
reported as (
    select inspection_id, string_agg(source_id, '; ' order by source_id) as ids,
           nullif(string_agg(url, '; ' order by source_id), '') as urls
    from articles group by inspection_id
)
select
    {_select_list()}
from inspections i
left join grades using (inspection_id)
left join listed using (inspection_id)
left join reported using (inspection_id)
order by i.inspection_id
"""


def inspections_flat(tables: dict[str, pa.Table]) -> pa.Table:
    """The inspections_flat table from the other tables (official_* columns already filled in)."""
    con = connect_bounded()
    try:
        for name in ("inspections", "judgements", "recommendations", "provenance", "sources"):
            con.register(name, tables[name])
        flat = arrow_result(con, _QUERY)
    finally:
        con.close()
    return flat.cast(ARROW_SCHEMAS["inspections_flat"].with_metadata(None))
