"""What every graphkit command shares: the group, one-line errors, output helpers and options.

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

from graphkit._version import __version__

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
        except Exception as exc:
            if os.environ.get("GRAPHKIT_DEBUG"):
                raise
            from graphkit.extract.gazetteer import GazetteerError
            from graphkit.extract.topics import TopicError
            from graphkit.graph import QueryError
            from graphkit.ingest.mapping import MappingError
            from graphkit.publish.remote import RemoteError
            from graphkit.publish.serve import ServeError
            from graphkit.search.embed import EmbedderError
            from graphkit.store.folder import StoreError

            if isinstance(
                exc,
                (
                    StoreError,
                    QueryError,
                    MappingError,
                    GazetteerError,
                    TopicError,
                    FileNotFoundError,
                    RemoteError,
                    ServeError,
                    EmbedderError,
                ),
            ):
                raise UserError(str(exc)) from None
            if isinstance(exc, OSError):
                raise UserError(
                    f"{exc.strerror or exc}: {exc.filename or ''} (check the path and free disk space)"
                ) from None
            raise UserError(
                f"unexpected {type(exc).__name__}: {exc} (rerun with GRAPHKIT_DEBUG=1 for details and report it)"
            ) from None


def store_option(f):
    return click.option(
        "--store",
        "store",
        envvar="GRAPHKIT_STORE",
        default="kg",
        show_default=True,
        type=click.Path(file_okay=False),
        help=STORE_HELP,
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


def endpoint_options(query_only: bool = False):
    """``--endpoint`` and its credentials and time-out, for commands that talk to a remote store."""

    def deco(f):
        f = click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Seconds to wait for each answer of the endpoint.",
        )(f)
        f = click.option(
            "--password",
            metavar="PASSWORD",
            help="Password for --user (default: $GRAPHKIT_ENDPOINT_PASSWORD, or ~/.netrc).",
        )(f)
        f = click.option(
            "--user",
            metavar="USER",
            help="User name for the endpoint (default: $GRAPHKIT_ENDPOINT_USER, or ~/.netrc for its host).",
        )(f)
        if query_only:
            f = click.option(
                "--endpoint",
                "endpoint_url",
                metavar="URL",
                help="Query this SPARQL endpoint instead of the local graph, e.g. http://127.0.0.1:7878/query.",
            )(f)
        return f

    return deco


def open_endpoint(url, user, password, timeout, **kwargs):
    from graphkit.publish.remote import USER_ENV, endpoint

    if password and not user and not os.environ.get(USER_ENV):
        raise UserError(f"--password needs --user (or ${USER_ENV})")
    return endpoint(url, user=user or None, password=password, timeout=timeout, **kwargs)


def parse_params(values) -> dict[str, str]:
    params = {}
    for item in values:
        if "=" not in item:
            raise UserError(f"--param {item!r}: write NAME=VALUE, e.g. --param theme='climate change'")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    return params


NODE_TYPE_CHOICE = click.Choice(
    ["article", "topic", "theme", "keyword", "technology", "signal", "concern", "behavior", "issue", "actor"]
)


def emit_rows(rows: list[dict], columns: list[str], fmt: str, width: int = 60) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        emit_csv(columns, [[r.get(c) for c in columns] for r in rows])
    else:
        emit_table(columns, [[fmt_score(r.get(c)) for c in columns] for r in rows], width=width)


def fmt_score(value):
    return f"{value:.6g}" if isinstance(value, float) else value


def output_options(f):
    f = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(f)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


def date_range_options(f):
    """``--since`` / ``--until``: keep articles whose page date is in the range (bounds included)."""
    f = click.option(
        "--until",
        metavar="PERIOD",
        help="Only articles dated up to the end of PERIOD: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www.",
    )(f)
    return click.option(
        "--since", metavar="PERIOD", help="Only articles dated from the start of PERIOD (same forms as --until)."
    )(f)


def date_range(since: str | None, until: str | None):
    """Parse --since/--until into dates (first day of since, last day of until); one-line errors."""
    from graphkit.timeline.periods import parse_bound

    bounds = []
    for option, value, end in (("--since", since, False), ("--until", until, True)):
        try:
            bounds.append(parse_bound(value, end=end) if value else None)
        except ValueError as exc:
            raise UserError(f"{option}: {exc}") from None
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        raise UserError(f"--since {since} is after --until {until}")
    return bounds[0], bounds[1]


def range_note(info: dict, since, until) -> None:
    """Say on stderr what a --since/--until analysis covers, undated articles counted apart."""
    from graphkit.timeline.periods import describe_range

    if not info["articles"]:
        raise UserError(
            f"no dated article {describe_range(since, until)} ({info['outside']} dated outside the range, "
            f"{info['undated']} undated); widen --since/--until"
        )
    click.echo(
        f"Recomputed on the {info['articles']} articles dated {describe_range(since, until)} and what they link to; "
        f"left out: {info['outside']} dated outside the range, {info['undated']} undated.",
        err=True,
    )
