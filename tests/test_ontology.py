"""The ontology and SHACL shapes: every term documented, example files (found by glob) behave."""

from __future__ import annotations

from importlib import resources

import pytest
import rdflib
from rdflib.namespace import RDFS, SKOS

from graphkit.store.validate import ontology_graph, validate_graph

GK = rdflib.Namespace("https://w3id.org/graphkit/ns#")
EXAMPLES = resources.files("graphkit.ontology").joinpath("examples")
VALID = sorted(p for p in EXAMPLES.joinpath("valid").iterdir() if p.name.endswith(".ttl"))
INVALID = sorted(p for p in EXAMPLES.joinpath("invalid").iterdir() if p.name.endswith(".ttl"))


def test_every_own_term_has_label_definition_and_is_defined_by():
    g = ontology_graph()
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(GK))}
    assert len(terms) > 30
    for term in sorted(terms):
        assert g.value(term, RDFS.label), f"{term} has no rdfs:label"
        assert g.value(term, SKOS.definition), f"{term} has no skos:definition"
        assert g.value(term, RDFS.isDefinedBy), f"{term} has no rdfs:isDefinedBy"


def test_mapper_uses_only_declared_terms():
    import graphkit.extract.mapper as m

    g = ontology_graph()
    declared = {str(s) for s in g.subjects()}
    used: set[str] = set()
    for name in dir(m):
        value = getattr(m, name)
        if isinstance(value, dict):
            for v in value.values():
                items = v if isinstance(v, tuple) else (v,)
                used.update(i.strip("<>") for i in items if isinstance(i, str) and i.strip("<>").startswith(str(GK)))
    assert used and used <= declared, sorted(used - declared)


def test_there_are_examples():
    assert len(VALID) >= 2 and len(INVALID) >= 6


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_examples_conform(path):
    report = validate_graph(rdflib.Graph().parse(data=path.read_bytes(), format="turtle"))
    assert report.conforms, [v.message for v in report.violations]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_examples_fail_with_expected_message(path):
    text = path.read_text("utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# expect:"), f"{path.name} must start with '# expect: <message>'"
    expected = first.split(":", 1)[1].strip()
    report = validate_graph(rdflib.Graph().parse(data=text, format="turtle"))
    assert not report.conforms
    assert any(expected in v.message for v in report.violations), [v.message for v in report.violations]
