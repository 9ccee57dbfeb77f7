"""The build: read raw/, load and check mappings, match quotes, apply facts, validate tables."""
