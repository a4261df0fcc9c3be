"""Trends: counts per period, growth, first-seen dates, new items — by hand on the tiny corpus of
tests/timecorpus.py, through the CLI, and on the real corpus against independent counts and the
named SPARQL queries."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter

import pytest
import timecorpus
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.graph import KnowledgeGraph
from graphkit.timeline import trends
from graphkit_testutil import corpus_path

L = {v: k for k, v in timecorpus.NAMES.items()}  # label -> letter


def _letters(rows):
    return [L[r["label"]] for r in rows]


def test_counts_per_year_by_hand():
    c = trends.count_items(timecorpus.records(), "theme", "year")
    assert c["periods"] == ["2022", "2023", "2024"]
    assert c["articles"] == [2, 4, 2]
    assert sorted(c["undated"]) == [timecorpus.BASE + "article/a10", timecorpus.BASE + "article/a9"]
    items = {L[it["label"]]: it for it in c["items"].values()}
    assert {k: it["df"] for k, it in items.items()} == {
        "A": [1, 1, 2],
        "B": [2, 3, 0],
        "C": [0, 1, 2],
        "D": [0, 2, 0],
        "E": [0, 1, 1],
        "F": [0, 0, 1],
    }
    # C is also a keyword in a7 and a8: two mentions in each
    assert items["C"]["tf"] == [0, 1, 4]
    assert items["A"]["tf"] == [1, 1, 2]
    assert {k: it["first_seen"] for k, it in items.items()} == {
        "A": "2022-03-06",
        "B": "2022-03-06",
        "C": "2023-05-07",
        "D": "2023-05-07",
        "E": "2023-08-06",
        "F": "2024-06-02",
    }
    assert items["B"]["last_seen"] == "2023-11-05"


def test_quarters_keep_empty_periods_and_halves():
    c = trends.count_items(timecorpus.records(), "theme", "quarter")
    assert c["periods"] == [
        "2022-Q1",
        "2022-Q2",
        "2022-Q3",
        "2022-Q4",
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
    ]
    assert c["articles"] == [1, 0, 1, 0, 1, 1, 1, 1, 1, 1]
    out = trends.trends(c, top=None)
    # 10 quarters: first half 2022-Q1..2023-Q1 (a1 a2 a3), second 2023-Q2..2024-Q2 (a4..a8)
    assert [(w["label"], w["articles"]) for w in out["compare"]] == [("2022-Q1..2023-Q1", 3), ("2023-Q2..2024-Q2", 5)]
    weeks = trends.count_items(timecorpus.records(), "theme", "week")
    assert weeks["periods"][0] == "2022-W09" and weeks["periods"][-1] == "2024-W22"  # Sunday pages close their week
    assert sum(weeks["articles"]) == 8 and len(weeks["periods"]) == len(set(weeks["periods"]))


def test_growth_between_halves_by_hand():
    out = trends.trends(trends.count_items(timecorpus.records(), "theme", "year"), top=None)
    # 3 years: first half 2022 (2 articles), second half 2024 (2 articles); 2023 is the middle, in neither
    assert [(w["label"], w["articles"]) for w in out["compare"]] == [("2022", 2), ("2024", 2)]
    rows = {L[r["label"]]: r for r in out["items"]}
    # share = articles with the item / articles of the half; change = second - first
    assert (rows["A"]["share_first"], rows["A"]["share_second"], rows["A"]["change"], rows["A"]["growth"]) == (
        0.5,
        1.0,
        0.5,
        1.0,
    )
    assert (rows["B"]["change"], rows["B"]["growth"]) == (-1.0, -1.0)  # 2/2 -> 0/2
    assert (rows["C"]["change"], rows["C"]["growth"]) == (1.0, None)  # 0/2 -> 2/2: no relative growth from 0
    assert (rows["D"]["change"], rows["D"]["first"], rows["D"]["second"]) == (0.0, 0, 0)
    # by change, then articles in the second half, then articles overall
    assert _letters(out["items"]) == ["C", "A", "E", "F", "D", "B"]
    assert out["dated"] == 8 and out["undated"]["count"] == 2
    assert [(r["label"], r["articles"]) for r in out["new"]] == [("zeta drift", 1)]  # first seen in 2024
    assert rows["A"]["per_period"] == {"2022": 1, "2023": 1, "2024": 2}


def test_growth_between_named_periods_by_hand():
    out = trends.trends(trends.count_items(timecorpus.records(), "theme", "quarter"), compare=("2023", "2024"), top=3)
    assert [(w["label"], w["articles"]) for w in out["compare"]] == [("2023", 4), ("2024", 2)]
    rows = {L[r["label"]]: r for r in out["items"]}
    assert _letters(out["items"]) == ["A", "C", "F"]  # top 3 of A +0.75, C +0.75, F +0.5, E +0.25, D -0.5, B -0.75
    assert rows["A"]["change"] == pytest.approx(2 / 2 - 1 / 4) and rows["A"]["growth"] == pytest.approx(1.0 / 0.25 - 1)
    assert rows["F"]["growth"] is None and out["items_total"] == 6


def test_since_keeps_first_seen_over_the_whole_corpus():
    c = trends.count_items(timecorpus.records(), "theme", "year", since=dt.date(2024, 1, 1))
    assert c["periods"] == ["2024"] and c["articles"] == [2] and c["outside"] == 6
    items = {L[it["label"]]: it for it in c["items"].values()}
    assert items["A"]["first_seen"] == "2022-03-06"  # seen before --since: not new
    assert [r["label"] for r in trends.new_items(c)] == ["zeta drift"]
    assert trends.trends(c)["compare"] is None  # one period: no halves
    until = trends.count_items(timecorpus.records(), "theme", "year", until=dt.date(2022, 12, 31))
    assert until["periods"] == ["2022"] and {L[it["label"]] for it in until["items"].values()} == {"A", "B"}
    nothing = trends.count_items(timecorpus.records(), "theme", "year", since=dt.date(2030, 1, 1))
    assert nothing["periods"] == [] and trends.trends(nothing)["items"] == []


# -- CLI ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-trends")
    timecorpus.write_digests(root / "src")
    res = CliRunner().invoke(main, ["build", str(root / "src"), "--out", str(root / "kg")])
    assert res.exit_code == 0, res.output
    return root / "kg"


def _run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, (res.output, res.exception)
    assert "Traceback" not in res.output
    return res


def test_cli_trends_json_csv_table(tiny_store):
    out = json.loads(_run("trends", "--store", tiny_store, "--by", "theme", "--period", "year", "--json").stdout)
    assert _letters(out["items"]) == ["C", "A", "E", "F", "D", "B"]
    assert out["undated"]["count"] == 2 and "undated-articles" in out["undated"]["hint"]
    assert [p["articles"] for p in out["articles_per_period"]] == [2, 4, 2]
    cmp = json.loads(
        _run("trends", "--store", tiny_store, "--by", "theme", "--compare", "2023", "2024", "--json").stdout
    )
    assert [w["articles"] for w in cmp["compare"]] == [4, 2]
    res = _run("trends", "--store", tiny_store, "--by", "theme", "--period", "year", "--csv")
    lines = res.stdout.splitlines()
    assert lines[0] == (
        "label,type,articles,mentions,first_seen,last_seen,first,second,share_first,share_second,"
        "change,growth,id,2022,2023,2024"
    )
    assert lines[1].startswith("gamma rays,theme,3,5.0,2023-05-07,2024-06-02,0,2,0.0,1.0,1.0,,") and lines[1].endswith(
        ",0,1,2"
    )
    assert "2 undated articles not counted" in res.stderr
    text = _run("trends", "--store", tiny_store, "--by", "theme", "--period", "year").stdout
    assert "2 undated articles not counted in any period" in text
    assert "New in 2024 (first seen there): 1 theme" in text
    assert re.search(r"gamma rays\s+3\s+0\s+2\s+\+100\.0 pts\s+from 0\s+2023-05-07\s+·▄█", text), text
    kw = json.loads(_run("trends", "--store", tiny_store, "--by", "keyword", "--period", "year", "--json").stdout)
    assert {r["label"]: r["articles"] for r in kw["items"]} == {"filler word": 8, "gamma rays": 2}


@pytest.mark.parametrize("command", ["trends", "signals-map"])
def test_help_has_examples(command):
    out = _run(command, "--help").output
    assert "Examples:" in out and f"graphkit {command}" in out and "--since" in out


def test_cli_trends_week_table_and_no_cache(tiny_store, tmp_path):
    text = _run("trends", "--store", tiny_store, "--period", "week").stdout
    assert "2022-W09 to 2024-W22 (118 weeks)" in text and "per week" not in text  # too many for a sparkline
    # a graph folder without the build's projection cache falls back to the projection (SPARQL)
    import shutil

    from graphkit.store.files import NETWORK_FILE
    from graphkit.store.folder import GraphFolder

    copy = tmp_path / "kg"
    shutil.copytree(tiny_store, copy)
    (GraphFolder(copy).current() / NETWORK_FILE).unlink()
    assert trends.records_from_cache(KnowledgeGraph(copy)) is None
    assert trends.load_records(KnowledgeGraph(copy)) == trends.load_records(KnowledgeGraph(tiny_store))
    assert (
        _run("trends", "--store", copy, "--by", "theme", "--period", "year", "--json").stdout
        == _run("trends", "--store", tiny_store, "--by", "theme", "--period", "year", "--json").stdout
    )


def test_cli_trends_errors_are_one_line(tiny_store):
    for args, needle in (
        (["--compare", "2024", "2025-13"], "--compare: '2025-13' is not a date or period"),
        (["--by", "actor"], "no actor in this graph"),
        (["--since", "2031"], "no dated article from 2031-01-01"),
    ):
        res = _run("trends", "--store", tiny_store, *args, code=1)
        assert res.output.count("\n") == 1 and needle in res.output, res.output


# -- the real corpus ------------------------------------------------------------------------------


def _independent_dates() -> tuple[Counter, int, int]:
    """Months of the real digests' page ids read straight from their header line (not through
    graphkit): a page id is a date when it is YYYYMMDD (+ optional letter), a real calendar date,
    from 1990 to the build date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    months, undated, files = Counter(), 0, 0
    for path in corpus_path().glob("*.md"):
        files += 1
        header = path.read_text("utf-8").splitlines()[0]
        page = re.search(r"from[^\[]*\[([^\]]+)\]\(", header)[1]
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})[a-z]?", page)
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            d = None
        if d is None or not dt.date(1990, 1, 1) <= d <= today:
            undated += 1
        else:
            months[f"{d.year}-{d.month:02d}"] += 1
    return months, undated, files


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "kg"
    res = CliRunner().invoke(main, ["build", str(corpus_path()), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    return out


def test_real_corpus_counts_add_up(real_store):
    months, undated, files = _independent_dates()
    assert undated > 0  # the corpus has '5632.0' page ids and future dates
    out = json.loads(_run("trends", "--store", real_store, "--period", "month", "--top", "0", "--json").stdout)
    assert out["undated"]["count"] == undated
    assert out["dated"] + out["undated"]["count"] == files
    per = {p["period"]: p["articles"] for p in out["articles_per_period"]}
    assert {k: v for k, v in per.items() if v} == dict(months)
    assert sum(per.values()) == out["dated"] == sum(months.values())
    # every theme's per-month counts add up to its article count, within the dated articles
    for row in out["items"]:
        assert sum(row["per_period"].values()) == row["articles"] <= out["dated"]
    text = _run("trends", "--store", real_store, "--period", "quarter").stdout
    assert f"{undated} undated articles not counted in any period" in text
    sig = json.loads(_run("signals-map", "--store", real_store, "--json").stdout)
    assert sig["undated"]["count"] == undated and sum(sig["articles"]) == out["dated"]


def test_real_corpus_sparql_gives_the_same_counts(real_store):
    kg = KnowledgeGraph(real_store)
    records = trends.records_from_projection(kg.projection())
    assert trends.records_from_store(kg) == records
    assert trends.records_from_cache(kg) == records == trends.load_records(kg)
    for unit, query in (("month", "articles-per-month"), ("quarter", "articles-per-quarter")):
        c = trends.count_items(records, "theme", unit)
        sparql = {r["month" if unit == "month" else "quarter"]: r["articles"] for r in kg.named(query).records()}
        assert sparql == {p: n for p, n in zip(c["periods"], c["articles"]) if n}
    c = trends.count_items(records, "theme", "quarter")
    mine = {(p, item): n for item, it in c["items"].items() for p, n in zip(c["periods"], it["df"]) if n}
    sparql = {(r["quarter"], r["theme"]): r["articles"] for r in kg.named("themes-per-quarter").records()}
    assert sparql == mine
    tech = next(it for it in c["items"].values() if sum(it["df"]) >= 2)
    month = trends.count_items(records, "theme", "month")
    rows = kg.named("theme-per-month", {"theme": tech["label"]}).records()
    item = next(it for it in month["items"].values() if it["label"] == tech["label"])
    assert {r["month"]: r["articles"] for r in rows} == {p: n for p, n in zip(month["periods"], item["df"]) if n}


def test_real_corpus_plots(real_store, tmp_path):
    for name in ("map.png", "map.html"):
        res = _run("signals-map", "--store", real_store, "--plot", tmp_path / name)
        assert (tmp_path / name).stat().st_size > 5_000 and f"Wrote {tmp_path / name}" in res.stderr
