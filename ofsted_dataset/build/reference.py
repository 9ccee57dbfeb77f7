"""Reference data kept in the project: the local-authority register and the judgement-area table.

Both are small CSV files under reference/, read once per run; lookups fold typography and case so a
curator's spelling of a name or label finds its row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.text import fold
from schemas.vocabularies import AREAS

# Inside the project a build is pointed at (--root), never the code checkout: a project brings its own.
REFERENCE_DIR = Path("reference")
REGISTER_FILE = REFERENCE_DIR / "local_authorities.csv"
AREAS_FILE = REFERENCE_DIR / "judgement_areas.csv"


_LOADED: dict[tuple[str, Path, int], Any] = {}


def _cached(read: Callable[[Path], Any], path: Path) -> Any:
    """Reference files are read once per process, and again only when they change on disk."""
    try:
        key = (read.__qualname__, path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise PipelineError(f"{path.parent.name}/{path.name} is missing in {path.parent.parent}: a project "
                            "needs its reference data (restore it from the repository)") from None
    if key not in _LOADED:
        _LOADED[key] = read(path)
    return _LOADED[key]


def _key(text: str) -> str:
    return fold(text).casefold()


@dataclass(frozen=True)
class LocalAuthority:
    name: str
    gss_code: str
    former_gss_codes: tuple[str, ...]
    region: str
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
        self._keys = {name: _key(name) for la in authorities for name in la.names}
        self._by_name: dict[str, LocalAuthority] = {}
        for la in authorities:
            for name in la.names:
                self._by_name[_key(name)] = la

    @classmethod
    def load(cls, root: Path) -> Register:
        """The register of the project at `root`, read once per process while the file is unchanged."""
        return _cached(cls._read, root / REGISTER_FILE)

    @classmethod
    def _read(cls, path: Path) -> Register:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return cls(
            [
                LocalAuthority(
                    name=row["name"],
                    gss_code=row["gss_code"],
                    former_gss_codes=tuple(c for c in row["former_gss_codes"].split(";") if c),
                    region=row["region"],
                    aliases=tuple(a for a in row["aliases"].split(";") if a),
                )
                for row in rows
            ]
        )

    def names_containing(self, la: LocalAuthority) -> tuple[str, ...]:
        """Names of *other* councils that contain one of `la`'s names as whole words ("South
        Gloucestershire" contains "Gloucestershire"): a quote naming them does not name `la`."""
        if la.gss_code not in self._containing:  # computed once per council
            own = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(_key(n)) for n in la.names) + r")(?!\w)")
            self._containing[la.gss_code] = tuple(
                name for other in self.authorities if other is not la for name in other.names
                if own.search(self._keys[name])
            )
        return self._containing[la.gss_code]

    def find(self, name: str) -> LocalAuthority | None:
        return self._by_name.get(_key(name))

    def suggestions(self, name: str) -> list[str]:
        import difflib

        return difflib.get_close_matches(name, [la.name for la in self.authorities], n=3, cutoff=0.6)


class JudgementAreas:
    """How each framework's (and the press's) wording of a judgement maps onto `area`."""

    def __init__(self, labels: dict[str, str]) -> None:
        unknown = sorted(set(labels.values()) - set(AREAS))
        if unknown:
            raise ValueError(f"reference/judgement_areas.csv uses unknown areas: {', '.join(unknown)}")
        self.labels = labels

    @classmethod
    def load(cls, root: Path) -> JudgementAreas:
        return _cached(cls._read, root / AREAS_FILE)

    @classmethod
    def _read(cls, path: Path) -> JudgementAreas:
        with path.open(encoding="utf-8", newline="") as handle:
            return cls({_key(row["label"]): row["area"] for row in csv.DictReader(handle)})

    def area_of(self, label: str) -> str | None:
        return self.labels.get(_key(label))
