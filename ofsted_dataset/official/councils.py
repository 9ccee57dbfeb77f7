"""The council an official row is about, as a GSS code.

The 2025 file gives codes; the 2023 file gives names only, some of councils abolished in a
reorganisation, which the register (current councils, with the former codes of councils they
replaced whole) does not list under their own names.
"""

from __future__ import annotations

import re

from ofsted_dataset.facts.reference import Register
from ofsted_dataset.text import folded_key

# Councils abolished in a reorganisation, by the name the official files give them, with their GSS
# code; these names appear in the official "existed before the restructure" tables. Cumbria and
# Northamptonshire were split between successors, so their inspections match no current council.
FORMER_COUNCILS: dict[str, str] = {
    "bournemouth": "E06000028",
    "poole": "E06000029",
    "dorset": "E10000009",
    "northamptonshire": "E10000021",
    "cumbria": "E10000006",
}


class CouncilCodes:
    """Resolves an official council name to a GSS code: the register first (names and aliases), then
    the abolished councils; in a table of councils that no longer exist, the abolished ones first
    (its "Dorset" is the former county, not today's unitary Dorset)."""

    def __init__(self, register: Register) -> None:
        self.register = register
        # Hyphens folded too: the files write both "Southend-on-Sea" and "Southend on Sea".
        self._loose = {_loose(name): la.gss_code for la in register.authorities for name in la.names}

    def code(self, name: str, former: bool = False) -> str:
        """The code, or "" when the name is no council the project knows (the caller reports it)."""
        key = folded_key(name)
        if former and key in FORMER_COUNCILS:
            return FORMER_COUNCILS[key]
        la = self.register.find(name)
        if la is not None:
            return la.gss_code
        return self._loose.get(_loose(name)) or FORMER_COUNCILS.get(key, "")


def _loose(name: str) -> str:
    return re.sub(r"[\s-]+", " ", folded_key(name).replace("&", "and")).strip()
