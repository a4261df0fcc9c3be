"""Network projection, centrality and communities: known answers on hand-made graphs, equality
of the cached and SPARQL projections, determinism."""

from __future__ import annotations

import shutil

import networkx as nx
import pytest

from graphkit.build import build
from graphkit.graph import KnowledgeGraph
from graphkit.network import centrality, communities
from graphkit.network.project import FINDING_TYPES, projection_data, to_networkx
from graphkit_testutil import EXAMPLES, corpus_path


def test_cached_projection_equals_sparql_projection(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(corpus_path(), src)
    out = tmp_path / "kg"
    build([src], out)
    kg = KnowledgeGraph(out)
    assert kg.projection() == projection_data(kg.store)
    # after an incremental build too
    victim = sorted(src.glob("*.md"))[2]
    victim.write_text(victim.read_text("utf-8").replace("## Themes\n", "## Themes\n\n* brand new theme\n", 1), "utf-8")
    sorted(src.glob("*.md"))[0].unlink()
    assert build([src], out).changed == 1
    kg = KnowledgeGraph(out)
    data = kg.projection()
    assert data == projection_data(kg.store)
    labels = {label for _, type_, label, *_ in data["nodes"] if type_ == "theme"}
    assert "brand new theme" in labels


def test_projection_types_and_weights(tmp_path):
    build([EXAMPLES], tmp_path / "kg")
    g = KnowledgeGraph(tmp_path / "kg").network()
    types = nx.get_node_attributes(g, "type")
    assert sum(1 for t in types.values() if t == "article") == len(list(EXAMPLES.glob("*.md")))
    assert set(types.values()) <= {
        "article",
        "theme",
        "keyword",
        "technology",
        "signal",
        "concern",
        "behavior",
        "issue",
        "actor",
        "topic",
    }
    assert {"actor", "topic"} <= set(types.values())
    for a, b, w in g.edges(data="weight"):
        kinds = {types[a], types[b]}
        # every edge touches an article, but a row that names an actor links to it
        assert "article" in kinds or (
            len(kinds) == 2 and "actor" in kinds and kinds - {"actor"} <= set(FINDING_TYPES) | {"technology"}
        )
        if "topic" in kinds:  # reached through keywords only (0.5) or a theme or technology (1.0)
            assert w in (0.5, 1.0)
        else:
            assert w == (0.5 if kinds & {"keyword"} or kinds == {"article"} else 1.0)
    # a theme written two ways in two digests is one node linked to both articles
    ai_gov = [n for n, d in g.nodes(data=True) if d["type"] == "theme" and d["label"].lower() == "ai governance"]
    assert len(ai_gov) == 1 and g.degree(ai_gov[0]) == 3


def _two_triangles():
    g = nx.Graph()
    g.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")], weight=1.0)
    nx.set_node_attributes(g, "theme", "type")
    nx.set_node_attributes(g, {n: n.upper() for n in g}, "label")
    return g


def test_centrality_known_answers():
    g = _two_triangles()
    # c and x are the bridge: every shortest path between the triangles crosses them
    b = centrality.betweenness(g)
    assert b["c"] == b["x"] == pytest.approx(9 / 15)  # 9 of the 15 pairs route through each
    assert b["a"] == 0.0
    d = centrality.degree(g)
    assert d == {"a": 2, "b": 2, "c": 3, "x": 3, "y": 2, "z": 2}
    pr = centrality.pagerank(g)
    assert sum(pr.values()) == pytest.approx(1.0)
    assert pr["c"] == pytest.approx(pr["x"]) and pr["c"] > pr["a"]
    assert centrality.top_nodes(g, d, top=2) == [("c", 3), ("x", 3)]


def test_sampled_betweenness_is_deterministic():
    g = nx.barabasi_albert_graph(400, 2, seed=1)
    one = centrality.betweenness(g, k=50)
    two = centrality.betweenness(g, k=50)
    assert one == two
    exact = centrality.betweenness(g)
    top_exact = max(exact, key=exact.get)
    assert max(one, key=one.get) == top_exact  # the hub is found from 50 samples too


def test_communities_known_answer_and_labels():
    g = _two_triangles()
    parts = communities.louvain(g)
    assert [sorted(p) for p in parts] == [["a", "b", "c"], ["x", "y", "z"]]
    assert communities.modularity(g, parts) == pytest.approx(5 / 14)
    described = communities.describe(g, parts, centrality.pagerank(g), top=2)
    assert described[0]["size"] == 3 and described[0]["label"].startswith("C")
    assert described[0]["types"] == {"theme": 3}


def test_analysis_is_deterministic_on_the_corpus(tmp_path):
    build([corpus_path()], tmp_path / "kg")
    g1 = KnowledgeGraph(tmp_path / "kg").network()
    g2 = to_networkx(KnowledgeGraph(tmp_path / "kg").projection())
    assert communities.louvain(g1) == communities.louvain(g2)
    assert centrality.pagerank(g1) == centrality.pagerank(g2)


def test_igraph_and_networkx_louvain_agree_on_clear_structure():
    import random

    import networkx as nx

    from graphkit.network.communities import louvain

    for seed in range(5):
        # Planted partitions: 4 dense groups of 12, a few weak links between them.
        g = nx.planted_partition_graph(4, 12, 0.7, 0.02, seed=seed)
        nx.set_edge_attributes(g, 1.0, "weight")
        g = nx.relabel_nodes(g, {n: f"n{n:03d}" for n in g})
        a = louvain(g, engine="igraph")
        b = louvain(g, engine="networkx")
        assert sorted(map(sorted, a)) == sorted(map(sorted, b)), seed
        # Same graph, edges inserted in another order: same communities.
        edges = list(g.edges(data=True))
        random.Random(seed).shuffle(edges)
        h = nx.Graph()
        h.add_nodes_from(sorted(g.nodes(), reverse=True))
        h.add_edges_from(edges)
        assert louvain(h) == a


def test_louvain_on_the_real_corpus_is_as_good_as_networkx(tmp_path):
    from graphkit.network.analysis import core_projection
    from graphkit.network.communities import louvain, modularity
    from graphkit.network.project import to_networkx

    build([corpus_path()], tmp_path / "kg", actors=False, analysis=False)
    g = to_networkx(core_projection(KnowledgeGraph(tmp_path / "kg").projection()))
    fast, slow = louvain(g), louvain(g, engine="networkx")
    assert modularity(g, fast) >= modularity(g, slow) - 0.01
    assert louvain(g) == fast  # deterministic


def test_both_engines_score_the_real_corpus_alike(tmp_path):
    """igraph (C, the build's default) and networkx give the same scores and rankings, and the
    build's path from the projection's data gives what the networkx graph gives."""
    from graphkit.network.analysis import analyse, analyse_projection, core

    build([corpus_path()], tmp_path / "kg", actors=False, analysis=False)
    kg = KnowledgeGraph(tmp_path / "kg")
    fast, slow = analyse(kg.network()), analyse(kg.network(), engine="networkx")
    assert fast["betweenness"]["exact"] and slow["betweenness"]["exact"]
    for measure in ("degree", "pagerank", "betweenness"):
        a, b = fast["scores"][measure], slow["scores"][measure]
        assert a == pytest.approx(b, rel=1e-9, abs=1e-15), measure
        ranked_a, ranked_b = (sorted(s, key=lambda v: (-s[v], v))[:200] for s in (a, b))
        assert ranked_a == ranked_b, measure
    parts, c = [set(c) for c in fast["communities"]], core(kg.network())
    assert communities.modularity(c, parts) == pytest.approx(communities.modularity(c, parts, engine="networkx"))
    with pytest.raises(ValueError, match="not a partition"):
        communities.modularity(c, parts[1:])
    assert analyse_projection(kg.projection()) == fast
