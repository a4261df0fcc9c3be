"""`graphkit topics`: the topic scheme over a corpus: tree, coverage, what to add next."""

from __future__ import annotations

import click

from graphkit.cli.common import emit_csv, emit_json, emit_table, main, store_option

PLURAL = {"theme": "themes", "keyword": "keywords", "technology": "technologies"}


@main.command()
@click.option(
    "--depth",
    type=click.IntRange(min=0, max=3),
    default=2,
    show_default=True,
    help="Levels of the tree to show under the five top concepts.",
)
@click.option(
    "--min-articles",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Hide topics with fewer articles (narrower topics included).",
)
@click.option(
    "--unlinked",
    "top_unlinked",
    type=click.IntRange(min=0),
    default=15,
    show_default=True,
    help="How many of the most frequent unlinked themes, keywords and technologies to list.",
)
@click.option(
    "--suggest",
    is_flag=True,
    help="Also suggest topics for the unlinked labels by spelling similarity (for review: nothing is linked).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the tree as CSV.")
@store_option
def topics(depth, min_articles, top_unlinked, suggest, as_json, as_csv, store):
    """The topic scheme over the corpus: the tree with article counts, coverage, and what is unlinked.

    Themes, keywords and technologies are linked to canonical, bilingual topics when built (see
    docs/topics.md): by label, alias, acronym, or as phrases narrower than the topics they name.
    Coverage is the share of article → theme (keyword, technology) links that reach a topic
    used by 3 or more articles (itself or a broader topic; the five top concepts aside).

    \b
    Examples:
      graphkit topics                              # tree, coverage, most frequent unlinked labels
      graphkit topics --depth 3 --min-articles 3
      graphkit topics --suggest                    # candidate topics for unlinked labels, to review
      graphkit topics --json
    """
    from graphkit.graph import KnowledgeGraph
    from graphkit.network.topics import summary

    data = summary(
        KnowledgeGraph(store), depth=depth, min_articles=min_articles, top_unlinked=top_unlinked, suggest=suggest
    )
    if as_json:
        emit_json(data)
        return
    rows = [["· " * r["level"] + r["label"], r["articles"], r["topic"]] for r in data["tree"]]
    if as_csv:
        emit_csv(["topic", "articles", "iri"], [[r["label"], r["articles"], r["topic"]] for r in data["tree"]])
        return
    s = data["scheme"]
    click.echo(
        f"{s['topics']:,} topics in the scheme ({', '.join(s['sources'])}); {s['used']:,} linked from the "
        f"corpus, {s['with_3_articles']:,} with 3+ articles."
    )
    click.echo("Coverage: share of article links that reach a topic with 3+ articles (itself or broader):")
    for kind, c in data["coverage"].items():
        click.echo(
            f"  {kind:<11} {c['links']:>7,} links  reached {c['reached']:6.1%}   linked {c['linked']:6.1%}   "
            f"topic itself 3+ {c['shared']:6.1%}"
        )
    click.echo("Links by method: " + ", ".join(f"{m} {n:,}" for m, n in data["methods"].items()))
    click.echo("")
    emit_table(["topic", "articles", "iri"], rows, width=70)
    for kind, items in data["unlinked"].items():
        if items:
            click.echo(f"\nMost frequent unlinked {PLURAL[kind]}: " + "; ".join(f"{label} ({n})" for label, n in items))
    if suggest:
        click.echo("\nSuggestions (spelling similarity; add the right ones to a topics file as same_as):")
        for sug in data["suggestions"]:
            click.echo(
                f"  - [{sug['label']}, {sug['topic'].rsplit('/', 1)[-1]}]   # {sug['method']} "
                f"{sug['score']:.2f} vs {sug['matched']!r}"
            )
