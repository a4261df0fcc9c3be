"""Periods: keys, --since/--until forms, ranges, date filters, and --since/--until on rank,
clusters and related."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import timecorpus
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.timeline import periods
from graphkit_testutil import EXAMPLES

D = dt.date


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2024-12", D(2024, 12, 1), D(2024, 12, 31)),
        ("2024-06-30", D(2024, 6, 30), D(2024, 6, 30)),
        ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-q4", D(2024, 10, 1), D(2024, 12, 31)),
        ("2024-W01", D(2024, 1, 1), D(2024, 1, 7)),  # 1 January 2024 is a Monday
        ("2021-W01", D(2021, 1, 4), D(2021, 1, 10)),  # ISO week 1 holds the first Thursday
        ("2020-W53", D(2020, 12, 28), D(2021, 1, 3)),
        (" 2025-w13 ", D(2025, 3, 24), D(2025, 3, 30)),
    ],
)
def test_bounds_of_every_form(text, start, end):
    assert periods.parse_bound(text) == start
    assert periods.parse_bound(text, end=True) == end


@pytest.mark.parametrize(
    "bad",
    [
        "2024-13",
        "2024-00",
        "2024-Q5",
        "2024-Q0",
        "2023-W53",
        "2024-W00",
        "2024-02-30",
        "24",
        "2024-1",
        "2024/03",
        "20240301",
        "2024-03-1",
        "last year",
        "",
        "2024-Q1-2",
    ],
)
def test_bad_forms_name_the_accepted_ones(bad):
    with pytest.raises(ValueError) as exc:
        periods.parse_bound(bad)
    assert "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www" in str(exc.value)


def test_period_keys_and_ranges():
    # weekly pages are Sundays: the page falls in the ISO week it closes
    assert periods.period_key("2024-06-30", "week") == "2024-W26"
    assert periods.period_key("2024-07-01", "week") == "2024-W27"
    assert periods.period_key("2021-01-03", "week") == "2020-W53"
    assert periods.period_key("2024-03-31", "quarter") == "2024-Q1"
    assert periods.period_key("2024-04-01", "quarter") == "2024-Q2"
    assert periods.period_key(D(2024, 12, 31), "month") == "2024-12"
    with pytest.raises(ValueError):
        periods.period_key(None, "month")
    with pytest.raises(ValueError):
        periods.period_key("2024-01-01", "decade")
    # ranges are contiguous: empty periods are kept, so gaps are real time
    assert periods.period_range("2020-W52", "2021-W02", "week") == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert periods.period_range("2023-Q4", "2024-Q2", "quarter") == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert len(periods.period_range("2022-01", "2026-04", "month")) == 52
    assert periods.period_range("2022", "2022", "year") == ["2022"]


def test_undated_is_never_within_a_range():
    assert not periods.within(None)
    assert not periods.within("5632.0")
    assert not periods.within("2024-02-30")
    assert periods.within("2024-02-29")
    assert periods.within("2024-06-30", D(2024, 6, 30), D(2024, 6, 30))  # bounds included
    assert not periods.within("2024-07-01", until=D(2024, 6, 30))


def test_restrict_projection_keeps_in_range_articles_and_what_they_link():
    data = {
        "nodes": [
            ["a1", "article", "A1", "2024-01-07", None],
            ["a2", "article", "A2", "2023-01-01", None],
            ["a3", "article", "A3", None, None],
            ["s1", "signal", "S1", None, 4],
            ["s2", "signal", "S2", None, 3],
            ["t", "theme", "T", None, None],
            ["u", "theme", "U", None, None],
        ],
        "edges": [
            ["a1", "a2", 0.5],
            ["a1", "s1", 1.0],
            ["a1", "t", 1.0],
            ["a2", "s2", 1.0],
            ["a2", "t", 1.0],
            ["a2", "u", 1.0],
            ["a3", "u", 1.0],
        ],
    }
    sub, info = periods.restrict_projection(data, D(2024, 1, 1), D(2024, 12, 31))
    assert [n[0] for n in sub["nodes"]] == ["a1", "s1", "t"]
    assert sub["edges"] == [["a1", "s1", 1.0], ["a1", "t", 1.0]]  # the link to an out-of-range article goes
    assert info == {"articles": 1, "undated": 1, "outside": 1}
    core, _ = periods.restrict_projection(data, D(2024, 1, 1), D(2024, 12, 31), rows=False)
    assert [n[0] for n in core["nodes"]] == ["a1", "t"] and core["edges"] == [["a1", "t", 1.0]]
    everything, info = periods.restrict_projection(data, None, None)
    assert info == {"articles": 2, "undated": 1, "outside": 0}  # undated articles are never kept
    assert {n[0] for n in everything["nodes"]} == {"a1", "a2", "s1", "s2", "t", "u"}


# -- --since/--until on rank, clusters, related ----------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("periods")
    timecorpus.write_digests(root / "tiny")
    runner = CliRunner()
    for name, src in (("tiny", root / "tiny"), ("examples", EXAMPLES)):
        res = runner.invoke(main, ["build", str(src), "--out", str(root / f"kg-{name}")])
        assert res.exit_code == 0, res.output
    return {"tiny": root / "kg-tiny", "examples": root / "kg-examples"}


def _run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, (res.output, res.exception)
    assert "Traceback" not in res.output
    return res


def test_projection_within_equals_restricting_the_whole_projection(stores):
    from graphkit.graph import KnowledgeGraph

    for name in ("tiny", "examples"):
        kg = KnowledgeGraph(stores[name])
        for since, until in ((D(2024, 1, 1), None), (None, D(2023, 6, 30)), (D(2024, 11, 1), D(2024, 11, 30))):
            for rows in (True, False):
                assert periods.projection_within(kg, since, until, rows=rows) == periods.restrict_projection(
                    kg.projection(), since, until, rows=rows
                ), (name, since, until, rows)


def test_rank_since_until_recomputes_on_the_range(stores):
    kg = stores["tiny"]
    full = json.loads(_run("rank", "--store", kg, "--type", "theme", "--by", "degree", "--json").stdout)
    assert {r["label"]: r["degree"] for r in full}[
        "beta cells"
    ] == 6  # a1 a2 a3 a5 a6 a10: the whole corpus, undated too
    res = _run("rank", "--store", kg, "--type", "theme", "--by", "degree", "--since", "2024", "--json")
    ranged = {r["label"]: r["degree"] for r in json.loads(res.stdout)}
    # 2024: a7 (alpha, gamma) and a8 (alpha, gamma, epsilon, zeta)
    assert ranged == {"alpha grid": 2, "gamma rays": 2, "epsilon lab": 1, "zeta drift": 1}
    assert (
        "2 articles dated from 2024-01-01" in res.stderr
        and "2 undated" in res.stderr
        and "6 dated outside" in res.stderr
    )
    pr = json.loads(_run("rank", "--store", kg, "--type", "theme", "--until", "2022-Q3", "--json").stdout)
    assert [r["label"] for r in pr] == ["beta cells", "alpha grid"]  # a1 (A, B), a2 (B)
    bt = json.loads(
        _run("rank", "--store", kg, "--by", "betweenness", "--since", "2023-02", "--until", "2023-W17", "--json").stdout
    )
    # Topics the themes link to ("alpha grid" names the electricity grid) take part too; this
    # checks the range, so it compares the article and its themes.
    assert {r["label"] for r in bt if r["type"] != "topic"} == {
        "Article a3",
        "alpha grid",
        "beta cells",
        "filler word",
    }  # a3 only (a4, 7 May, is in W18)


def test_clusters_and_related_since_until(stores):
    kg = stores["examples"]
    full = json.loads(_run("clusters", "--store", kg, "--json").stdout)
    res = _run("clusters", "--store", kg, "--since", "2024-11", "--until", "2024-11", "--json")
    ranged = json.loads(res.stdout)
    assert sum(c["size"] for c in ranged["communities"]) < sum(c["size"] for c in full["communities"])
    assert "articles dated 2024-11-01 to 2024-11-30" in res.stderr
    assert "modularity" in ranged
    rel = _run("related", "synthetic data", "--store", kg, "--type", "theme", "--top", "1000", "--json")
    every = {r["iri"]: r["score"] for r in json.loads(rel.stdout)["results"]}
    some = {
        r["iri"]: r["score"]
        for r in json.loads(
            _run(
                "related",
                "synthetic data",
                "--store",
                kg,
                "--type",
                "theme",
                "--since",
                "2025",
                "--top",
                "1000",
                "--json",
            ).stdout
        )["results"]
    }
    assert 0 < len(some) < len(every)
    assert some == {iri: every[iri] for iri in some}  # same scores, fewer candidates


def test_bad_range_options_are_one_line_errors(stores):
    kg = stores["tiny"]
    for cmd in (["rank"], ["clusters"], ["related", "alpha grid"], ["trends"], ["signals-map"]):
        res = _run(*cmd, "--store", kg, "--since", "2024-13", code=1)
        assert res.output.count("\n") == 1, res.output
        assert res.output.startswith("Error: --since: '2024-13' is not a date or period; use YYYY, YYYY-MM")
        res = _run(*cmd, "--store", kg, "--until", "2024-W60", code=1)
        assert res.output.startswith("Error: --until: '2024-W60'")
        res = _run(*cmd, "--store", kg, "--since", "2025", "--until", "2024", code=1)
        assert "--since 2025 is after --until 2024" in res.output
    res = _run("rank", "--store", kg, "--since", "2030", code=1)
    assert res.output.count("\n") == 1 and "no dated article from 2030-01-01" in res.output
