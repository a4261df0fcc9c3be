"""The projection's graph numbered once, for the C engine (python-igraph) behind the networkx API.

networkx stays the graph the library hands out (:meth:`KnowledgeGraph.networkx`, GEXF, GraphML);
the build's whole-graph measures run in igraph, which does the same sums in C. A
:class:`Numbered` graph is the bridge: nodes in sorted order (so the numbers, hence the results,
do not depend on the order nodes and edges were added in), adjacency lists and weighted edges
between their numbers, and the igraph graph made from them on first use. The analysis builds it
once and hands it to every measure.

Examples
--------
>>> import networkx as nx
>>> g = nx.Graph([("b", "a"), ("b", "c")])
>>> n = numbered(g)
>>> n.nodes, n.adj
(['a', 'b', 'c'], [[1], [0, 2], [1]])
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

ENGINES = ("igraph", "networkx")


@dataclass
class Numbered:
    """Nodes in sorted order; ``adj[i]`` the sorted neighbours of node ``i`` (no self-loops);
    ``edges`` ``(i, j, weight)`` with ``i < j``, sorted."""

    nodes: list
    adj: list[list[int]]
    edges: list[tuple[int, int, float]]
    _igraph: Any = field(default=None, repr=False)

    def igraph(self):
        """The igraph graph of these numbers (undirected, edge attribute ``weight``)."""
        if self._igraph is None:
            ig = load_igraph()
            self._igraph = ig.Graph(
                n=len(self.nodes),
                edges=[(i, j) for i, j, _ in self.edges],
                edge_attrs={"weight": [w for *_, w in self.edges]},
            )
        return self._igraph


def numbered(g) -> Numbered:
    """Number a networkx graph (or return a :class:`Numbered` unchanged)."""
    if isinstance(g, Numbered):
        return g
    return from_edges(g, g.edges(data="weight", default=1.0))


def from_edges(nodes, edges) -> Numbered:
    """Number ``nodes`` and ``(u, v, weight)`` ``edges`` between them (a repeated edge keeps its
    last weight, as in networkx); the build's analysis starts here, from the projection's data,
    without a networkx graph.

    >>> from_edges(["b", "a"], [("a", "b", 2.0), ("b", "b", 1.0)]).edges
    [(0, 1, 2.0)]
    """
    try:
        ordered = sorted(nodes)
    except TypeError:  # nodes of mixed types
        ordered = sorted(nodes, key=repr)
    index = {v: i for i, v in enumerate(ordered)}
    weights: dict[tuple[int, int], float] = {}
    for u, v, w in edges:
        i, j = index[u], index[v]
        if i != j:
            weights[(i, j) if i < j else (j, i)] = float(w)
    adj: list[list[int]] = [[] for _ in ordered]
    pairs = sorted(weights)
    for i, j in pairs:
        adj[i].append(j)
        adj[j].append(i)
    for a in adj:
        a.sort()
    return Numbered(ordered, adj, [(i, j, weights[(i, j)]) for i, j in pairs])


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: igraph or networkx")


def load_igraph():
    """Import igraph without its plotting side.

    igraph imports matplotlib, when it is installed, to offer plots we never draw: 0.4-0.9 s of
    every build and weekly update. While igraph loads, ``matplotlib`` is marked missing (a
    ``None`` entry in ``sys.modules`` makes ``import`` raise ImportError, which igraph handles);
    a process that has already imported matplotlib keeps it and igraph uses it as usual.
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hidden = [m for m in ("matplotlib", "matplotlib.pyplot") if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
    return igraph
