"""The ``graphkit`` command line: a thin layer over the library API.

Every command reads the graph folder from ``--store`` (default ``$GRAPHKIT_STORE`` or ``./kg``),
has a machine-readable output option, and reports errors as one line with a hint — never a
traceback (set ``GRAPHKIT_DEBUG=1`` to see one).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import click

from . import __version__

STORE_HELP = "Graph folder (default: $GRAPHKIT_STORE or ./kg)."


class UserError(click.ClickException):
    """An error whose message already says what to do; printed without a traceback."""


class Group(click.Group):
    """Turns library exceptions into one-line errors."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # `graphkit query … | head`: the reader left; stop quietly like other Unix tools.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the one place that turns errors into messages
            if os.environ.get("GRAPHKIT_DEBUG"):
                raise
            from .config import MappingError
            from .gazetteer import GazetteerError
            from .graph import QueryError
            from .remote import RemoteError
            from .serve import ServeError
            from .store import StoreError

            if isinstance(exc, (StoreError, QueryError, MappingError, GazetteerError, FileNotFoundError, RemoteError,
                                ServeError)):
                raise UserError(str(exc)) from None
            if isinstance(exc, OSError):
                raise UserError(f"{exc.strerror or exc}: {exc.filename or ''} (check the path and free disk space)") from None
            raise UserError(
                f"unexpected {type(exc).__name__}: {exc} (rerun with GRAPHKIT_DEBUG=1 for details and report it)"
            ) from None


