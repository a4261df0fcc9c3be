"""Centrality of the projected graph: degree, PageRank and betweenness.

Pure functions: each takes a networkx graph and returns ``{node: score}``.

Betweenness is exact up to :data:`EXACT_BETWEENNESS_MAX` nodes and estimated above from
``k`` sampled source nodes with a fixed seed (Brandes' pivots), so results are identical run to
run. Sampling cost grows with ``k × edges``; the default ``k`` keeps it to seconds at 10,000
digests. Paths are counted in hops (unweighted).
"""

from __future__ import annotations

#: Graphs up to this many nodes get exact betweenness.
EXACT_BETWEENNESS_MAX = 5_000
#: Sampled source nodes for larger graphs (cost ~ k × edges).
BETWEENNESS_SAMPLES = 32
SEED = 42


def degree(g) -> dict:
    """Number of neighbours of each node.

    Examples
    --------
    >>> import networkx as nx
    >>> degree(nx.star_graph(3))[0]
    3
    """
    return dict(g.degree())


def pagerank(g, alpha: float = 0.85) -> dict:
    """Weighted PageRank (edge ``weight`` attribute), summing to 1.

    Examples
    --------
    >>> import networkx as nx
    >>> pr = pagerank(nx.star_graph(3))
    >>> max(pr, key=pr.get)
    0
    """
    import networkx as nx

    if g.number_of_nodes() == 0:
        return {}
    return nx.pagerank(g, alpha=alpha, weight="weight", tol=1e-8, max_iter=200)


def betweenness(g, k: int | None = None, seed: int = SEED) -> dict:
    """Normalised betweenness; exact on small graphs, sampled with a fixed seed on large ones.

    Examples
    --------
    >>> import networkx as nx
    >>> b = betweenness(nx.path_graph(3))
    >>> b[1], b[0]
    (1.0, 0.0)
    """
    import networkx as nx

    n = g.number_of_nodes()
    if k is None:
        k = None if n <= EXACT_BETWEENNESS_MAX else BETWEENNESS_SAMPLES
    if k is not None and k >= n:
        k = None
    # Hop counts, not weights: breadth-first search is several times faster than Dijkstra, and
    # "how many shortest chains of articles and concepts pass here" is what analysts read it as.
    return nx.betweenness_centrality(g, k=k, seed=seed, normalized=True, weight=None)


def top_nodes(g, scores: dict, *, node_type: str | None = None, top: int = 20) -> list[tuple]:
    """The ``top`` nodes by score (optionally of one type), ties broken by IRI.

    Returns ``[(node, score), ...]``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.star_graph(3); nx.set_node_attributes(g, "theme", "type")
    >>> top_nodes(g, degree(g), top=2)
    [(0, 3), (1, 1)]
    """
    items = [
        (node, score) for node, score in scores.items() if node_type is None or g.nodes[node].get("type") == node_type
    ]
    items.sort(key=lambda kv: (-kv[1], str(kv[0])))
    return items[:top]
