"""`graphkit actors`: the organisations and people the digests name."""

from __future__ import annotations

import click

from graphkit.cli.common import UserError, emit_json, emit_rows, main, output_options, store_option


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--top", type=click.IntRange(min=1), help="Rank the built graph's actors instead (by article count, then PageRank)."
)
@click.option("--type", "actor_type", type=click.Choice(["organisation", "person"]), help="Only actors of this type.")
@click.option(
    "--gazetteer",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML file of your own organisations, people and non-actors (repeatable; PATHS only).",
)
@click.option(
    "--mapping", type=click.Path(dir_okay=False), help="YAML mapping of section and column names (PATHS only)."
)
@click.option("--detail", is_flag=True, help="With PATHS: also print each actor's kind, aliases and evidence.")
@output_options
@store_option
def actors(paths, top, actor_type, gazetteer, mapping, detail, as_json, as_csv, store):
    """The organisations and people digests name.

    With PATHS (digest files or folders), print the actors found in each file. With --top N,
    rank the actors of the built graph by the number of articles that mention them, then by
    PageRank.

    \b
    Examples:
      graphkit actors examples/digests --json
      graphkit actors my-digest.md --detail
      graphkit actors --top 20 --type organisation
    """
    if paths and top is not None:
        raise UserError("give PATHS (extract from files) or --top N (rank the built graph), not both")
    if top is not None and (gazetteer or mapping or detail):
        raise UserError(
            "--gazetteer, --mapping and --detail apply to PATHS; --top ranks the graph as it was built "
            "(rebuild with 'graphkit build … --gazetteer FILE' to change its actors)"
        )
    if not paths and top is None:
        raise UserError("give digest files or folders to read, or --top N to rank the built graph's actors")
    if top is not None:
        from graphkit.extract.actors import rank_actors
        from graphkit.graph import KnowledgeGraph

        rows = rank_actors(KnowledgeGraph(store), top=top, actor_type=actor_type)
        if not rows and not as_json and not as_csv:
            click.echo("No actors in this graph (rebuild without --no-actors?).", err=True)
        emit_rows(
            rows,
            ["rank", "name", "type", "kind", "articles", "pagerank", "iri"],
            "json" if as_json else "csv" if as_csv else "table",
        )
        return
    from graphkit.build import discover
    from graphkit.extract.actors import extract_paths
    from graphkit.extract.gazetteer import load_gazetteer
    from graphkit.ingest.mapping import load_mapping

    files = [f for f, _ in discover(paths)]
    found, problems = extract_paths(files, load_gazetteer(tuple(gazetteer)), load_mapping(mapping) if mapping else None)
    for p in problems:
        if p.level == "error":
            click.echo(str(p), err=True)
    result = {
        name: [a.as_dict(detail) for a in found_actors if actor_type is None or a.type == actor_type]
        for name, found_actors in sorted(found.items())
    }
    if as_json:
        emit_json(result)
        return
    rows = [
        {
            "file": name,
            **a,
            **({"aliases": "; ".join(a["aliases"]), "evidence": "; ".join(a["evidence"])} if detail else {}),
        }
        for name, items in result.items()
        for a in items
    ]
    columns = ["file", "name", "type"] + (["kind", "aliases", "evidence"] if detail else [])
    emit_rows(rows, columns, "csv" if as_csv else "table")
