"""IRIs of instance data: articles, and the named graphs a graph folder holds.

Every layer names the same graphs (the build writes them, queries scope to them, push sends them),
so their IRIs are made here, once.

>>> graph_iri("2024-01-07-heat")
'https://w3id.org/graphkit/id/graph/article/2024-01-07-heat'
"""

from __future__ import annotations

from graphkit.core.namespaces import GKD
from graphkit.core.normalize import slug


def article_iri(digest_id: str, base: str = GKD) -> str:
    """The IRI of the article a digest describes."""
    return f"{base}article/{slug(digest_id)}"


def graph_iri(digest_id: str, base: str = GKD) -> str:
    """The named graph that holds one digest's triples."""
    return f"{base}graph/article/{slug(digest_id)}"


def labels_graph_iri(base: str = GKD) -> str:
    """The graph of what digests share: merged concepts and weekly pages, recomputed each build."""
    return f"{base}graph/shared"


def ontology_graph_iri(base: str = GKD) -> str:
    """The graph holding the shipped ontology (and topic scheme)."""
    return f"{base}graph/ontology"


def topics_graph_iri(base: str = GKD) -> str:
    """The graph of the topic scheme and of every concept's links to topics, recomputed each build."""
    return f"{base}graph/topics"


def analysis_graph_iri(base: str = GKD) -> str:
    """The graph of network scores and communities written back by the analysis."""
    return f"{base}graph/analysis"
