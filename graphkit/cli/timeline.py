"""`graphkit trends`, `signals-map`: counts over time and the weak-signal map."""

from __future__ import annotations

import os

import click

from graphkit.cli.common import (
    UserError,
    date_range,
    date_range_options,
    emit_csv,
    emit_json,
    emit_rows,
    fmt_score,
    main,
    output_options,
    store_option,
)

TREND_BY_CHOICE = click.Choice(["topic", "theme", "keyword", "technology", "actor", "signal"])


PERIOD_CHOICE = click.Choice(["week", "month", "quarter", "year"])


def _period_counts(store, by, period, since, until, weight=None):
    """Per-period counts of items of type ``by`` (see graphkit.trends), with a clear error when the
    graph has no item of that type."""
    from graphkit.graph import KnowledgeGraph
    from graphkit.timeline.trends import count_items, item_types, load_records

    start, end = date_range(since, until)
    records = load_records(KnowledgeGraph(store))
    present = item_types(records)
    if by not in present:
        hint = (
            "actors (organisations, people) are extracted by the build: rebuild the graph with a graphkit "
            "that extracts them, without --no-actors"
            if by == "actor"
            else "rebuild the graph?"
        )
        raise UserError(f"no {by} in this graph (it has: {', '.join(present) or 'nothing'}); {hint}")
    counts = count_items(records, by, period, since=start, until=end, weight=weight)
    if not counts["periods"]:
        from graphkit.timeline.periods import describe_range

        raise UserError(
            f"no dated article {describe_range(start, end)} ({len(counts['undated'])} undated, "
            f"{counts['outside']} outside the range)"
        )
    return counts


