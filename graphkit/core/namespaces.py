"""One namespace object per vocabulary graphkit writes.

Attribute access gives the full IRI as a plain string (``SCHEMA.headline`` →
``"https://schema.org/headline"``); no rdflib import is needed, which keeps the CLI quick to start.
"""

from __future__ import annotations


class Namespace(str):
    """An IRI prefix; ``NS.term`` and ``NS["term"]`` give full IRIs."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name

    def __getitem__(self, name):
        return str(self) + name if isinstance(name, str) else str.__getitem__(self, name)


GK = Namespace("https://w3id.org/graphkit/ns#")
#: Default base of instance IRIs (articles, themes, rows, graphs).
GKD = Namespace("https://w3id.org/graphkit/id/")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes for Turtle output and for SPARQL queries typed by users.
PREFIXES = {
    "gk": str(GK),
    "gkd": str(GKD),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}
