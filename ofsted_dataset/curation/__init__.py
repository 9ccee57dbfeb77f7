"""Tools for curators: draft a mapping, lint an article for uncurated facts, score drafts."""
