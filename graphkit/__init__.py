"""graphkit: a knowledge graph of tech-watch digests.

The pipeline reads from the folder listing: ``parse`` (markdown → :class:`~graphkit.model.Digest`)
→ ``mapper`` (digest → RDF triples) → ``store``/``build`` (persistent Oxigraph store) →
``query``/``export``/``validate`` → ``cli``.

Heavy libraries (pyoxigraph, rdflib, pyshacl, networkx) are imported inside the functions that use
them, so ``import graphkit`` and ``graphkit --help`` stay fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "build", "parse_file", "KnowledgeGraph"]


def __getattr__(name):
    # Lazy re-exports: the library API without paying for its imports up front.
    if name == "build":
        from .build import build

        return build
    if name == "parse_file":
        from .parse import parse_file

        return parse_file
    if name == "KnowledgeGraph":
        from .graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
