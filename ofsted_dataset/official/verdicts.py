"""Ofsted's verdict on each inspection, put on the inspections table where readers look.

official_checks holds one row per news value checked; a reader of `inspections` needs the outcome in one
word beside the claim (a contradicted overall grade must not read as fact), the official grade, and
where to find the official row. The columns are derived here from official_checks with one SQL query
over the Arrow tables (no Python per row); their rules are in schemas/tables.py.
"""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset.release.duckdb_access import arrow_result, connect_bounded

OFFICIAL_COLUMNS = ("official_status", "official_conflicts", "official_overall_grade", "official_source",
                    "official_url")

_VERDICTS = """
with checks as (
    select *, split_part(record_id, '/', 1) as inspection_id,
           case when table_name = 'judgements' then split_part(record_id, '/', 2) else field end as what
    from official_checks
),
contradicted as (
    select inspection_id,
           string_agg(what || ': news ' || coalesce(news_value, 'none') || ', official '
                      || coalesce(official_value, 'none'), '; ' order by record_id, field) as conflicts
    from checks where status = 'conflict' group by inspection_id
),
found as (
    select inspection_id, official_source from checks
    where table_name = 'inspections' and official_source is not null
    qualify row_number() over (partition by inspection_id order by
        case field when 'inspection_type' then 0 when 'overall_grade' then 1 else 2 end) = 1
)
select
    case when c.conflicts is not null then 'conflict' else coalesce(presence.status, 'not_checked') end
        as official_status,
    c.conflicts as official_conflicts,
    grade.official_value as official_overall_grade,
    found.official_source,
    pages.release_page as official_url
from inspections i
left join checks presence
  on presence.inspection_id = i.inspection_id and presence.table_name = 'inspections'
 and presence.field = 'inspection_type'
left join checks grade
  on grade.inspection_id = i.inspection_id and grade.table_name = 'inspections' and grade.field = 'overall_grade'
left join contradicted c on c.inspection_id = i.inspection_id
left join found on found.inspection_id = i.inspection_id
left join pages on pages.file = split_part(found.official_source, ', ', 1)
order by i.inspection_id
"""


def with_official_verdicts(inspections: pa.Table, official_checks: pa.Table, pages: dict[str, str]) -> pa.Table:
    """`inspections` (sorted by inspection_id, as every table is) with its official_* columns filled from
    `official_checks`; `pages` maps an official file's name to its statistics release's web page."""
    page_table = pa.table({"file": pa.array(list(pages), pa.string()),
                           "release_page": pa.array(list(pages.values()), pa.string())})
    con = connect_bounded()
    try:
        con.register("inspections", inspections.select(["inspection_id"]))
        con.register("official_checks", official_checks)
        con.register("pages", page_table)
        verdicts = arrow_result(con, _VERDICTS)
    finally:
        con.close()
    for name in OFFICIAL_COLUMNS:
        index = inspections.schema.get_field_index(name)
        inspections = inspections.set_column(index, inspections.schema.field(name),
                                             verdicts[name].cast(inspections.schema.field(name).type))
    return inspections
