"""From articles and mappings to fact tables: read raw/, load and check the mappings, match quotes,
cross-check and apply the facts, read the reference data, validate the tables, cache per article."""
