"""Ofsted's official record: read its spreadsheets, snapshot them into an extract, check news values against it.

Reading (no network): sheets.py finds the tables, long_tables.py and wide_tables.py read the two
layouts, wording.py and councils.py map Ofsted's words and names onto the vocabularies and GSS codes,
records.py holds what was read, read.py reads a file and merges files. Snapshot (the only part that
downloads, run by a person or a schedule, never by the build): download.py, snapshot.py, and
extract.py, the extract file written and read by its one definition, schemas/official_extract.py.
Build: checks.py compares the built tables with the committed extract (the official_checks table).
"""
