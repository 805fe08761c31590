"""Curated files to plain records: reading and checking the YAML facts (no RDF here)."""
