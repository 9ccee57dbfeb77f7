"""Ofsted's official record: read its spreadsheets, snapshot them into an extract, check news values against it."""
