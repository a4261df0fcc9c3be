"""graphkit's OWL ontology, SHACL shapes and example data (read with importlib.resources)."""
