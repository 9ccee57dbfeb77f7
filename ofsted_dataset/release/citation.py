"""How to cite a release, said once: the consumer README, CITATION.cff and the release page all quote it.

A citation names the version, since releases differ and each one is immutable; the year is the year the
release was made (its datapackage.json `created`), so the text is the same every time it is rebuilt.
"""

from __future__ import annotations

from typing import Any

AUTHOR = "ofsted-dataset contributors"
CITATION_FILE = "CITATION.cff"


def citation_text(descriptor: dict[str, Any]) -> str:
    """One line to paste into a bibliography, from the release's own datapackage.json."""
    licences = ", ".join(lic["name"] for lic in descriptor.get("licenses", []))
    return (f"{AUTHOR} ({descriptor['created'][:4]}). {descriptor['title']} (version {descriptor['version']}) "
            f"[Data set]{f'. Licence: {licences}' if licences else ''}.")
