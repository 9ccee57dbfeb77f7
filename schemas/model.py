"""The vocabulary used to define a table once.

Every published artefact that describes a table (Arrow schema, pandera checks, the Frictionless
descriptor, the data dictionary, the mapping loader's list of allowed keys) is generated from these
objects, so a column is added or changed in exactly one place: `schemas/tables.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Origin(Enum):
    """Where a field's value comes from; decides what the mapping loader accepts and what provenance
    the validator demands."""

    QUOTE = "quote"  # the value *is* a verbatim span of the article (published exactly as in the raw text)
    EVIDENCE = "evidence"  # a curated value backed by one or more quotes under `evidence:`
    CURATOR = "curator"  # an identifier or reference chosen by the curator (no quote needed)
    DERIVED = "derived"  # computed by the documented rule in `Field.rule`


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
    derivable: bool = False  # an EVIDENCE field the pipeline derives by `rule` when the mapping omits it
    example: str | None = None


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
    # record_id in provenance is built from these key fields joined by "/"
    record_id_fields: tuple[str, ...] = field(default=())

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def id_fields(self) -> tuple[str, ...]:
        return self.record_id_fields or self.primary_key
