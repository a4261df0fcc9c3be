"""The shipped ontology as quads of its own named graph."""

from __future__ import annotations

from importlib import resources

from graphkit.core.iris import ontology_graph_iri
from graphkit.core.namespaces import GKD


def ontology_bytes() -> bytes:
    """The shipped OWL ontology (Turtle)."""
    return resources.files("graphkit.ontology").joinpath("graphkit.ttl").read_bytes()


def ontology_quads(base: str = GKD) -> list:
    """The ontology as pyoxigraph quads in its own graph, blank nodes skolemised in parse order.

    Blank node labels are random on every parse; skolem IRIs numbered by order of appearance
    make the store, and every export of it, identical from build to build.
    """
    from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, parse

    graph = NamedNode(ontology_graph_iri(base))
    names: dict[str, NamedNode] = {}

    def skolem(term):
        if isinstance(term, BlankNode):
            if term.value not in names:
                names[term.value] = NamedNode(f"{base}.well-known/genid/ontology-{len(names) + 1}")
            return names[term.value]
        return term

    return [
        Quad(skolem(t.subject), t.predicate, skolem(t.object), graph)
        for t in parse(ontology_bytes(), format=RdfFormat.TURTLE)
    ]


def quads_as_ntriples(quads) -> bytes:
    """N-Triples of quads, their graph dropped (for the generation's N-Triples cache)."""
    from pyoxigraph import RdfFormat, Triple, serialize

    return serialize([Triple(q.subject, q.predicate, q.object) for q in quads], format=RdfFormat.N_TRIPLES) or b""
