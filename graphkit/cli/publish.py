"""`graphkit viz`, `serve`, `push`: the graph for people and other tools."""

from __future__ import annotations

import sys

import click

from graphkit.cli.common import (
    UserError,
    date_range,
    date_range_options,
    emit_json,
    endpoint_options,
    main,
    open_endpoint,
    store_option,
)


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default="graph.html",
    show_default=True,
    help="HTML file to write (one self-contained page).",
)
@click.option(
    "--around",
    metavar="NAME_OR_IRI",
    help="Show only the neighbourhood of this node: a name, TYPE:NAME (actor:NHS England) or an IRI.",
)
@click.option("--depth", type=click.IntRange(0, 10), help="Hops around --around.  [default: 1]")
@click.option(
    "--types",
    metavar="TYPE,...",
    help="Only these node types, e.g. theme,technology; without article, two nodes are linked when they share an article.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="At most this many nodes, the most central by PageRank (0: no cap).",
)
@click.option(
    "--min-relevancy",
    type=click.IntRange(1, 5),
    help="Hide signals, concerns, behaviours and issues of lower relevancy.",
)
@date_range_options
@click.option(
    "--color-by",
    type=click.Choice(["type", "community"]),
    default="type",
    show_default=True,
    help="Colour nodes by type or by Louvain community.",
)
@click.option(
    "--view",
    "view_mode",
    type=click.Choice(["auto", "landscape", "network"]),
    default="auto",
    show_default=True,
    help="landscape: topics, technologies and actors sized by their articles (each lists its articles); "
    "network: every node type, sized by PageRank; auto: the landscape from 200 articles.",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--sparql-url",
    metavar="URL",
    help="Link the page to a SPARQL endpoint's query page, e.g. the one "
    "'graphkit serve' prints (http://127.0.0.1:7878/).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON.")
@store_option
def viz(
    output,
    around,
    depth,
    types,
    top,
    min_relevancy,
    since,
    until,
    color_by,
    view_mode,
    open_page,
    sparql_url,
    as_json,
    store,
):
    """Write an interactive HTML graph: one file that works offline, to explore in a browser.

    Nodes are coloured by type (or community) and sized by PageRank; hover for a summary, click
    for details (an article's source, a signal's change and horizon, the neighbours), search by
    name, filter by type. Large graphs show the --top most central nodes and say how to see more.
    A corpus of 200 articles or more opens on its topic landscape (topics, technologies, actors,
    sized by articles; click one for its articles); --view network shows everything.

    \b
    Examples:
      graphkit viz -o graph.html --open
      graphkit viz --view network --top 500          # articles, rows and concepts by PageRank
      graphkit viz --around "AI governance" --depth 2
      graphkit viz --types theme,technology --color-by community --top 500
      graphkit viz --since 2025-Q1 --min-relevancy 4   # articles from 2025 on, and what they link to
    """
    from graphkit.graph import KnowledgeGraph
    from graphkit.publish.viz import VizError, write_html

    if depth is not None and not around:
        raise UserError("--depth needs --around NAME_OR_IRI (the node to centre on)")
    wanted = [t.strip().lower() for t in (types or "").split(",") if t.strip()]
    since, until = date_range(since, until)
    try:
        summary = write_html(
            KnowledgeGraph(store),
            output,
            around=around,
            depth=1 if depth is None else depth,
            types=wanted or None,
            top=top,
            min_relevancy=min_relevancy,
            since=since,
            until=until,
            color_by=color_by,
            sparql_url=sparql_url,
            view_mode=view_mode,
        )
    except VizError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        emit_json(summary)
    else:
        more = " (use --top N or --around NAME to see more)" if summary["capped"] else ""
        click.echo(
            f"Wrote {output} ({summary['bytes']:,} bytes): {summary['nodes']:,} of {summary['total_nodes']:,} "
            f"nodes, {summary['edges']:,} link{'s' if summary['edges'] != 1 else ''}{more}.",
            err=True,
        )
    if open_page:
        import webbrowser
        from pathlib import Path

        webbrowser.open(Path(output).resolve().as_uri())


