"""The textual forms identifiers take, as regular expressions: written once, used by the table
definitions (and so by pandera and the Frictionless descriptor) and by the loaders that check inputs
before any table exists (raw file names, a mapping's source block)."""

from __future__ import annotations

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_ID = r"^[a-z0-9][a-z0-9_-]*$"
SHA256 = r"^[0-9a-f]{64}$"
GSS_CODE = r"^E(06|08|09|10)[0-9]{6}$"
URL = r"^https?://[^\s]+$"
FINANCIAL_YEAR = r"^[0-9]{4}/[0-9]{2}$"
