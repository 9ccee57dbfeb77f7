"""The reference tables the project keeps under reference/ and the pipeline reads, defined once.

Like the published tables, each is a `Table`: the reader (ofsted_dataset/facts/input_tables.py)
checks a file's header and every value against its definition, so a typo in the register or in the
judgement-area table stops the build with its line, instead of quietly matching nothing.
"""

from __future__ import annotations

from schemas.model import Field, Origin, Table
from schemas.patterns import GSS_CODE
from schemas.vocabularies import AREAS, FACT_TABLE_NAMES, FRAMEWORKS

LOCAL_AUTHORITIES = Table(
    name="local_authorities",
    title="Register of local authorities",
    description="Every English local authority with children's services responsibilities, with the names an "
                "article may use for it (see reference/local_authorities.md for sources and conventions).",
    location="reference/local_authorities.csv",
    primary_key=("gss_code",),
    fields=(
        Field("name", "string", "The usual short name of the council area, as Ofsted uses it.", Origin.SOURCE,
              required=True, example="Gloucestershire"),
        Field("gss_code", "string", "The current ONS GSS code.", Origin.SOURCE, required=True, pattern=GSS_CODE,
              example="E10000013"),
        Field("former_gss_codes", "string", "Former GSS codes of the same children's services area.", Origin.SOURCE,
              pattern=GSS_CODE, separator=";"),
        Field("region", "string", "The ONS region (for people and consumers' joins; the pipeline does not read it).",
              Origin.SOURCE, required=True, informative=True, example="South West"),
        Field("aliases", "string", "Other names an article may use for the council.", Origin.SOURCE, separator=";",
              example="Gloucestershire County Council"),
    ),
)

JUDGEMENT_AREAS = Table(
    name="judgement_areas",
    title="Wordings of judgement areas",
    description="How each framework, and the press, words a judgement, and the `area` it stands for.",
    location="reference/judgement_areas.csv",
    primary_key=("label",),
    fields=(
        Field("label", "string", "A wording of the judgement (compared after typographic folding and case).",
              Origin.SOURCE, required=True, example="adoption performance"),
        Field("area", "string", "The judgement area it stands for.", Origin.SOURCE, required=True,
              enum=tuple(AREAS)),
        Field("frameworks", "string", "The frameworks that use this wording.", Origin.SOURCE, required=True,
              enum=tuple(FRAMEWORKS), separator=";",
              informative=True),
        Field("note", "string", "Where the wording comes from.", Origin.SOURCE, informative=True),
    ),
)

RETIRED_IDS = Table(
    name="retired_ids",
    title="Retired record ids",
    description="Ids withdrawn or merged by a curator, with their replacement: the changelog prints them.",
    location="reference/retired_ids.csv",
    primary_key=("table_name", "record_id"),
    fields=(
        Field("table_name", "string", "Table of the retired record.", Origin.SOURCE, required=True,
              enum=FACT_TABLE_NAMES),
        Field("record_id", "string", "The retired id, as in provenance.", Origin.SOURCE, required=True),
        Field("replaced_by", "string", "The id that replaces it; empty when withdrawn.", Origin.SOURCE),
        Field("reason", "string", "Why it was retired.", Origin.SOURCE),
    ),
)

REFERENCE_TABLES: dict[str, Table] = {t.name: t for t in (LOCAL_AUTHORITIES, JUDGEMENT_AREAS, RETIRED_IDS)}