def _undated_line(n: int) -> str:
    from graphkit.timeline.trends import UNDATED_HINT

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
@click.option(
    "--by",
    "by",
    type=TREND_BY_CHOICE,
    default="topic",
    show_default=True,
    help="What to count (topic: the canonical topics the themes, keywords and technologies link to).",
)
@click.option("--period", type=PERIOD_CHOICE, default="month", show_default=True, help="Period of the counts.")
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="How many items (and new items) to list; 0: all.",
)
@click.option(
    "--compare",
    nargs=2,
    metavar="FIRST SECOND",
    help="Growth between two periods (e.g. --compare 2024 2025) instead of the two halves of the range.",
)
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
      graphkit trends --period quarter --top 15          # topics
      graphkit trends --by theme --period quarter
      graphkit trends --by technology --period year --compare 2024 2025 --csv
      graphkit trends --by keyword --since 2025-01 --json
    """
    from graphkit.timeline.trends import named_windows, sparkline
    from graphkit.timeline.trends import trends as summarise

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
        columns = [
            "label",
            "type",
            "articles",
            "mentions",
            "first_seen",
            "last_seen",
            "first",
            "second",
            "share_first",
            "share_second",
            "change",
            "growth",
            "id",
        ]
        emit_csv(
            columns + periods,
            [[r.get(c) for c in columns] + [r["per_period"][p] for p in periods] for r in out["items"]],
        )
        if out["undated"]["count"]:
            click.echo(_undated_line(out["undated"]["count"]), err=True)
        return
    rng = out["range"]
    click.echo(
        f"{_items(by).capitalize()} by {period}, {rng['first']} to {rng['last']} "
        f"({_items(period, rng['periods'])}): "
        f"{out['dated']} dated articles"
        + (f", {out['outside_range']} outside --since/--until" if out["outside_range"] else "")
        + "."
    )
    if out["undated"]["count"]:
        click.echo(_undated_line(out["undated"]["count"]))
    if out["compare"]:
        a, b = out["compare"]
        click.echo(
            f"Growth: share of articles in {b['label']} ({b['articles']} articles) minus share in "
            f"{a['label']} ({a['articles']} articles)."
        )
    click.echo("")
    rows = [
        {
            "rank": i,
            "label": r["label"],
            "articles": r["articles"],
            "first": r.get("first"),
            "second": r.get("second"),
            "change": _pts(r["change"]) if "change" in r else None,
            "growth": _pct(r["growth"]) if "change" in r else None,
            "first seen": r["first_seen"],
            "per " + period: sparkline([r["per_period"][p] for p in periods]),
        }
        for i, r in enumerate(out["items"], start=1)
    ]
    # one character per period: beyond 60 periods the line is too long for a terminal
    columns = (
        ["rank", "label", "articles"]
        + (["first", "second", "change", "growth"] if out["compare"] else [])
        + ["first seen"]
        + (["per " + period] if len(periods) <= 60 else [])
    )
    emit_rows(rows, columns, "table", width=60)
    click.echo(
        f"\nNew in {out['new_period']} (first seen there): {_items(by, out['new_total'])}"
        + (f", top {len(out['new'])}:" if out["new"] else ".")
    )
    if out["new"]:
        emit_rows(
            [{"label": r["label"], "articles": r["articles"], "first seen": r["first_seen"]} for r in out["new"]],
            ["label", "articles", "first seen"],
            "table",
        )


@main.command("signals-map")
@click.option(
    "--by", "by", type=TREND_BY_CHOICE, default="topic", show_default=True, help="What to map (see trends --by)."
)
@click.option("--period", type=PERIOD_CHOICE, default="quarter", show_default=True, help="Period of the counts.")
@click.option(
    "--tw", type=float, default=0.05, show_default=True, help="Time weight: period j weighs 1 - tw x (n - j)."
)
@click.option(
    "--growth",
    type=click.Choice(["geometric", "mean"]),
    default="geometric",
    show_default=True,
    help="geometric: mean rate between the first and last non-zero periods; mean: mean of period-on-period rates.",
)
@click.option(
    "--weight",
    type=click.Choice(["none", "relevancy"]),
    default="none",
    show_default=True,
    help="relevancy: each mention counts its signal relevancy / 3 in TF.",
)
@click.option("--min-articles", default=2, show_default=True, help="Leave out items in fewer articles.")
@click.option(
    "--quadrant",
    type=click.Choice(["weak", "strong", "latent", "well-known"]),
    help="Only items in this quadrant of the emergence map.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=50, show_default=True, help="How many items to list; 0: all."
)
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Draw the maps into a .png or .html file.")
@date_range_options
@output_options
@store_option
def signals_map(
    by, period, tw, growth, weight, min_articles, quadrant, top, plot_path, since, until, as_json, as_csv, store
):
    """Weak-signal map (Yoon 2012): which items are weak, strong, latent or well-known signals.

    For each item: its average TF (mentions per period) and the growth rate of its time-weighted
    degree of visibility (emergence map), its average DF (articles per period) and the growth
    rate of its degree of diffusion (issue map). Each map is cut at its medians: weak signals
    are rare but growing fast. See docs/trends.md for the formulas and defaults.

    \b
    Examples:
      graphkit signals-map --period quarter --plot map.png   # topics
      graphkit signals-map --by keyword --period year --quadrant weak --csv
      graphkit signals-map --by theme --tw 0.04 --growth mean --plot map.html --json
    """
    from graphkit.timeline.trends import new_items
    from graphkit.timeline.weaksignals import QUADRANTS, signal_map

    if not 0 <= tw < 1:
        raise UserError(f"--tw {tw}: the time weight must be in [0, 1), e.g. 0.05")
    counts = _period_counts(store, by, period, since, until, weight=None if weight == "none" else weight)
    result = signal_map(
        counts, tw=tw, growth=growth, min_articles=min_articles, new_ids={r["id"] for r in new_items(counts)}
    )
    result.update(
        {
            "by": by,
            "period": period,
            "weight": weight,
            "undated": {"count": len(counts["undated"]), "articles": counts["undated"]},
            "outside_range": counts["outside"],
        }
    )
    if plot_path:
        from graphkit.timeline.plot import write_plot

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
    columns = [
        "emergence",
        "issue",
        "label",
        "articles",
        "avg_tf",
        "dov_growth",
        "avg_df",
        "dod_growth",
        "periods_seen",
        "new",
        "first_seen",
    ]
    if as_csv:
        emit_csv(columns + ["id"], [[r[c] for c in columns + ["id"]] for r in listed])
    else:
        med = result["medians"]
        p = result["periods"]
        click.echo(
            f"{_items(by).capitalize()} by {period}, {p[0]} to {p[-1]} ({_items(period, len(p))}, "
            f"{sum(result['articles'])} dated articles"
            + (f", {result['outside_range']} outside --since/--until" if result["outside_range"] else "")
            + f"); tw = {tw}, {growth} growth, "
            f"TF weight: {weight}."
        )
        tf_med, df_med = (fmt_score(med[k]) if med[k] is not None else "n/a" for k in ("avg_tf", "avg_df"))
        click.echo(
            f"{_items(by, len(result['items']))} in {min_articles}+ articles mapped "
            f"({result['left_out']} in fewer left out); medians: avg TF {tf_med}, "
            f"DoV growth {_per(med['dov_growth'], period)}, avg DF {df_med}, "
            f"DoD growth {_per(med['dod_growth'], period)}."
        )
        counts_q = {q: sum(1 for r in result["items"] if r["emergence"] == q) for q in QUADRANTS}
        click.echo("Emergence map: " + ", ".join(f"{QUADRANTS[q]} {n}" for q, n in counts_q.items()) + ".")
        if result["zero_weight_periods"]:
            zp = result["zero_weight_periods"]
            click.echo(
                f"Warning: with tw = {tw}, {len(zp)} {period}s with articles ({zp[0]}..{zp[-1]}) weigh 0; "
                "use a coarser --period, --since, or a smaller --tw."
            )
        if result["undated"]["count"]:
            click.echo(_undated_line(result["undated"]["count"]))
        click.echo("")
        rows = [
            dict(
                r,
                emergence=QUADRANTS[r["emergence"]],
                issue=QUADRANTS[r["issue"]],
                dov_growth=_rate(r["dov_growth"]) if r["dov_growth"] is not None else "one period",
                dod_growth=_rate(r["dod_growth"]) if r["dod_growth"] is not None else "one period",
                avg_tf=round(r["avg_tf"], 4),
                avg_df=round(r["avg_df"], 4),
                new="new" if r["new"] else "",
            )
            for r in listed
        ]
        emit_rows(rows, columns, "table", width=40)
    if as_csv and result["undated"]["count"]:
        click.echo(_undated_line(result["undated"]["count"]), err=True)
