"""Records in, RDF triples out: actors (organisations, people), the mapper, the ontology."""
