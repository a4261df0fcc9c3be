"""Centrality of the projected graph: degree, PageRank and betweenness.

Pure functions: each takes a networkx graph and returns ``{node: score}``.

Betweenness (Brandes, paths counted in hops) runs within a work budget, in igraph's C code by
default (``engine="networkx"``: the same sums in pure Python, 15-20x slower). Two things keep it
cheap:

* **Leaves are folded** into their neighbour first. A node of degree 1 is never inside a shortest
  path, and every path from it runs through its neighbour, so its neighbour stands for it as a
  source and target (counted with a weight) and gets its share of paths in closed form. Most
  concepts in the projection are named by one article only, so this removes most of the nodes
  (2,252 of the 2,754 core nodes of the 153-digest dev corpus) and the result stays exact.
* What remains costs ``nodes × (nodes + edges)`` breadth-first steps exactly: when that is within
  :data:`BETWEENNESS_BUDGET` the scores are exact, otherwise they are estimated from ``k`` source
  nodes (pivots) drawn with a fixed seed, ``k × (nodes + edges)`` within the budget and at least
  :data:`BETWEENNESS_MIN_SAMPLES`. A pivot is drawn with probability proportional to the nodes it
  stands for and weighted by its inverse (Horvitz-Thompson); leaves' shares stay exact.

In igraph the leaves stay in the graph (as targets they cost nothing extra in C) and the sources
are the same nodes with the same weights: its subset betweenness sums ``δ_s`` over a set of
sources, so the sources are grouped by weight. Both engines give the same exact scores (to
rounding) and, sampled, the same pivots.

Nodes are numbered in sorted order and pivots drawn from that order, so the same graph gives the
same scores, whatever order its nodes and edges were added in. :func:`betweenness_plan` says
which way a graph is computed (``graphkit.network.analysis`` reports it).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from graphkit.network.engine import Numbered, check_engine, numbered

#: Breadth-first steps (a node or an edge visited) allowed for betweenness: about 0.7 s on one core
#: (101 sources on the 4,192-node, 75,000-edge core of 3,500 real-shaped digests, Spearman 0.9992
#: with exact on the top 100; 252 sources, 20 million steps: 1.8 s and 0.9996; exact: 28 s).
#: Exact costs ``nodes × (nodes + edges)`` of the graph with leaves folded, ``k`` sampled sources
#: ``k × (nodes + edges)``. The 153-digest dev corpus needs 0.8 million: exact, 0.2 s.
BETWEENNESS_BUDGET = 8_000_000
#: The same for the igraph engine, which takes about 1/16 of the time a step: 40 million steps,
#: about 0.3 s (~370 sources at 3,500 real-shaped digests, ~110 at 10,000 synthetic ones).
IGRAPH_BETWEENNESS_BUDGET = 40_000_000
#: Fewest sampled sources when the budget forces sampling (accuracy before time).
BETWEENNESS_MIN_SAMPLES = 64
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


def pagerank(g, alpha: float = 0.85, *, engine: str = "igraph") -> dict:
    """Weighted PageRank (edge ``weight`` attribute), summing to 1.

    Power iteration to a tolerance of 1e-8, as networkx does. ``engine="igraph"`` (the fast path)
    iterates with numpy straight on the numbered edges (0.1 s instead of 1.4 s at 10,000
    digests, most of networkx's time going into converting its graph); igraph's
    own PageRank solvers are not used because two calls on the same graph differ in the last
    digits. Scores are rounded to 10 significant digits, so both engines rank equal nodes equal
    (ties then break by IRI).

    Examples
    --------
    >>> import networkx as nx
    >>> pr = pagerank(nx.star_graph(3))
    >>> max(pr, key=pr.get)
    0
    """
    check_engine(engine)
    num = numbered(g)
    if not num.nodes:
        return {}
    if engine == "igraph":
        scores = _pagerank_sparse(len(num.nodes), num.edges, alpha, tol=1e-8, max_iter=200)
    else:
        import networkx as nx

        h = nx.Graph()
        h.add_nodes_from(range(len(num.nodes)))
        h.add_weighted_edges_from(num.edges)
        found = nx.pagerank(h, alpha=alpha, weight="weight", tol=1e-8, max_iter=200)
        scores = [found[i] for i in range(len(num.nodes))]
    return {v: _rounded(x) for v, x in zip(num.nodes, scores, strict=True)}


def _pagerank_sparse(n: int, edges: list[tuple[int, int, float]], alpha: float, tol: float, max_iter: int) -> list:
    """networkx's power iteration (uniform teleport, dangling nodes spread uniformly) on an
    undirected weighted graph given as ``(i, j, w)`` edges, with numpy alone (importing scipy
    costs more than the iterations here)."""
    import numpy as np

    if edges:
        i, j, w = (np.asarray(col) for col in zip(*edges, strict=True))
        src, dst, weight = np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([w, w]).astype(float)
    else:
        src = dst = np.zeros(0, dtype=np.int64)
        weight = np.zeros(0)
    strength = np.bincount(src, weights=weight, minlength=n)
    dangling = strength == 0
    share = weight / np.where(dangling, 1.0, strength)[src]  # the part of src's score each edge carries
    x = np.full(n, 1.0 / n)
    teleport = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (np.bincount(dst, weights=x[src] * share, minlength=n) + x[dangling].sum() * teleport)
        x += (1 - alpha) * teleport
        if np.abs(x - last).sum() < n * tol:
            return (x / x.sum()).tolist()
    raise RuntimeError(f"PageRank did not converge in {max_iter} iterations")


def _rounded(x: float) -> float:
    """10 significant digits: what both engines agree on, so they rank the same nodes equal."""
    return float(f"{x:.10g}")


def _numbered(g) -> tuple[list, list[list[int]]]:
    """Nodes in sorted order and the adjacency lists of their numbers, sorted, without self-loops."""
    num = numbered(g)
    return num.nodes, num.adj


def _fold_leaves(adj: list[list[int]]) -> tuple[list[int], list[int]]:
    """``(kept, leaves)``: the nodes that are not leaves, and each node's number of leaves.

    A leaf is a node of degree 1 whose neighbour has more; the two ends of an isolated edge stay.
    """
    leaves = [0] * len(adj)
    kept = []
    for v, a in enumerate(adj):
        if len(a) == 1 and len(adj[a[0]]) > 1:
            leaves[a[0]] += 1
        else:
            kept.append(v)
    return kept, leaves


def _component_sizes(adj: list[list[int]]) -> list[int]:
    """The size of each node's connected component."""
    size = [0] * len(adj)
    for root in range(len(adj)):
        if size[root]:
            continue
        seen, stack = [root], [root]
        size[root] = -1
        while stack:
            for w in adj[stack.pop()]:
                if not size[w]:
                    size[w] = -1
                    seen.append(w)
                    stack.append(w)
        for v in seen:
            size[v] = len(seen)
    return size


def _component_ids(adj: list[list[int]]) -> list[int]:
    """Each node's connected component, numbered by its smallest node."""
    ids = [-1] * len(adj)
    for root in range(len(adj)):
        if ids[root] >= 0:
            continue
        ids[root], stack = root, [root]
        while stack:
            for w in adj[stack.pop()]:
                if ids[w] < 0:
                    ids[w] = root
                    stack.append(w)
    return ids


def _brandes(adj: list[list[int]], weight: list[int], sources, factor: list[float]) -> list[float]:
    """Sum over ``sources`` of ``factor[s] × δ_s(v)``, each target ``t`` counting ``weight[t]`` times.

    Hop distances; predecessors are found again on the way back instead of being stored.
    """
    n = len(adj)
    bc = [0.0] * n
    for s in sources:
        dist = [-1] * n
        sigma = [0.0] * n
        dist[s], sigma[s] = 0, 1.0
        order = [s]
        i = 0
        while i < len(order):
            v = order[i]
            i += 1
            dv, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    order.append(w)
                if dist[w] == dv:
                    sigma[w] += sv
        delta = [0.0] * n
        fs = factor[s]
        for w in reversed(order):
            coeff = (weight[w] + delta[w]) / sigma[w]
            dw = dist[w] - 1
            for v in adj[w]:
                if dist[v] == dw:
                    delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += fs * delta[w]
    return bc


def _pivots(weight: list[int], k: int, seed: int) -> tuple[list[int], list[float]]:
    """``k`` sources drawn with probability proportional to ``weight`` (the nodes each stands for),
    and every node's probability of being drawn.

    Systematic sampling in an order shuffled with ``seed``; a node whose share reaches 1 is taken
    for certain (and the others share the rest). Drawing by weight, not uniformly, matters here: a
    node with 70 leaves stands for 71 sources.
    """
    certain: set[int] = set()
    by_weight = sorted(range(len(weight)), key=lambda i: (-weight[i], i))
    rest, left = sum(weight), k
    for i in by_weight:  # peel off the heaviest while their share is a whole draw or more
        if left <= 0 or weight[i] * left < rest:
            break
        certain.add(i)
        rest -= weight[i]
        left -= 1
    p = [1.0 if i in certain else (left * w / rest if rest else 0.0) for i, w in enumerate(weight)]
    order = [i for i in range(len(weight)) if i not in certain]
    rng = random.Random(seed)
    rng.shuffle(order)
    start, reach = rng.random(), 0.0
    drawn = set(certain)
    for i in order:  # draw i when one of start, start + 1, ... falls in its stretch of [0, left)
        before, reach = reach, reach + p[i]
        if math.floor(reach - start) > math.floor(before - start):
            drawn.add(i)
    return sorted(drawn), p


def betweenness_plan(g, k: int | None = None, *, budget: int | None = None, engine: str = "igraph") -> dict:
    """How :func:`betweenness` computes ``g``: ``{"exact": bool, "k": int | None, "budget": int,
    "searched": int, "work": int, "engine": str}``.

    ``searched`` is the number of nodes left once leaves are folded, ``work`` the breadth-first
    steps planned: a source costs the nodes and edges it visits (in igraph the leaves too), so
    ``searched × cost`` exact, ``k × cost`` sampled. ``budget`` defaults to
    :data:`IGRAPH_BETWEENNESS_BUDGET` or, for ``engine="networkx"``, :data:`BETWEENNESS_BUDGET`;
    an explicit ``k`` wins over it, and ``k`` at least the nodes searched is exact.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.barabasi_albert_graph(300, 2, seed=1)  # 300 nodes, 596 edges, no leaves
    >>> betweenness_plan(g)
    {'exact': True, 'k': None, 'budget': 40000000, 'searched': 300, 'work': 268800, 'engine': 'igraph'}
    >>> betweenness_plan(g, budget=100_000, engine="networkx")  # k = 100,000 // (300 + 596)
    {'exact': False, 'k': 111, 'budget': 100000, 'searched': 300, 'work': 99456, 'engine': 'networkx'}
    """
    check_engine(engine)
    num = numbered(g)
    return _plan(num.adj, *_fold_leaves(num.adj), k, _budget(budget, engine), engine)


def _budget(budget: int | None, engine: str) -> int:
    if budget is not None:
        return budget
    return IGRAPH_BETWEENNESS_BUDGET if engine == "igraph" else BETWEENNESS_BUDGET


def _plan(adj: list[list[int]], kept: list[int], leaves: list[int], k: int | None, budget: int, engine: str) -> dict:
    n = len(kept)
    edges = sum(len(a) for a in adj) // 2
    # Steps per source: igraph walks the leaves too, the Python engine only what is left.
    cost = len(adj) + edges if engine == "igraph" else n + edges - sum(leaves)
    if k is None and n * cost > budget:
        k = max(BETWEENNESS_MIN_SAMPLES, budget // max(cost, 1))
    if k is not None and k >= n:
        k = None
    return {
        "exact": k is None,
        "k": k,
        "budget": budget,
        "searched": n,
        "work": (n if k is None else k) * cost,
        "engine": engine,
    }


def betweenness(
    g, k: int | None = None, seed: int = SEED, *, budget: int | None = None, engine: str = "igraph"
) -> dict:
    """Normalised betweenness in hops: exact within the work budget, else from ``k`` pivots drawn
    with ``seed`` (see the module's notes and :func:`betweenness_plan`).

    Edges are taken as undirected. ``budget`` defaults to the engine's (:func:`betweenness_plan`);
    an explicit ``k`` (sampled sources among the nodes left once leaves are folded) wins over it.
    ``g`` is a networkx graph or a :class:`graphkit.network.engine.Numbered` one.

    Examples
    --------
    >>> import networkx as nx
    >>> b = betweenness(nx.path_graph(3))
    >>> b[1], b[0]
    (1.0, 0.0)
    >>> betweenness(nx.star_graph(3), engine="networkx")[0]
    1.0
    """
    check_engine(engine)
    num = numbered(g)
    nodes, adj = num.nodes, num.adj
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    kept, leaves = _fold_leaves(adj)
    plan = _plan(adj, kept, leaves, k, _budget(budget, engine), engine)
    weight = [1 + leaves[v] for v in kept]
    if plan["exact"]:
        drawn: list[int] = list(range(len(kept)))
        factor = [float(w) for w in weight]
    else:
        # Horvitz-Thompson: a source drawn with probability p counts 1/p times.
        drawn, p = _pivots(weight, plan["k"], seed)
        factor = [w / q if q else 0.0 for w, q in zip(weight, p, strict=True)]
    size = _component_sizes(adj)
    out = dict.fromkeys(nodes, 0.0)
    norm = 1.0 / ((n - 1) * (n - 2))  # ordered pairs (s, t), s != t, neither of them v
    if engine == "igraph":
        sums = _sums_igraph(num, kept, drawn, factor)
        # igraph also counted the paths from the drawn sources to v's own leaves, which the
        # closed form below counts exactly: take them out, so both engines give the same figure.
        drawn_factor = {kept[i]: factor[i] for i in drawn}
        component = _component_ids(adj)
        per_component: dict[int, float] = defaultdict(float)
        for v, f in drawn_factor.items():
            per_component[component[v]] += f
        for v in kept:
            own = leaves[v]
            to_leaves = own * (per_component[component[v]] - drawn_factor.get(v, 0.0))
            closed = 2 * own * (size[v] - 2) - own * (own - 1)
            out[nodes[v]] = _rounded((sums[v] - to_leaves + closed) * norm)
        return out
    # The graph without its leaves, renumbered; each node stands for itself and its leaves.
    index = {v: i for i, v in enumerate(kept)}
    sub = [[index[u] for u in adj[v] if u in index] for v in kept]
    folded = _brandes(sub, weight, drawn, factor)
    for i, v in enumerate(kept):
        own = leaves[v]
        # Paths from or to one of v's leaves pass through v (within its component), except those
        # between the leaf and v itself; paths between two of its leaves are counted twice.
        closed = 2 * own * (size[v] - 2) - own * (own - 1)
        out[nodes[v]] = _rounded((folded[i] + closed) * norm)
    return out


def _sums_igraph(num: Numbered, kept: list[int], drawn: list[int], factor: list[float]) -> list[float]:
    """``Σ factor[s] × δ_s(v)`` over the drawn sources, each ``δ_s`` over every target, leaves too.

    igraph's subset betweenness sums ``δ_s / 2`` (undirected pairs) over one set of sources, so the
    sources are grouped by factor: a few heavy nodes drawn for certain, and the others, whose
    factor is the same (drawn in proportion to their weight).
    """
    groups: dict[float, list[int]] = defaultdict(list)
    for i in drawn:
        groups[float(f"{factor[i]:.12g}")].append(kept[i])
    h = num.igraph()
    sums = [0.0] * len(num.nodes)
    for f, sources in sorted(groups.items()):
        if f == 0.0:
            continue
        part = h.betweenness(directed=False, sources=sources)
        for v, x in enumerate(part):
            sums[v] += 2.0 * f * x
    return sums


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
