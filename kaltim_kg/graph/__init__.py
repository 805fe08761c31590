"""Records to RDF, and the SHACL gate around it."""
