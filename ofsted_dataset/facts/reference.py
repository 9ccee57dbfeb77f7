"""Reference data kept in the project: the local-authority register and the judgement-area table.

Both are small CSV files under reference/, read once per run; lookups fold typography and case so a
curator's spelling of a name or label finds its row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.input_tables import read_input_table
from ofsted_dataset.text import folded_key
from schemas.model import Table
from schemas.reference_tables import JUDGEMENT_AREAS, LOCAL_AUTHORITIES

# Inside the project a build is pointed at (--root), never the code checkout: a project brings its own.
REFERENCE_DIR = Path("reference")
REGISTER_FILE = Path(LOCAL_AUTHORITIES.location or "")
AREAS_FILE = Path(JUDGEMENT_AREAS.location or "")


_LOADED: dict[tuple[str, Path, int], Any] = {}


def _cached(read: Callable[[Path], Any], root: Path, table: Table) -> Any:
    """Reference files are read once per process, and again only when they change on disk."""
    path = root / (table.location or "")
    try:
        key = (read.__qualname__, path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise PipelineError(f"{table.location} is missing in {root}: a project needs its reference data "
                            "(restore it from the repository)") from None
    if key not in _LOADED:
        _LOADED[key] = read(root)
    return _LOADED[key]


@dataclass(frozen=True)
class LocalAuthority:
    name: str
    gss_code: str
    former_gss_codes: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every way an article may name the council, longest first (so quotes match the fullest name)."""
        return tuple(sorted({self.name, *self.aliases}, key=len, reverse=True))


class Register:
    """The local authorities with children's services responsibilities, by name and alias."""

    def __init__(self, authorities: list[LocalAuthority]) -> None:
        self.authorities = authorities
        self._containing: dict[str, tuple[str, ...]] = {}
        self._keys = {name: folded_key(name) for la in authorities for name in la.names}
        self._by_name: dict[str, LocalAuthority] = {}
        for la in authorities:
            for name in la.names:
                self._by_name[folded_key(name)] = la

    @classmethod
    def load(cls, root: Path) -> Register:
        """The register of the project at `root`, read once per process while the file is unchanged."""
        return _cached(cls._read, root, LOCAL_AUTHORITIES)

    @classmethod
    def _read(cls, root: Path) -> Register:
        return cls([LocalAuthority(**row) for row in read_input_table(root, LOCAL_AUTHORITIES)])

    def names_containing(self, la: LocalAuthority) -> tuple[str, ...]:
        """Names of *other* councils that contain one of `la`'s names as whole words ("South
        Gloucestershire" contains "Gloucestershire"): a quote naming them does not name `la`."""
        if la.gss_code not in self._containing:  # computed once per council
            own = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(folded_key(n)) for n in la.names) + r")(?!\w)")
            self._containing[la.gss_code] = tuple(
                name for other in self.authorities if other is not la for name in other.names
                if own.search(self._keys[name])
            )
        return self._containing[la.gss_code]

    def find(self, name: str) -> LocalAuthority | None:
        return self._by_name.get(folded_key(name))

    def suggestions(self, name: str) -> list[str]:
        import difflib

        return difflib.get_close_matches(name, [la.name for la in self.authorities], n=3, cutoff=0.6)


class JudgementAreas:
    """How each framework's (and the press's) wording of a judgement maps onto `area`."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels  # folded label -> area

    @classmethod
    def load(cls, root: Path) -> JudgementAreas:
        return _cached(cls._read, root, JUDGEMENT_AREAS)

    @classmethod
    def _read(cls, root: Path) -> JudgementAreas:
        return cls({folded_key(row["label"]): row["area"] for row in read_input_table(root, JUDGEMENT_AREAS)})

    def area_of(self, label: str) -> str | None:
        return self.labels.get(folded_key(label))
