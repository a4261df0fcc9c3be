"""`graphkit query --since/--until`: a query sees only the digests dated in the range."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from graphkit.build import build
from graphkit.cli import main
from graphkit.core.normalize import label_key
from graphkit.graph import KnowledgeGraph
from graphkit.ingest.parse import parse_file
from graphkit_testutil import corpus_path


@pytest.fixture(scope="module")
def corpus_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("range") / "kg"
    build([corpus_path()], out, analysis=False)
    return out


def _digests():
    return [parse_file(p) for p in sorted(corpus_path().glob("*.md"))]


@pytest.mark.parametrize(
    "since,until,lo,hi",
    [
        ("2024", "2024-Q2", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ("2025-03", None, dt.date(2025, 3, 1), None),
        (None, "2023", None, dt.date(2023, 12, 31)),
    ],
)
def test_named_query_counts_only_digests_in_range(corpus_kg, since, until, lo, hi):
    # Counted independently from the parsed digests: articles per theme key, page date in range.
    expected = Counter()
    for d in _digests():
        if d.page_date and (lo is None or d.page_date >= lo) and (hi is None or d.page_date <= hi):
            expected.update({label_key(t) for t in d.themes if label_key(t)})
    args = ["query", "--store", str(corpus_kg), "--name", "top-themes", "--json"]
    args += (["--since", since] if since else []) + (["--until", until] if until else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    got = {r["theme"].rsplit("/", 1)[-1]: r["articles"] for r in rows}
    top = sorted(expected.items(), key=lambda kv: -kv[1])
    assert rows and len(rows) <= len(expected)
    # every theme returned has the independently counted number of in-range articles
    by_slug = {k.replace(" ", "-"): v for k, v in expected.items()}
    assert all(by_slug[slug] == n for slug, n in got.items())
    assert max(got.values()) == top[0][1]


def test_undated_digests_are_never_in_a_range(corpus_kg):
    kg = KnowledgeGraph(corpus_kg)
    everything = kg.graphs_within(None, None)
    undated = sum(1 for d in _digests() if d.page_date is None)
    assert undated > 0
    assert len(everything) - 4 == len(_digests()) - undated  # 4 shared graphs: concepts, topics, ontology, analysis
    n = kg.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }", graphs=everything).rows[0][0]
    assert n == len(_digests()) - undated


def test_range_errors_are_one_line(corpus_kg):
    result = CliRunner().invoke(
        main, ["query", "--store", str(corpus_kg), "--name", "top-themes", "--since", "2024-13"]
    )
    assert result.exit_code == 1 and "--since" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(
        main, ["query", "--store", str(corpus_kg), "--name", "top-themes", "--since", "2025", "--until", "2024"]
    )
    assert result.exit_code == 1 and "after --until" in result.output
