"""graphkit: a knowledge graph of tech-watch digests.

The subpackages follow the data's path, each layer importing only those below it (the contract
is in ``pyproject.toml``, checked by ``lint-imports``)::

    core      namespaces, label keys, N-Triples terms, IRIs          (imports nothing of ours)
    ingest    markdown files → Digest records
    extract   Digest → RDF triples: mapper, actors, ontology
    store     generations of the Oxigraph store, named queries, validation
    network   projection onto networkx, centrality, communities, analysis
    search    related items          timeline  periods, trends, weak signals, plots
    build     the build, stage by stage      graph  KnowledgeGraph, the read API
    publish   HTML graph, SPARQL server, push
    cli       the command line

Heavy libraries (pyoxigraph, rdflib, pyshacl, networkx) are imported inside the functions that use
them, so ``import graphkit`` and ``graphkit --help`` stay fast.
"""

from graphkit._version import __version__

__all__ = ["KnowledgeGraph", "__version__", "build", "parse_file"]


def __getattr__(name):
    # Lazy re-exports: the library API without paying for its imports up front.
    if name == "build":
        from graphkit.build import build

        return build
    if name == "parse_file":
        from graphkit.ingest.parse import parse_file

        return parse_file
    if name == "KnowledgeGraph":
        from graphkit.graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
