"""The vocabulary used to define a table once.

Every published artefact that describes a table (Arrow schema, pandera checks, the Frictionless
descriptor, the data dictionary, the mapping loader's list of allowed keys) is generated from these
objects, so a column is added or changed in exactly one place: `schemas/tables.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

# Between the key values of a record id ("south-gloucestershire-2016-sif/adoption"); never in a key value.
RECORD_ID_SEPARATOR = "/"


def record_id_sql(keys: Sequence[str], alias: str) -> str:
    """A record id as a DuckDB expression, for a table known only by its key columns (an older
    release's descriptor, say): the key values as text joined by the separator."""
    return f" || '{RECORD_ID_SEPARATOR}' || ".join(f"{alias}.{k}::VARCHAR" for k in keys)


class Origin(Enum):
    """Where a field's value comes from; decides what the mapping loader accepts and what provenance
    the validator demands."""

    QUOTE = "quote"  # the value *is* a verbatim span of the article (published exactly as in the raw text)
    EVIDENCE = "evidence"  # a curated value backed by one or more quotes under `evidence:`
    CURATOR = "curator"  # an identifier or reference chosen by the curator (no quote needed)
    DERIVED = "derived"  # computed by the documented rule in `Field.rule`
    SOURCE = "source"  # read as it is from an input file the project keeps (reference data, official extract)
    COLLECTOR = "collector"  # from the collector's record of the page the article was saved from (raw/<id>.page.json)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of: string, integer, boolean, date
    description: str
    origin: Origin
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    rule: str | None = None  # how a DERIVED value is computed, or what a curated value is checked against
    derivable: bool = False  # a curated field the pipeline derives by `rule` when the mapping omits it
    example: str | None = None
    separator: str | None = None  # an input cell holding a list: its items, separated by this
    informative: bool = False  # an input column kept for the people who edit the file; the pipeline never reads it
    # A derived date: the last day of the period of the date column named here (at its precision), so that
    # a reader comparing dates known to a year or a month can ask "on or before" of any day it may be.
    period_end_of: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    # An input the project keeps (reference data, the official extract): its path in the project.
    location: str | None = None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def record_id(self, values: Mapping[str, object]) -> str:
        """A record's id as provenance and official_checks name it: its key values joined by '/'."""
        return RECORD_ID_SEPARATOR.join(str(values[k]) for k in self.primary_key)

    def record_id_sql(self, alias: str) -> str:
        """The same id as a DuckDB expression over the table aliased `alias`."""
        return record_id_sql(self.primary_key, alias)
