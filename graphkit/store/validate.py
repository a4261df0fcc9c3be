"""SHACL validation of a built graph against the shipped shapes (``ontology/shapes.ttl``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from graphkit.core.namespaces import SH


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def as_dict(self) -> dict:
        return {
            "focus": self.focus,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "value": self.value,
        }


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    text: str = ""

    def as_dict(self) -> dict:
        return {"conforms": self.conforms, "violations": [v.as_dict() for v in self.violations]}


def _resource_graph(name: str):
    import rdflib

    g = rdflib.Graph()
    g.parse(data=resources.files("graphkit.ontology").joinpath(name).read_bytes(), format="turtle")
    return g


def shapes_graph():
    """The SHACL shapes as an rdflib Graph."""
    return _resource_graph("shapes.ttl")


def ontology_graph():
    """The OWL ontology as an rdflib Graph."""
    return _resource_graph("graphkit.ttl")


def validate_graph(data) -> ValidationReport:
    """Validate an rdflib graph with the shipped shapes (no inference; types are explicit).

    Examples
    --------
    >>> import rdflib
    >>> validate_graph(rdflib.Graph()).conforms
    True
    """
    import pyshacl

    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", allow_warnings=True
    )
    violations = []
    for r in results.subjects(predicate=_iri(SH.resultSeverity)):

        def get(p, r=r):
            return results.value(r, _iri(p))

        violations.append(
            Violation(
                focus=str(get(SH.focusNode)),
                path=str(get(SH.resultPath)) if get(SH.resultPath) is not None else None,
                message=str(get(SH.resultMessage) or ""),
                severity=str(get(SH.resultSeverity)).rsplit("#", 1)[-1],
                value=str(get(SH.value)) if get(SH.value) is not None else None,
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(bool(conforms), violations, text)


def _iri(value: str):
    import rdflib

    return rdflib.URIRef(value)


def validate_store(kg) -> ValidationReport:
    """Validate a :class:`~graphkit.graph.KnowledgeGraph` (the union of its graphs)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(data=kg.export("nt"), format="nt")
    return validate_graph(g)
