"""`graphkit rank`, `clusters`, `related`: the graph as a network."""

from __future__ import annotations

import click

from graphkit.cli.common import (
    NODE_TYPE_CHOICE,
    UserError,
    date_range,
    date_range_options,
    emit_json,
    emit_rows,
    main,
    output_options,
    range_note,
    store_option,
)


@main.command()
@click.option("--type", "node_type", type=NODE_TYPE_CHOICE, help="Only nodes of this type (default: all).")
@click.option(
    "--by", "measure", type=click.Choice(["pagerank", "degree", "betweenness"]), default="pagerank", show_default=True
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many nodes to list.")
@date_range_options
@output_options
@store_option
def rank(node_type, measure, top, since, until, as_json, as_csv, store):
    """Rank the graph's nodes by centrality.

    Scores are computed at build time on the network of articles and the themes, keywords and
    technologies they share; betweenness is exact within a work budget and sampled with a fixed
    seed above it (see docs/network.md).

    \b
    Examples:
      graphkit rank --type technology --by pagerank --top 20
      graphkit rank --type theme --by betweenness --csv
      graphkit rank --type theme --since 2025 --until 2025-Q2   # recomputed on those articles
    """
    from graphkit.graph import KnowledgeGraph

    if node_type in ("signal", "concern", "behavior", "issue"):
        raise UserError(
            f"{node_type}s are leaves of their article (degree 1) and are not ranked by centrality; "
            "rank articles (--type article), or use 'graphkit related' to explore a signal"
        )
    start, end = date_range(since, until)
    if start or end:
        from graphkit.timeline.periods import analyse_projection, projection_within

        sub, info = projection_within(KnowledgeGraph(store), start, end, rows=False)
        range_note(info, start, end)
        data = analyse_projection(sub, measures=(measure,))
    else:
        data = KnowledgeGraph(store).analysis()
    nodes = data["nodes"]  # iri -> [type, label]
    scores = data["scores"][measure]
    items = [(n, v) for n, v in scores.items() if node_type is None or nodes[n][0] == node_type]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    rows = [
        {
            "rank": i,
            "label": nodes[n][1],
            "type": nodes[n][0],
            measure: v,
            "degree": data["scores"]["degree"].get(n, 0),
            "iri": n,
        }
        for i, (n, v) in enumerate(items[:top], start=1)
    ]
    columns = ["rank", "label", "type", measure] + (["degree"] if measure != "degree" else []) + ["iri"]
    emit_rows(rows, columns, "json" if as_json else "csv" if as_csv else "table")


@main.command()
@click.option("--min-size", default=2, show_default=True, help="Hide communities smaller than this.")
@click.option("--top", type=click.IntRange(min=0), default=5, show_default=True, help="Members listed per community.")
@date_range_options
@output_options
@store_option
def clusters(min_size, top, since, until, as_json, as_csv, store):
    """List the communities of the graph (Louvain, fixed seed), largest first.

    Communities group articles with the themes, keywords and technologies they share; each is
    named after its most central themes and technologies. A table row belongs to its article's
    community.

    \b
    Examples:
      graphkit clusters --min-size 10
      graphkit clusters --json
      graphkit clusters --since 2025-Q1          # communities of the articles since 2025 only
    """
    import networkx as nx

    from graphkit.graph import KnowledgeGraph
    from graphkit.network.communities import describe

    start, end = date_range(since, until)
    if start or end:
        from graphkit.timeline.periods import analyse_projection, projection_within

        sub, info = projection_within(KnowledgeGraph(store), start, end, rows=False)
        range_note(info, start, end)
        data = analyse_projection(sub, measures=("pagerank",), communities=True)
    else:
        data = KnowledgeGraph(store).analysis()
    g = nx.Graph()
    g.add_nodes_from((n, {"type": t, "label": label}) for n, (t, label) in data["nodes"].items())
    parts = [set(p) for p in data["communities"]]
    described = [d for d in describe(g, parts, data["scores"]["pagerank"], top=top) if d["size"] >= min_size]
    if as_json:
        emit_json({"modularity": data["modularity"], "communities": described})
        return
    rows = [
        {
            "community": d["community"],
            "size": d["size"],
            "label": d["label"],
            "top members": "; ".join(m["label"] for m in d["top"]),
        }
        for d in described
    ]
    emit_rows(rows, ["community", "size", "label", "top members"], "csv" if as_csv else "table", width=70)
    if not as_csv:
        click.echo(f"({len(described)} of {len(parts)} communities; modularity {data['modularity']:.3f})", err=True)


@main.command()
@click.argument("query")
@click.option("--type", "node_type", type=NODE_TYPE_CHOICE, help="What QUERY names (and what to return), e.g. signal.")
@click.option(
    "--return",
    "target_type",
    type=NODE_TYPE_CHOICE,
    help="Return items of this type instead (default: QUERY's type; signals for free text).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many related items to list."
)
@click.option("--include-same-article", is_flag=True, help="Keep items from the query's own article.")
@date_range_options
@output_options
@store_option
def related(query, node_type, target_type, top, include_same_article, since, until, as_json, as_csv, store):
    """Find items related to QUERY: an IRI, a name (exact or approximate), or free text.

    Scores blend three kinds of evidence, each scaled to its best candidate: text (field-weighted
    TF-IDF, English and French lemmas), semantic (sentence embeddings, offline), and graph (the
    topics, actors, technologies and themes two articles share, rare ones weighing more; for two
    concepts, how often they meet in different articles). Each result lists what it shares, the
    matching words, and which evidence dominated. See docs/network.md for the formula.

    \b
    Examples:
      graphkit related "Hopepunk Movement" --type signal
      graphkit related https://w3id.org/graphkit/id/article/… --type article --top 5
      graphkit related "heat pumps" --type technology --json
      graphkit related "farmers repairing their own tractors" --top 5
      graphkit related "heat pumps" --type technology --since 2025   # results from 2025 articles only
    """
    from graphkit.graph import KnowledgeGraph
    from graphkit.search.related import Ambiguous, UnknownName, load_index

    kg = KnowledgeGraph(store)
    index = load_index(kg)
    start, end = date_range(since, until)
    within = None
    if start or end:
        # Scores keep the whole corpus's evidence; only the results are restricted to the items of
        # the articles in the range (the articles, their rows, the concepts they use).
        from graphkit.timeline.periods import projection_within

        sub, info = projection_within(kg, start, end)
        range_note(info, start, end)
        within = {n[0] for n in sub["nodes"]}
    try:
        resolved, results = index.related(
            query,
            node_type=node_type,
            target_type=target_type or node_type,
            top=top,
            include_same_article=include_same_article,
            within=within,
        )
    except (KeyError, UnknownName) as exc:
        raise UserError(exc.args[0]) from None
    except ValueError as exc:
        raise UserError(f'{exc} (e.g. graphkit related "heat pumps")') from None
    except Ambiguous as exc:
        lines = "\n".join(f"  {t:<10} {label}  <{iri}>" for iri, t, label in exc.candidates[:15])
        raise UserError(f"{query!r} matches several items:\n{lines}\nPass one IRI, or narrow with --type.") from None
    if as_json:
        emit_json({"query": query, "resolved": resolved, "results": [r.as_dict() for r in results]})
        return
    rows = [
        dict(r.as_dict(), rank=i, shared="; ".join(r.shared), terms=", ".join(r.terms))
        for i, r in enumerate(results, start=1)
    ]
    columns = ["rank", "score", "graph", "text", "semantic", "evidence", "label", "article", "shared", "terms", "iri"]
    if not as_csv:
        what = f"<{resolved}> ({index.label_of(resolved)})" if resolved else "free text"
        click.echo(f"Related to {what}:", err=True)
    emit_rows(rows, columns, "csv" if as_csv else "table", width=50)