def store_option(f):
    return click.option(
        "--store", "store", envvar="GRAPHKIT_STORE", default="kg", show_default=True,
        type=click.Path(file_okay=False), help=STORE_HELP,
    )(f)


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _cell(value, width: int) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def emit_table(columns: list[str], rows: list[list], width: int = 60) -> None:
    """Aligned plain-text table."""
    cells = [[_cell(v, width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def emit_csv(columns: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    click.echo(buf.getvalue(), nl=False)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="graphkit")
def main():
    """Build a knowledge graph from tech-watch digests and question it.

    \b
    Typical session:
      graphkit build examples/digests          # parse, map and store (./kg)
      graphkit stats                           # what is in it
      graphkit query --name top-themes         # a shipped query
      graphkit export --format ttl -o kg.ttl   # for other RDF tools
    """


# -- build ----------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "-o", "out", envvar="GRAPHKIT_STORE", default="kg", show_default=True,
              type=click.Path(file_okay=False), help="Graph folder to create or update.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="YAML mapping of section and column names (default: the shipped one).")
@click.option("--full", is_flag=True, help="Rebuild everything instead of only the digests that changed.")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any file was skipped or had a warning.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no list of warnings.")
@click.option("--max-problems", default=20, show_default=True, help="How many warnings to list (all are in --json).")
@click.option("--no-analysis", is_flag=True, help="Skip centrality and communities (the slowest step on large corpora).")
@click.option("--gazetteer", multiple=True, type=click.Path(dir_okay=False),
              help="YAML file of your own organisations, people and non-actors, extending the shipped one (repeatable).")
@click.option("--no-actors", is_flag=True, help="Do not extract organisations and people.")
def build(paths, out, mapping, full, strict, as_json, quiet, max_problems, no_analysis, gazetteer, no_actors):
    """Build or update the graph from digest files or folders (searched for *.md).

    Only digests that were added, changed or deleted since the last build are touched; an
    unchanged corpus is a no-op. The previous graph stays intact until the new one is complete.

    \b
    Examples:
      graphkit build examples/digests
      graphkit build ~/watch/2024 ~/watch/2025 --out team-kg --json
    """
    from .build import build as run_build
    from .build import discover

    if gazetteer and no_actors:
        raise UserError("--gazetteer has no effect with --no-actors; drop one of them")

    total = len(discover(paths))
    show_bar = not quiet and not as_json and total >= 200
    if show_bar:
        with click.progressbar(length=total, label="Reading digests", file=sys.stderr) as bar:
            report = run_build(paths, out, mapping=mapping, full=full, progress=bar.update, analysis=not no_analysis,
                               gazetteer=gazetteer, actors=not no_actors)
    else:
        report = run_build(paths, out, mapping=mapping, full=full, analysis=not no_analysis,
                           gazetteer=gazetteer, actors=not no_actors)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_build(report, quiet, max_problems)
    if strict and report.problems:
        raise UserError(f"--strict: {len(report.errors)} file(s) skipped and {len(report.warnings)} warning(s)")


def _print_build(report, quiet: bool, max_problems: int) -> None:
    if report.noop:
        click.echo(f"Nothing changed: {report.digests} digests already in {report.store} ({report.quads:,} quads).")
    else:
        click.echo(
            f"Built {report.store} in {report.seconds:.2f} s: {report.digests} digests "
            f"({report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
            f"{report.removed} removed), {report.skipped} skipped; {report.quads:,} quads."
        )
        click.echo("Entities: " + ", ".join(f"{k} {v:,}" for k, v in report.entities.items() if v))
    if report.problems and not quiet:
        shown = sorted(report.problems, key=lambda p: (p.level != "error", p.path, p.line or 0))
        click.echo(f"{len(report.errors)} skipped file(s), {len(report.warnings)} warning(s):", err=True)
        for p in shown[:max_problems]:
            click.echo(f"  {p}", err=True)
        if len(shown) > max_problems:
            click.echo(f"  … and {len(shown) - max_problems} more (see --json)", err=True)


# -- query ----------------------------------------------------------------------------------------


def endpoint_options(query_only: bool = False):
    """``--endpoint`` and its credentials and time-out, for commands that talk to a remote store."""

    def deco(f):
        f = click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                         help="Seconds to wait for each answer of the endpoint.")(f)
        f = click.option("--password", metavar="PASSWORD",
                         help="Password for --user (default: $GRAPHKIT_ENDPOINT_PASSWORD, or ~/.netrc).")(f)
        f = click.option("--user", metavar="USER",
                         help="User name for the endpoint (default: $GRAPHKIT_ENDPOINT_USER, or ~/.netrc for its host).")(f)
        if query_only:
            f = click.option("--endpoint", "endpoint_url", metavar="URL",
                             help="Query this SPARQL endpoint instead of the local graph, e.g. http://127.0.0.1:7878/query.")(f)
        return f

    return deco


def _endpoint(url, user, password, timeout, **kwargs):
    from .remote import USER_ENV, endpoint

    if password and not user and not os.environ.get(USER_ENV):
        raise UserError(f"--password needs --user (or ${USER_ENV})")
    return endpoint(url, user=user or None, password=password, timeout=timeout, **kwargs)


def _parse_params(values) -> dict[str, str]:
    params = {}
    for item in values:
        if "=" not in item:
            raise UserError(f"--param {item!r}: write NAME=VALUE, e.g. --param theme='climate change'")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    return params


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "qfile", type=click.File("r", encoding="utf-8"), help="Read the query from a .rq file.")
@click.option("--name", "-n", help="Run a named query shipped with graphkit (see --list).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query variable to a string (repeatable).")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--width", default=60, show_default=True, help="Cut table cells to this many characters.")
@click.option("--until", metavar="PERIOD",
              help="Only the digests dated up to the end of PERIOD: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www.")
@click.option("--since", metavar="PERIOD", help="Only the digests dated from the start of PERIOD (same forms as --until).")
@endpoint_options(query_only=True)
@store_option
def query(sparql, qfile, name, params, list_, fmt, as_json, width, since, until, store, endpoint_url, user, password,
          timeout):
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
    from .queries import named_queries

    if as_json:
        fmt = "json"
    if list_:
        qs = named_queries()
        rows = [[q.name, ", ".join(q.params) or "-", q.title] for q in qs.values()]
        if fmt == "json":
            emit_json([{"name": q.name, "title": q.title, "description": q.description, "params": q.params} for q in qs.values()])
        elif fmt == "csv":
            emit_csv(["name", "params", "title"], rows)
        else:
            emit_table(["name", "params", "title"], rows, width=80)
        return
    given = [x for x in (sparql, qfile, name) if x]
    if len(given) != 1:
        raise UserError("give exactly one of: a SPARQL string, --file Q.rq, or --name NAME (see --list)")
    from .graph import KnowledgeGraph

    if endpoint_url:
        from .remote import RemoteGraph

        # One quick retry only: a query that was refused is not worth seconds of back-off.
        kg = RemoteGraph(_endpoint(endpoint_url, user, password, timeout, retries=1))
    else:
        kg = KnowledgeGraph(store)
    bound = _parse_params(params)
    scope = {}
    if since or until:
        if endpoint_url:
            raise UserError("--since/--until work on the local graph folder, not with --endpoint")
        start, end = _date_range(since, until)
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


# -- network analysis -----------------------------------------------------------------------------

NODE_TYPE_CHOICE = click.Choice(["article", "theme", "keyword", "technology", "signal", "concern", "behavior", "issue",
                                 "actor"])


def _emit_rows(rows: list[dict], columns: list[str], fmt: str, width: int = 60) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        emit_csv(columns, [[r.get(c) for c in columns] for r in rows])
    else:
        emit_table(columns, [[_fmt_score(r.get(c)) for c in columns] for r in rows], width=width)


def _fmt_score(value):
    return f"{value:.6g}" if isinstance(value, float) else value


def output_options(f):
    f = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(f)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


def date_range_options(f):
    """``--since`` / ``--until``: keep articles whose page date is in the range (bounds included)."""
    f = click.option("--until", metavar="PERIOD",
                     help="Only articles dated up to the end of PERIOD: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www.")(f)
    return click.option("--since", metavar="PERIOD",
                        help="Only articles dated from the start of PERIOD (same forms as --until).")(f)


def _date_range(since: str | None, until: str | None):
    """Parse --since/--until into dates (first day of since, last day of until); one-line errors."""
    from .periods import parse_bound

    bounds = []
    for option, value, end in (("--since", since, False), ("--until", until, True)):
        try:
            bounds.append(parse_bound(value, end=end) if value else None)
        except ValueError as exc:
            raise UserError(f"{option}: {exc}") from None
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        raise UserError(f"--since {since} is after --until {until}")
    return bounds[0], bounds[1]


def _range_note(info: dict, since, until) -> None:
    """Say on stderr what a --since/--until analysis covers, undated articles counted apart."""
    from .periods import describe_range

    if not info["articles"]:
        raise UserError(f"no dated article {describe_range(since, until)} ({info['outside']} dated outside the range, "
                        f"{info['undated']} undated); widen --since/--until")
    click.echo(f"Recomputed on the {info['articles']} articles dated {describe_range(since, until)} and what they link to; "
               f"left out: {info['outside']} dated outside the range, {info['undated']} undated.", err=True)


@main.command()
@click.option("--type", "node_type", type=NODE_TYPE_CHOICE, help="Only nodes of this type (default: all).")
@click.option("--by", "measure", type=click.Choice(["pagerank", "degree", "betweenness"]), default="pagerank", show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many nodes to list.")
@date_range_options
@output_options
@store_option
def rank(node_type, measure, top, since, until, as_json, as_csv, store):
    """Rank the graph's nodes by centrality.

    Scores are computed at build time on the network of articles and the themes, keywords and
    technologies they share; betweenness is exact up to 5,000 nodes and sampled with a fixed seed
    above (see graphkit/centrality.py).

    \b
    Examples:
      graphkit rank --type technology --by pagerank --top 20
      graphkit rank --type theme --by betweenness --csv
      graphkit rank --type theme --since 2025 --until 2025-Q2   # recomputed on those articles
    """
    from .graph import KnowledgeGraph

    if node_type in ("signal", "concern", "behavior", "issue"):
        raise UserError(f"{node_type}s are leaves of their article (degree 1) and are not ranked by centrality; "
                        "rank articles (--type article), or use 'graphkit related' to explore a signal")
    start, end = _date_range(since, until)
    if start or end:
        from .periods import analyse_projection, projection_within

        sub, info = projection_within(KnowledgeGraph(store), start, end, rows=False)
        _range_note(info, start, end)
        data = analyse_projection(sub, measures=(measure,))
    else:
        data = KnowledgeGraph(store).analysis()
    nodes = data["nodes"]  # iri -> [type, label]
    scores = data["scores"][measure]
    items = [(n, v) for n, v in scores.items() if node_type is None or nodes[n][0] == node_type]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    rows = [
        {"rank": i, "label": nodes[n][1], "type": nodes[n][0], measure: v,
         "degree": data["scores"]["degree"].get(n, 0), "iri": n}
        for i, (n, v) in enumerate(items[:top], start=1)
    ]
    columns = ["rank", "label", "type", measure] + (["degree"] if measure != "degree" else []) + ["iri"]
    _emit_rows(rows, columns, "json" if as_json else "csv" if as_csv else "table")


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
    from .communities import describe
    from .graph import KnowledgeGraph

    import networkx as nx

    start, end = _date_range(since, until)
    if start or end:
        from .periods import analyse_projection, projection_within

        sub, info = projection_within(KnowledgeGraph(store), start, end, rows=False)
        _range_note(info, start, end)
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
    rows = [{"community": d["community"], "size": d["size"], "label": d["label"],
             "top members": "; ".join(m["label"] for m in d["top"])} for d in described]
    _emit_rows(rows, ["community", "size", "label", "top members"], "csv" if as_csv else "table", width=70)
    if not as_csv:
        click.echo(f"({len(described)} of {len(parts)} communities; modularity {data['modularity']:.3f})", err=True)


@main.command()
@click.argument("query")
@click.option("--type", "node_type", type=NODE_TYPE_CHOICE, help="What QUERY names (and what to return), e.g. signal.")
@click.option("--return", "target_type", type=NODE_TYPE_CHOICE, help="Return items of this type instead (default: QUERY's type; signals for free text).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many related items to list.")
@click.option("--include-same-article", is_flag=True, help="Keep items from the query's own article.")
@date_range_options
@output_options
@store_option
def related(query, node_type, target_type, top, include_same_article, since, until, as_json, as_csv, store):
    """Find items related to QUERY: an IRI, a name (exact or approximate), or free text.

    Scores blend graph evidence (shared themes, technologies and keywords of the items'
    articles, rare ones weighing more) with text similarity (TF-IDF of name + description);
    each result says which concepts it shares. See graphkit/related.py for the formula.

    \b
    Examples:
      graphkit related "Hopepunk Movement" --type signal
      graphkit related "heat pumps" --type technology --json
      graphkit related "farmers repairing their own tractors" --top 5
      graphkit related "heat pumps" --type technology --since 2025   # results from 2025 articles only
    """
    from .graph import KnowledgeGraph
    from .related import Ambiguous, load_index

    kg = KnowledgeGraph(store)
    index = load_index(kg)
    start, end = _date_range(since, until)
    within = None
    if start or end:
        # Scores keep the whole corpus's evidence; only the results are restricted to the items of
        # the articles in the range (the articles, their rows, the concepts they use).
        from .periods import projection_within

        sub, info = projection_within(kg, start, end)
        _range_note(info, start, end)
        within = {n[0] for n in sub["nodes"]}
    try:
        resolved, results = index.related(query, node_type=node_type, target_type=target_type or node_type,
                                          top=top, include_same_article=include_same_article, within=within)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    except Ambiguous as exc:
        lines = "\n".join(f"  {t:<10} {label}  <{iri}>" for iri, t, label in exc.candidates[:15])
        raise UserError(f"{query!r} matches several items:\n{lines}\n"
                        "Pass one IRI, or narrow with --type.") from None
    if as_json:
        emit_json({"query": query, "resolved": resolved, "results": [r.as_dict() for r in results]})
        return
    rows = [dict(r.as_dict(), rank=i, shared="; ".join(r.shared)) for i, r in enumerate(results, start=1)]
    columns = ["rank", "score", "graph", "text", "label", "article", "shared", "iri"]
    if not as_csv:
        what = f"<{resolved}> ({index.label_of(resolved)})" if resolved else "free text"
        click.echo(f"Related to {what}:", err=True)
    _emit_rows(rows, columns, "csv" if as_csv else "table", width=50)


# -- time: trends and weak signals ----------------------------------------------------------------

TREND_BY_CHOICE = click.Choice(["theme", "keyword", "technology", "actor", "signal"])
PERIOD_CHOICE = click.Choice(["week", "month", "quarter", "year"])


def _period_counts(store, by, period, since, until, weight=None):
    """Per-period counts of items of type ``by`` (see graphkit.trends), with a clear error when the
    graph has no item of that type."""
    from .graph import KnowledgeGraph
    from .trends import count_items, item_types, load_records

    start, end = _date_range(since, until)
    records = load_records(KnowledgeGraph(store))
    present = item_types(records)
    if by not in present:
        hint = ("actors (organisations, people) are extracted by the build: rebuild the graph with a graphkit "
                "that extracts them, without --no-actors" if by == "actor" else "rebuild the graph?")
        raise UserError(f"no {by} in this graph (it has: {', '.join(present) or 'nothing'}); {hint}")
    counts = count_items(records, by, period, since=start, until=end, weight=weight)
    if not counts["periods"]:
        from .periods import describe_range

        raise UserError(f"no dated article {describe_range(start, end)} ({len(counts['undated'])} undated, "
                        f"{counts['outside']} outside the range)")
    return counts


def _undated_line(n: int) -> str:
    from .trends import UNDATED_HINT

    return f"{n} undated article{'s' if n != 1 else ''} not counted in any period ({UNDATED_HINT})."


def _items(by: str, n: int | None = None) -> str:
    """``technologies``, ``1 theme``, ``39 themes``."""
    word = by if n == 1 else (by[:-1] + "ies" if by.endswith("y") else by + "s")
    return word if n is None else f"{n} {word}"


def _pts(x) -> str:
    return f"{x * 100:+.1f} pts"


def _pct(x) -> str:
    return "from 0" if x is None else f"{x * 100:+.0f} %"


def _rate(x) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f} %"


def _per(x, period: str) -> str:
    return "n/a" if x is None else f"{_rate(x)}/{period}"


@main.command()
@click.option("--by", "by", type=TREND_BY_CHOICE, default="theme", show_default=True, help="What to count.")
@click.option("--period", type=PERIOD_CHOICE, default="month", show_default=True, help="Period of the counts.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="How many items (and new items) to list; 0: all.")
@click.option("--compare", nargs=2, metavar="FIRST SECOND",
              help="Growth between two periods (e.g. --compare 2024 2025) instead of the two halves of the range.")
@date_range_options
@output_options
@store_option
def trends(by, period, top, compare, since, until, as_json, as_csv, store):
    """Counts per period, growth, first-seen dates and new items.

    Items are counted by articles (an article about a theme counts once). Growth compares the
    share of articles mentioning an item in the first and second half of the range (or in the
    two periods given with --compare); items are listed by that change. Articles with no valid
    page date are counted apart and reported, never put in a period. See docs/trends.md.

    \b
    Examples:
      graphkit trends --by theme --period quarter --top 15
      graphkit trends --by technology --period year --compare 2024 2025 --csv
      graphkit trends --by keyword --since 2025-01 --json
    """
    from .trends import named_windows, sparkline
    from .trends import trends as summarise

    if compare:
        try:
            named_windows(*compare)
        except ValueError as exc:
            raise UserError(f"--compare: {exc}") from None
    counts = _period_counts(store, by, period, since, until)
    out = summarise(counts, compare=tuple(compare) if compare else None, top=top or None)
    out["by"] = by
    if as_json:
        emit_json(out)
        return
    periods = counts["periods"]
    if as_csv:
        columns = ["label", "type", "articles", "mentions", "first_seen", "last_seen", "first", "second",
                   "share_first", "share_second", "change", "growth", "id"]
        emit_csv(columns + periods, [[r.get(c) for c in columns] + [r["per_period"][p] for p in periods] for r in out["items"]])
        if out["undated"]["count"]:
            click.echo(_undated_line(out["undated"]["count"]), err=True)
        return
    rng = out["range"]
    click.echo(f"{_items(by).capitalize()} by {period}, {rng['first']} to {rng['last']} "
               f"({_items(period, rng['periods'])}): "
               f"{out['dated']} dated articles"
               + (f", {out['outside_range']} outside --since/--until" if out["outside_range"] else "") + ".")
    if out["undated"]["count"]:
        click.echo(_undated_line(out["undated"]["count"]))
    if out["compare"]:
        a, b = out["compare"]
        click.echo(f"Growth: share of articles in {b['label']} ({b['articles']} articles) minus share in "
                   f"{a['label']} ({a['articles']} articles).")
    click.echo("")
    rows = [{"rank": i, "label": r["label"], "articles": r["articles"],
             "first": r.get("first"), "second": r.get("second"),
             "change": _pts(r["change"]) if "change" in r else None,
             "growth": _pct(r["growth"]) if "change" in r else None,
             "first seen": r["first_seen"], "per " + period: sparkline([r["per_period"][p] for p in periods])}
            for i, r in enumerate(out["items"], start=1)]
    # one character per period: beyond 60 periods the line is too long for a terminal
    columns = ["rank", "label", "articles"] + (["first", "second", "change", "growth"] if out["compare"] else []) + \
        ["first seen"] + (["per " + period] if len(periods) <= 60 else [])
    _emit_rows(rows, columns, "table", width=60)
    click.echo(f"\nNew in {out['new_period']} (first seen there): {_items(by, out['new_total'])}"
               + (f", top {len(out['new'])}:" if out["new"] else "."))
    if out["new"]:
        _emit_rows([{"label": r["label"], "articles": r["articles"], "first seen": r["first_seen"]} for r in out["new"]],
                   ["label", "articles", "first seen"], "table")


@main.command("signals-map")
@click.option("--by", "by", type=TREND_BY_CHOICE, default="theme", show_default=True, help="What to map.")
@click.option("--period", type=PERIOD_CHOICE, default="quarter", show_default=True, help="Period of the counts.")
@click.option("--tw", type=float, default=0.05, show_default=True, help="Time weight: period j weighs 1 - tw x (n - j).")
@click.option("--growth", type=click.Choice(["geometric", "mean"]), default="geometric", show_default=True,
              help="geometric: mean rate between the first and last non-zero periods; mean: mean of period-on-period rates.")
@click.option("--weight", type=click.Choice(["none", "relevancy"]), default="none", show_default=True,
              help="relevancy: each mention counts its signal relevancy / 3 in TF.")
@click.option("--min-articles", default=2, show_default=True, help="Leave out items in fewer articles.")
@click.option("--quadrant", type=click.Choice(["weak", "strong", "latent", "well-known"]),
              help="Only items in this quadrant of the emergence map.")
@click.option("--top", type=click.IntRange(min=0), default=50, show_default=True, help="How many items to list; 0: all.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Draw the maps into a .png or .html file.")
@date_range_options
@output_options
@store_option
def signals_map(by, period, tw, growth, weight, min_articles, quadrant, top, plot_path, since, until, as_json, as_csv, store):
    """Weak-signal map (Yoon 2012): which items are weak, strong, latent or well-known signals.

    For each item: its average TF (mentions per period) and the growth rate of its time-weighted
    degree of visibility (emergence map), its average DF (articles per period) and the growth
    rate of its degree of diffusion (issue map). Each map is cut at its medians: weak signals
    are rare but growing fast. See docs/trends.md for the formulas and defaults.

    \b
    Examples:
      graphkit signals-map --by theme --period quarter --plot map.png
      graphkit signals-map --by keyword --period year --quadrant weak --csv
      graphkit signals-map --by theme --tw 0.04 --growth mean --plot map.html --json
    """
    from .trends import new_items
    from .weaksignals import QUADRANTS, signal_map

    if not 0 <= tw < 1:
        raise UserError(f"--tw {tw}: the time weight must be in [0, 1), e.g. 0.05")
    counts = _period_counts(store, by, period, since, until, weight=None if weight == "none" else weight)
    result = signal_map(counts, tw=tw, growth=growth, min_articles=min_articles,
                        new_ids={r["id"] for r in new_items(counts)})
    result.update({"by": by, "period": period, "weight": weight, "undated": {
        "count": len(counts["undated"]), "articles": counts["undated"]}, "outside_range": counts["outside"]})
    if plot_path:
        from .plot import write_plot

        try:
            write_plot(result, plot_path)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        click.echo(f"Wrote {plot_path} ({os.path.getsize(plot_path):,} bytes).", err=True)
    items = [r for r in result["items"] if quadrant is None or r["emergence"] == quadrant]
    listed = items[:top] if top else items
    if as_json:
        emit_json(dict(result, items=listed, items_total=len(items)))
        return
    columns = ["emergence", "issue", "label", "articles", "avg_tf", "dov_growth", "avg_df", "dod_growth",
               "periods_seen", "new", "first_seen"]
    if as_csv:
        emit_csv(columns + ["id"], [[r[c] for c in columns + ["id"]] for r in listed])
    else:
        med = result["medians"]
        p = result["periods"]
        click.echo(f"{_items(by).capitalize()} by {period}, {p[0]} to {p[-1]} ({_items(period, len(p))}, "
                   f"{sum(result['articles'])} dated articles"
                   + (f", {result['outside_range']} outside --since/--until" if result["outside_range"] else "")
                   + f"); tw = {tw}, {growth} growth, "
                   f"TF weight: {weight}.")
        tf_med, df_med = (_fmt_score(med[k]) if med[k] is not None else "n/a" for k in ("avg_tf", "avg_df"))
        click.echo(f"{_items(by, len(result['items']))} in {min_articles}+ articles mapped "
                   f"({result['left_out']} in fewer left out); medians: avg TF {tf_med}, "
                   f"DoV growth {_per(med['dov_growth'], period)}, avg DF {df_med}, "
                   f"DoD growth {_per(med['dod_growth'], period)}.")
        counts_q = {q: sum(1 for r in result["items"] if r["emergence"] == q) for q in QUADRANTS}
        click.echo("Emergence map: " + ", ".join(f"{QUADRANTS[q]} {n}" for q, n in counts_q.items()) + ".")
        if result["zero_weight_periods"]:
            zp = result["zero_weight_periods"]
            click.echo(f"Warning: with tw = {tw}, {len(zp)} {period}s with articles ({zp[0]}..{zp[-1]}) weigh 0; "
                       "use a coarser --period, --since, or a smaller --tw.")
        if result["undated"]["count"]:
            click.echo(_undated_line(result["undated"]["count"]))
        click.echo("")
        rows = [dict(r, emergence=QUADRANTS[r["emergence"]], issue=QUADRANTS[r["issue"]],
                     dov_growth=_rate(r["dov_growth"]) if r["dov_growth"] is not None else "one period",
                     dod_growth=_rate(r["dod_growth"]) if r["dod_growth"] is not None else "one period",
                     avg_tf=round(r["avg_tf"], 4), avg_df=round(r["avg_df"], 4), new="new" if r["new"] else "")
                for r in listed]
        _emit_rows(rows, columns, "table", width=40)
    if as_csv and result["undated"]["count"]:
        click.echo(_undated_line(result["undated"]["count"]), err=True)


# -- interactive graph ----------------------------------------------------------------------------


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="graph.html", show_default=True,
              help="HTML file to write (one self-contained page).")
@click.option("--around", metavar="NAME_OR_IRI",
              help="Show only the neighbourhood of this node: a name, TYPE:NAME (actor:NHS England) or an IRI.")
@click.option("--depth", type=click.IntRange(0, 10), help="Hops around --around.  [default: 1]")
@click.option("--types", metavar="TYPE,...",
              help="Only these node types, e.g. theme,technology; without article, two nodes are linked when they share an article.")
@click.option("--top", type=click.IntRange(min=0), default=300, show_default=True,
              help="At most this many nodes, the most central by PageRank (0: no cap).")
@click.option("--min-relevancy", type=click.IntRange(1, 5), help="Hide signals, concerns, behaviours and issues of lower relevancy.")
@date_range_options
@click.option("--color-by", type=click.Choice(["type", "community"]), default="type", show_default=True,
              help="Colour nodes by type or by Louvain community.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option("--sparql-url", metavar="URL", help="Link the page to a SPARQL endpoint's query page, e.g. the one "
              "'graphkit serve' prints (http://127.0.0.1:7878/).")
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON.")
@store_option
def viz(output, around, depth, types, top, min_relevancy, since, until, color_by, open_page, sparql_url, as_json, store):
    """Write an interactive HTML graph: one file that works offline, to explore in a browser.

    Nodes are coloured by type (or community) and sized by PageRank; hover for a summary, click
    for details (an article's source, a signal's change and horizon, the neighbours), search by
    name, filter by type. Large graphs show the --top most central nodes and say how to see more.

    \b
    Examples:
      graphkit viz -o graph.html --open
      graphkit viz --around "AI governance" --depth 2
      graphkit viz --types theme,technology --color-by community --top 500
      graphkit viz --since 2025-Q1 --min-relevancy 4   # articles from 2025 on, and what they link to
    """
    from .graph import KnowledgeGraph
    from .viz import VizError, write_html

    if depth is not None and not around:
        raise UserError("--depth needs --around NAME_OR_IRI (the node to centre on)")
    wanted = [t.strip().lower() for t in (types or "").split(",") if t.strip()]
    since, until = _date_range(since, until)
    try:
        summary = write_html(KnowledgeGraph(store), output, around=around, depth=1 if depth is None else depth,
                             types=wanted or None, top=top, min_relevancy=min_relevancy, since=since, until=until,
                             color_by=color_by, sparql_url=sparql_url)
    except VizError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        emit_json(summary)
    else:
        more = " (use --top N or --around NAME to see more)" if summary["capped"] else ""
        click.echo(f"Wrote {output} ({summary['bytes']:,} bytes): {summary['nodes']:,} of {summary['total_nodes']:,} "
                   f"nodes, {summary['edges']:,} link{'s' if summary['edges'] != 1 else ''}{more}.", err=True)
    if open_page:
        import webbrowser
        from pathlib import Path

        webbrowser.open(Path(output).resolve().as_uri())


# -- SPARQL server and remote stores --------------------------------------------------------------


@main.command()
@click.option("--bind", default="127.0.0.1:7878", show_default=True, metavar="HOST:PORT",
              help="Address to listen on; anything but loopback needs --allow-remote.")
@click.option("--read-only/--read-write", default=True, show_default=True,
              help="--read-write accepts SPARQL updates and graph store writes, into a scratch copy that is "
                   "discarded when the server stops (the graph folder is never written).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds a query may run before the server stops it.")
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
    from .serve import Served, describe, is_loopback, parse_bind, serve_forever

    host, port = parse_bind(bind)
    if not is_loopback(host):
        if not allow_remote:
            raise UserError(f"--bind {bind} lets other machines query the graph; add --allow-remote if that is what you "
                            "want (the server has no authentication)")
        click.echo(f"Warning: listening on {bind}: anyone who can reach this machine can query the graph "
                   "(no authentication; put a reverse proxy with TLS and a password in front for a team).", err=True)
    if cors:
        click.echo("Warning: --cors lets any web page open in this machine's browser read the graph"
                   + ("" if read_only else " and write to the scratch copy") + "; use it only while you need it.",
                   err=True)
    served = Served(store, host, port, read_only=read_only, timeout=timeout, cors=cors)
    server = served.start()
    info = describe(served)
    if as_json:
        emit_json(info)
    else:
        click.echo(f"Serving {info['store']} ({info['generation']}, {info['digests']:,} digests, {info['quads'] or 0:,} quads) "
                   f"{'read-only' if read_only else 'read-write (scratch copy, discarded at exit)'}, queries stopped "
                   f"after {timeout:g} s.")
        click.echo(f"  SPARQL endpoint: {server.query_url}")
        click.echo(f"  query page:      {server.base_url}/")
        click.echo("Ctrl-C stops the server.")
    sys.stdout.flush()
    serve_forever(served, lambda msg: click.echo(msg, err=True))


@main.command()
@click.option("--endpoint", "endpoint_url", required=True, metavar="URL",
              help="The store's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (Oxigraph), "
                   "http://host:3030/ds/query (Fuseki), http://host:8890/sparql-auth (Virtuoso).")
@click.option("--graph-store", metavar="URL",
              help="Its Graph Store Protocol URL (default: guessed from --endpoint: …/store for …/query, "
                   "…/sparql-graph-crud[-auth] for Virtuoso's …/sparql[-auth]).")
@click.option("--update", "update_url", metavar="URL", help="Its SPARQL Update URL (default: guessed from --endpoint).")
@click.option("--method", type=click.Choice(["auto", "gsp", "update"]), default="auto", show_default=True,
              help="gsp: one PUT per graph; update: SPARQL Update batches; auto: gsp when there is a graph store URL.")
@click.option("--full", is_flag=True, help="Send every graph again, even those the remote already has unchanged (every push drops the remote graphs under this graph base that the build no longer has).")
@click.option("--dry-run", is_flag=True, help="Only say what would be sent.")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Tries again after a refused connection, a time-out or a 429/502/503/504 answer, waiting 0.5 s, 1 s, 2 s…")
@click.option("--jobs", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Graph Store Protocol requests in flight at once.")
@click.option("--backoff", type=click.FloatRange(min=0), default=0.5, show_default=True, hidden=True)
@click.option("--json", "as_json", is_flag=True, help="Print the push report as JSON.")
@endpoint_options()
@store_option
def push(endpoint_url, graph_store, update_url, method, full, dry_run, retries, jobs, backoff, as_json, user, password,
         timeout, store):
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
    from .remote import push as run_push

    ep = _endpoint(endpoint_url, user, password, timeout, graph_store=graph_store, update=update_url,
                   retries=retries, backoff=backoff)
    if ep.user is not None and ep.query_url.startswith("http://"):
        from urllib.parse import urlsplit

        from .remote import _is_loopback

        if not _is_loopback(urlsplit(ep.query_url).hostname or ""):
            click.echo("Warning: sending credentials over plain http; use https for a store on another machine.", err=True)
    report = run_push(store, ep, method=method, full=full, dry_run=dry_run, jobs=jobs)
    if as_json:
        emit_json(report.as_dict())
        return
    verb = "Would push" if dry_run else "Pushed"
    sent = len(report.added) + len(report.changed)
    click.echo(f"{verb} {store} to {report.endpoint} ({report.method}) in {report.seconds:.2f} s: {sent} graph(s) "
               f"sent ({len(report.added)} added, {len(report.changed)} changed), {len(report.removed)} removed, "
               f"{report.unchanged} unchanged; {report.bytes:,} bytes in {report.requests} request(s).")
    if report.resent:
        click.echo(f"{len(report.resent)} graph(s) the remote had lost were sent again.", err=True)


# -- export, validate, stats ----------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "gexf", "graphml"]), default="ttl",
              show_default=True,
              help="nq and trig keep one named graph per digest; ttl, nt, jsonld give the merged graph; "
                   "gexf (Gephi) and graphml (Cytoscape) give the network projection with scores and communities.")
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
    from .graph import KnowledgeGraph

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
        sys.stdout.buffer.write(kg.export(fmt))


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
    from .graph import KnowledgeGraph
    from .validate import validate_store

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
    from .graph import KnowledgeGraph

    data = KnowledgeGraph(store).stats()
    if as_json:
        emit_json(data)
        return
    for key in ("store", "digests", "quads", "triples", "named_graphs", "warnings"):
        click.echo(f"{key.replace('_', ' '):<14}{data[key]:,}" if isinstance(data[key], int) else f"{key:<14}{data[key]}")
    click.echo("entities")
    for k, v in data["entities"].items():
        click.echo(f"  {k:<20}{v:>8,}")


# -- actors ---------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--top", type=click.IntRange(min=1), help="Rank the built graph's actors instead (by article count, then PageRank).")
@click.option("--type", "actor_type", type=click.Choice(["organisation", "person"]), help="Only actors of this type.")
@click.option("--gazetteer", multiple=True, type=click.Path(dir_okay=False),
              help="YAML file of your own organisations, people and non-actors (repeatable; PATHS only).")
@click.option("--mapping", type=click.Path(dir_okay=False), help="YAML mapping of section and column names (PATHS only).")
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
        raise UserError("--gazetteer, --mapping and --detail apply to PATHS; --top ranks the graph as it was built "
                        "(rebuild with 'graphkit build … --gazetteer FILE' to change its actors)")
    if not paths and top is None:
        raise UserError("give digest files or folders to read, or --top N to rank the built graph's actors")
    if top is not None:
        from .actors import rank_actors
        from .graph import KnowledgeGraph

        rows = rank_actors(KnowledgeGraph(store), top=top, actor_type=actor_type)
        if not rows and not as_json and not as_csv:
            click.echo("No actors in this graph (rebuild without --no-actors?).", err=True)
        _emit_rows(rows, ["rank", "name", "type", "kind", "articles", "pagerank", "iri"],
                   "json" if as_json else "csv" if as_csv else "table")
        return
    from .actors import extract_paths
    from .build import discover
    from .config import load_mapping
    from .gazetteer import load_gazetteer

    files = [f for f, _ in discover(paths)]
    found, problems = extract_paths(files, load_gazetteer(tuple(gazetteer)), load_mapping(mapping) if mapping else None)
    for p in problems:
        if p.level == "error":
            click.echo(str(p), err=True)
    result = {name: [a.as_dict(detail) for a in found_actors if actor_type is None or a.type == actor_type]
              for name, found_actors in sorted(found.items())}
    if as_json:
        emit_json(result)
        return
    rows = [{"file": name, **a, **({"aliases": "; ".join(a["aliases"]), "evidence": "; ".join(a["evidence"])} if detail else {})}
            for name, items in result.items() for a in items]
    columns = ["file", "name", "type"] + (["kind", "aliases", "evidence"] if detail else [])
    _emit_rows(rows, columns, "csv" if as_csv else "table")


if __name__ == "__main__":  # pragma: no cover
    main()
