"""`graphkit query`, `export`, `validate`, `stats`: reading the stored graph."""

from __future__ import annotations

import os
import sys

import click

from graphkit.cli.common import (
    UserError,
    date_range,
    emit_csv,
    emit_json,
    emit_table,
    endpoint_options,
    main,
    open_endpoint,
    parse_params,
    store_option,
)


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "qfile", type=click.File("r", encoding="utf-8"), help="Read the query from a .rq file.")
@click.option("--name", "-n", help="Run a named query shipped with graphkit (see --list).")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query variable to a string (repeatable).",
)
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--width", default=60, show_default=True, help="Cut table cells to this many characters.")
@click.option(
    "--until",
    metavar="PERIOD",
    help="Only the digests dated up to the end of PERIOD: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www.",
)
@click.option(
    "--since", metavar="PERIOD", help="Only the digests dated from the start of PERIOD (same forms as --until)."
)
@endpoint_options(query_only=True)
@store_option
def query(
    sparql, qfile, name, params, list_, fmt, as_json, width, since, until, store, endpoint_url, user, password, timeout
):
    """Run a SPARQL query over the graph (all named graphs, as one), or over a remote endpoint.

    The prefixes gk:, gkd:, schema:, skos:, prov:, dcterms:, rdf:, rdfs:, owl:, xsd: are
    predeclared. Values given with --param are bound safely (never pasted into the query).

    \b
    Examples:
      graphkit query "SELECT ?t WHERE { ?t a gk:Theme } LIMIT 5"
      graphkit query --name signals-of-theme --param theme="climate change" --format csv
      graphkit query --file examples/queries/cooccurring-themes.rq --json
      graphkit query --endpoint http://127.0.0.1:7878/query --name top-themes   # a server (graphkit serve/push)
      graphkit query --name top-themes --since 2025 --until 2025-Q2   # only the digests of that period

    With --since/--until the query sees only the named graphs of the digests dated in the range
    (plus the shared concepts, the ontology and the analysis); undated digests are left out.
    """
    from graphkit.store.queries import named_queries

    if as_json:
        fmt = "json"
    if list_:
        qs = named_queries()
        rows = [[q.name, ", ".join(q.params) or "-", q.title] for q in qs.values()]
        if fmt == "json":
            emit_json(
                [
                    {"name": q.name, "title": q.title, "description": q.description, "params": q.params}
                    for q in qs.values()
                ]
            )
        elif fmt == "csv":
            emit_csv(["name", "params", "title"], rows)
        else:
            emit_table(["name", "params", "title"], rows, width=80)
        return
    given = [x for x in (sparql, qfile, name) if x]
    if len(given) != 1:
        raise UserError("give exactly one of: a SPARQL string, --file Q.rq, or --name NAME (see --list)")
    from graphkit.graph import KnowledgeGraph

    if endpoint_url:
        from graphkit.publish.remote import RemoteGraph

        if since or until:
            raise UserError("--since/--until work on the local graph folder, not with --endpoint")
        # One quick retry only: a query that was refused is not worth seconds of back-off.
        kg: KnowledgeGraph | RemoteGraph = RemoteGraph(open_endpoint(endpoint_url, user, password, timeout, retries=1))
    else:
        kg = KnowledgeGraph(store)
    bound = parse_params(params)
    scope = {}
    if since or until:
        assert isinstance(kg, KnowledgeGraph)
        start, end = date_range(since, until)
        scope["graphs"] = kg.graphs_within(start, end)
    if name:
        result = kg.named(name, bound, **scope)
    else:
        text = sparql if sparql else qfile.read()
        result = kg.query(text, bound, **scope)
    if result.kind == "ask":
        if fmt == "json":
            emit_json({"boolean": result.boolean})
        else:
            click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        click.echo(result.data.decode("utf-8"), nl=False)
    elif fmt == "json":
        emit_json(result.records())
    elif fmt == "csv":
        emit_csv(result.columns, result.rows)
    else:
        emit_table(result.columns, result.rows, width=width)
        click.echo(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "gexf", "graphml"]),
    default="ttl",
    show_default=True,
    help="nq and trig keep one named graph per digest; ttl, nt, jsonld give the merged graph; "
    "gexf (Gephi) and graphml (Cytoscape) give the network projection with scores and communities.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
@store_option
def export(fmt, output, store):
    """Export the graph as Turtle, N-Triples, N-Quads, TriG or JSON-LD, or its network as GEXF or GraphML.

    \b
    Examples:
      graphkit export --format ttl -o kg.ttl
      graphkit export --format nq | gzip > kg.nq.gz
      graphkit export --format gexf -o kg.gexf      # open in Gephi
    """
    from graphkit.graph import KnowledgeGraph

    kg = KnowledgeGraph(store)
    if fmt in ("gexf", "graphml"):
        if not output:
            raise UserError(f"--format {fmt} writes a file: add -o kg.{fmt}")
        kg.export_network(fmt, output)
        click.echo(f"Wrote {output} ({os.path.getsize(output):,} bytes).", err=True)
    elif output:
        kg.export(fmt, output)
        click.echo(f"Wrote {output} ({os.path.getsize(output):,} bytes).", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(kg.export(fmt) or b"")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--max", "max_shown", default=50, show_default=True, help="How many violations to list.")
@store_option
def validate(as_json, max_shown, store):
    """Check the graph against the SHACL shapes shipped in ontology/shapes.ttl.

    Exits with status 1 when the graph does not conform.

    \b
    Example:
      graphkit validate --json
    """
    from graphkit.graph import KnowledgeGraph
    from graphkit.store.validate import validate_store

    report = validate_store(KnowledgeGraph(store))
    if as_json:
        emit_json(report.as_dict())
    elif report.conforms:
        click.echo("The graph conforms to the SHACL shapes.")
    else:
        click.echo(f"{len(report.violations)} violation(s):")
        for v in report.violations[:max_shown]:
            click.echo(f"  {v.focus} {v.path or ''}: {v.message}" + (f" (value: {v.value})" if v.value else ""))
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@store_option
def stats(as_json, store):
    """Counts of digests, triples, named graphs and entities per type.

    \b
    Example:
      graphkit stats --json
    """
    from graphkit.graph import KnowledgeGraph

    data = KnowledgeGraph(store).stats()
    if as_json:
        emit_json(data)
        return
    for key in ("store", "digests", "quads", "triples", "named_graphs", "warnings"):
        click.echo(
            f"{key.replace('_', ' '):<14}{data[key]:,}" if isinstance(data[key], int) else f"{key:<14}{data[key]}"
        )
    click.echo("entities")
    for k, v in data["entities"].items():
        click.echo(f"  {k:<20}{v:>8,}")