@main.command()
@click.option(
    "--bind",
    default="127.0.0.1:7878",
    show_default=True,
    metavar="HOST:PORT",
    help="Address to listen on; anything but loopback needs --allow-remote.",
)
@click.option(
    "--read-only/--read-write",
    default=True,
    show_default=True,
    help="--read-write accepts SPARQL updates and graph store writes, into a scratch copy that is "
    "discarded when the server stops (the graph folder is never written).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run before the server stops it.",
)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (a YASGUI page served from elsewhere).")
@click.option("--allow-remote", is_flag=True, help="Allow --bind on an address other machines can reach.")
@click.option("--json", "as_json", is_flag=True, help="Print the endpoint's URLs as JSON once it answers.")
@store_option
def serve(bind, read_only, timeout, cors, allow_remote, as_json, store):
    """Serve the graph as a SPARQL 1.1 endpoint (Oxigraph server), with a query page in the browser.

    The server answers at http://HOST:PORT/query (SPARQL 1.1 Protocol: YASGUI, notebooks, BI
    tools) and shows a query editor at http://HOST:PORT/. Queries see all named graphs as the
    default graph, as 'graphkit query' does. It serves a snapshot of the graph and switches to
    the new one when a build finishes. Ctrl-C stops it.

    \b
    Examples:
      graphkit serve                                  # http://127.0.0.1:7878/
      graphkit serve --bind 127.0.0.1:8000 --timeout 10
      graphkit serve --bind 0.0.0.0:7878 --allow-remote   # other machines (no authentication!)
    """
    from graphkit.publish.serve import Served, describe, is_loopback, parse_bind, serve_forever

    host, port = parse_bind(bind)
    if not is_loopback(host):
        if not allow_remote:
            raise UserError(
                f"--bind {bind} lets other machines query the graph; add --allow-remote if that is what you "
                "want (the server has no authentication)"
            )
        click.echo(
            f"Warning: listening on {bind}: anyone who can reach this machine can query the graph "
            "(no authentication; put a reverse proxy with TLS and a password in front for a team).",
            err=True,
        )
    if cors:
        click.echo(
            "Warning: --cors lets any web page open in this machine's browser read the graph"
            + ("" if read_only else " and write to the scratch copy")
            + "; use it only while you need it.",
            err=True,
        )
    served = Served(store, host, port, read_only=read_only, timeout=timeout, cors=cors)
    server = served.start()
    info = describe(served)
    if as_json:
        emit_json(info)
    else:
        click.echo(
            f"Serving {info['store']} ({info['generation']}, {info['digests']:,} digests, {info['quads'] or 0:,} quads) "
            f"{'read-only' if read_only else 'read-write (scratch copy, discarded at exit)'}, queries stopped "
            f"after {timeout:g} s."
        )
        click.echo(f"  SPARQL endpoint: {server.query_url}")
        click.echo(f"  query page:      {server.base_url}/")
        click.echo("Ctrl-C stops the server.")
    sys.stdout.flush()
    serve_forever(served, lambda msg: click.echo(msg, err=True))


@main.command()
@click.option(
    "--endpoint",
    "endpoint_url",
    required=True,
    metavar="URL",
    help="The store's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (Oxigraph), "
    "http://host:3030/ds/query (Fuseki), http://host:8890/sparql-auth (Virtuoso).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    help="Its Graph Store Protocol URL (default: guessed from --endpoint: …/store for …/query, "
    "…/sparql-graph-crud[-auth] for Virtuoso's …/sparql[-auth]).",
)
@click.option("--update", "update_url", metavar="URL", help="Its SPARQL Update URL (default: guessed from --endpoint).")
@click.option(
    "--method",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="gsp: one PUT per graph; update: SPARQL Update batches; auto: gsp when there is a graph store URL.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Send every graph again, even those the remote already has unchanged (every push drops the remote graphs under this graph base that the build no longer has).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be sent.")
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=4,
    show_default=True,
    help="Tries again after a refused connection, a time-out or a 429/502/503/504 answer, waiting 0.5 s, 1 s, 2 s…",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Graph Store Protocol requests in flight at once.",
)
@click.option("--backoff", type=click.FloatRange(min=0), default=0.5, show_default=True, hidden=True)
@click.option("--json", "as_json", is_flag=True, help="Print the push report as JSON.")
@endpoint_options()
@store_option
def push(
    endpoint_url,
    graph_store,
    update_url,
    method,
    full,
    dry_run,
    retries,
    jobs,
    backoff,
    as_json,
    user,
    password,
    timeout,
    store,
):
    """Load the graph into a SPARQL 1.1 store, one named graph per digest; later pushes send only what changed.

    Each digest's graph (and the shared, ontology and analysis graphs) is replaced whole in one
    request (Graph Store Protocol PUT, or SPARQL Update where the server has no graph store), so a
    digest is never half-pushed. What the remote holds is recorded in the graph folder
    (push-state.json) after each acknowledgement: an interrupted push resumes where it stopped.

    \b
    Credentials: --user/--password, $GRAPHKIT_ENDPOINT_USER/$GRAPHKIT_ENDPOINT_PASSWORD, or ~/.netrc.
    Examples:
      graphkit push --endpoint http://127.0.0.1:7878/query
      graphkit push --endpoint http://fuseki:3030/kg/query --graph-store http://fuseki:3030/kg/data --json
      graphkit push --endpoint http://virtuoso:8890/sparql-auth --user dba
    """
    from graphkit.publish.remote import push as run_push

    ep = open_endpoint(
        endpoint_url,
        user,
        password,
        timeout,
        graph_store=graph_store,
        update=update_url,
        retries=retries,
        backoff=backoff,
    )
    if ep.user is not None and ep.query_url.startswith("http://"):
        from urllib.parse import urlsplit

        from graphkit.publish.remote import _is_loopback

        if not _is_loopback(urlsplit(ep.query_url).hostname or ""):
            click.echo(
                "Warning: sending credentials over plain http; use https for a store on another machine.", err=True
            )
    report = run_push(store, ep, method=method, full=full, dry_run=dry_run, jobs=jobs)
    if as_json:
        emit_json(report.as_dict())
        return
    verb = "Would push" if dry_run else "Pushed"
    sent = len(report.added) + len(report.changed)
    click.echo(
        f"{verb} {store} to {report.endpoint} ({report.method}) in {report.seconds:.2f} s: {sent} graph(s) "
        f"sent ({len(report.added)} added, {len(report.changed)} changed), {len(report.removed)} removed, "
        f"{report.unchanged} unchanged; {report.bytes:,} bytes in {report.requests} request(s)."
    )
    if report.resent:
        click.echo(f"{len(report.resent)} graph(s) the remote had lost were sent again.", err=True)
