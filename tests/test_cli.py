"""The command line, driven through click's CliRunner: every command, good and bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import rdflib
from click.testing import CliRunner

from graphkit.cli import main
from graphkit_testutil import EXAMPLES, corpus_path


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def kg(tmp_path, runner):
    out = tmp_path / "kg"
    result = runner.invoke(main, ["build", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def run(runner, *args, code=0):
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(runner, command):
    out = run(runner, command, "--help").output
    assert "Example" in out and f"graphkit {command}" in out


def test_build_summary_and_json(runner, tmp_path):
    out = tmp_path / "kg"
    text = run(runner, "build", corpus_path(), "--out", out).output
    n = len(list(corpus_path().glob("*.md")))
    assert f"{n} digests ({n} added" in text and "0 skipped" in text
    assert "warning" in text  # the real corpus has implausible page ids: they are reported
    again = json.loads(run(runner, "build", corpus_path(), "--out", out, "--json").output)
    assert again["noop"] is True and again["digests"] == n and again["entities"]["article"] == n


def test_build_reports_bad_files_and_goes_on(runner, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES, src)
    (src / "latin1.md").write_bytes("# __Caf\xe9__, (from page [20240107](https://x.test/p).)\n".encode("latin-1"))
    (src / "empty.md").write_text("", "utf-8")
    (src / "bad-row.md").write_text(
        "# __Bad row__, (from page [20240107](https://x.test/p).)\n\n## Concerns\n\n"
        "| name | description | relevancy |\n|:--|:--|--:|\n| a | b | 9 |\n| only | two |\n",
        "utf-8",
    )
    out = tmp_path / "kg"
    result = run(runner, "build", src, "--out", out)
    assert "2 skipped" in result.output
    assert "latin1.md:1: error: not UTF-8" in result.output
    assert "empty.md: error: empty file" in result.output
    assert "bad-row.md:7: warning: relevancy '9'" in result.output
    assert "bad-row.md:8: warning: concerns row has 2 cells but the header has 3" in result.output
    strict = run(runner, "build", src, "--out", out, "--strict", code=1)
    assert "--strict" in strict.output


def test_build_with_nothing_readable_fails_cleanly(runner, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.md").write_bytes(b"\x00\x01binary")
    result = run(runner, "build", bad, "--out", tmp_path / "kg", code=1)
    assert "no digest could be read" in result.output


def test_build_missing_path(runner, tmp_path):
    result = run(runner, "build", tmp_path / "nope", code=2)
    assert "does not exist" in result.output


def test_build_with_custom_mapping(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        "# __Renamed sections__, (from page [20240107](https://x.test/p).)\n\n"
        "## Topics of interest\n\n* quantum sensing\n\n## Early signs\n\n"
        "| headline | what | driver | score |\n|--|--|--|--|\n| Cheap sensors | Falling costs | Mass production | 4 |\n",
        "utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "sections:\n  themes: {kind: list, aliases: [Topics of interest]}\n"
        "  signals: {kind: table, aliases: [Early signs]}\n"
        "columns:\n  name: [headline]\n  description: [what]\n  driving_force: [driver]\n  relevancy: [score]\n",
        "utf-8",
    )
    out = tmp_path / "kg"
    run(runner, "build", src, "--out", out, "--mapping", mapping)
    rows = json.loads(
        run(
            runner,
            "query",
            "--store",
            out,
            "--json",
            "SELECT ?name ?force ?rel WHERE { ?s a gk:Signal ; rdfs:label ?name ; gk:drivingForce ?force ; gk:relevancy ?rel }",
        ).output
    )
    assert rows == [{"name": "Cheap sensors", "force": "Mass production", "rel": 4}]
    themes = json.loads(
        run(runner, "query", "--store", out, "--json", "SELECT ?l WHERE { ?t a gk:Theme ; skos:prefLabel ?l }").output
    )
    assert themes == [{"l": "quantum sensing"}]
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections:\n  gossip: {kind: list, aliases: [Gossip]}\n", "utf-8")
    err = run(runner, "build", src, "--out", out, "--mapping", bad, code=1)
    assert "sections.gossip: unknown section" in err.output


def test_query_formats(runner, kg):
    q = "SELECT ?label (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:about ?t . ?t skos:prefLabel ?label } GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 3"
    table = run(runner, "query", "--store", kg, q).output
    assert table.splitlines()[0].split() == ["label", "n"]
    rows = json.loads(run(runner, "query", "--store", kg, q, "--format", "json").output)
    assert len(rows) == 3 and rows[0]["n"] >= rows[-1]["n"] >= 1
    parsed = list(csv.reader(io.StringIO(run(runner, "query", "--store", kg, q, "--format", "csv").output)))
    assert parsed[0] == ["label", "n"] and [r[0] for r in parsed[1:]] == [r["label"] for r in rows]
    assert run(runner, "query", "--store", kg, "ASK { ?a a schema:NewsArticle }").output.strip() == "true"
    nt = run(
        runner, "query", "--store", kg, "CONSTRUCT { ?a a schema:NewsArticle } WHERE { ?a a schema:NewsArticle }"
    ).output
    assert len(rdflib.Graph().parse(data=nt, format="nt")) == len(list(EXAMPLES.glob("*.md")))


def test_query_file_and_every_named_query(runner, kg, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Theme }", "utf-8")
    assert json.loads(run(runner, "query", "--store", kg, "--file", rq, "--json").output)[0]["n"] > 0
    listing = json.loads(run(runner, "query", "--list", "--json").output)
    assert {q["name"] for q in listing} >= {"top-themes", "articles-per-month", "signals-of-theme"}
    theme = json.loads(run(runner, "query", "--store", kg, "--name", "top-themes", "--json").output)[0]
    samples = {
        "theme": next(iter(v for k, v in theme.items() if isinstance(v, str) and not v.startswith("http"))),
        "technology": "large language models",
        "topic": "artificial intelligence",
        "article": "https://w3id.org/graphkit/id/article/x",
    }
    for q in listing:
        args = ["query", "--store", kg, "--name", q["name"], "--json"]
        for p in q["params"]:
            args += ["--param", f"{p}={samples[p]}"]
        json.loads(run(runner, *args).output)  # runs and gives valid JSON
    signals = json.loads(
        run(
            runner,
            "query",
            "--store",
            kg,
            "--name",
            "signals-of-theme",
            "--param",
            f"theme={samples['theme']}",
            "--json",
        ).output
    )
    assert signals, "the most frequent theme has signals"


def test_query_errors_are_one_line(runner, kg):
    bad = run(runner, "query", "--store", kg, "SELECT ?x WHERE { ?x ", code=1)
    assert bad.output.startswith("Error: SPARQL syntax error")
    assert "no named query 'nope'" in run(runner, "query", "--store", kg, "--name", "nope", code=1).output
    assert "needs --param theme" in run(runner, "query", "--store", kg, "--name", "signals-of-theme", code=1).output
    assert (
        "NAME=VALUE"
        in run(runner, "query", "--store", kg, "--name", "signals-of-theme", "--param", "theme", code=1).output
    )
    assert "exactly one of" in run(runner, "query", "--store", kg, code=1).output
    missing = run(runner, "query", "--store", kg.parent / "none", "ASK {}", code=1)
    assert "build one first" in missing.output


def test_export_every_format(runner, kg, tmp_path):
    reference = rdflib.Graph().parse(
        data=run(runner, "export", "--store", kg, "--format", "nt").stdout_bytes, format="nt"
    )
    for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld")):
        path = tmp_path / f"out.{fmt}"
        run(runner, "export", "--store", kg, "--format", fmt, "-o", path)
        assert set(rdflib.Graph().parse(path, format=parser)) == set(reference)
    nq = run(runner, "export", "--store", kg, "--format", "nq").stdout_bytes
    ds = rdflib.Dataset().parse(data=nq, format="nquads")
    assert len({g for *_, g in ds.quads((None, None, None, None))}) == len(list(EXAMPLES.glob("*.md"))) + 4
    assert "'xml' is not one of" in run(runner, "export", "--store", kg, "--format", "xml", code=2).output


def test_validate_and_stats(runner, kg):
    assert "conforms" in run(runner, "validate", "--store", kg).output
    report = json.loads(run(runner, "validate", "--store", kg, "--json").output)
    assert report == {"conforms": True, "violations": []}
    stats = json.loads(run(runner, "stats", "--store", kg, "--json").output)
    assert stats["digests"] == len(list(EXAMPLES.glob("*.md")))
    assert stats["entities"]["article"] == stats["digests"]
    assert stats["triples"] <= stats["quads"]
    assert "entities" in run(runner, "stats", "--store", kg).output


def test_store_from_environment(runner, kg, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_STORE", str(kg))
    stats = json.loads(run(runner, "stats", "--json").output)
    assert stats["store"] == str(kg)


def test_rank_and_clusters(runner, kg):
    rows = json.loads(run(runner, "rank", "--store", kg, "--type", "theme", "--top", "3", "--json").output)
    assert len(rows) == 3 and all(r["type"] == "theme" for r in rows)
    assert rows[0]["pagerank"] >= rows[1]["pagerank"] >= rows[2]["pagerank"]
    # the theme shared by three example digests is the most connected one
    top_degree = json.loads(run(runner, "rank", "--store", kg, "--type", "theme", "--by", "degree", "--json").output)[0]
    assert top_degree["label"].lower() == "ai governance" and top_degree["degree"] == 3
    parsed = list(csv.reader(io.StringIO(run(runner, "rank", "--store", kg, "--by", "betweenness", "--csv").output)))
    assert parsed[0][:4] == ["rank", "label", "type", "betweenness"] and len(parsed) == 21
    out = json.loads(run(runner, "clusters", "--store", kg, "--json").output)
    sizes = [c["size"] for c in out["communities"]]
    assert sizes == sorted(sizes, reverse=True) and 0 < out["modularity"] <= 1
    assert all(c["label"] for c in out["communities"])
    table = run(runner, "clusters", "--store", kg, "--min-size", "1000").stdout
    assert table.splitlines()[0].split()[:3] == ["community", "size", "label"] and len(table.splitlines()) == 2
    # same answers twice: fixed seeds
    assert (
        run(runner, "clusters", "--store", kg, "--json").output == json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    )


def test_rank_without_build_time_analysis(runner, tmp_path):
    out = tmp_path / "kg"
    run(runner, "build", EXAMPLES, "--out", out, "--no-analysis")
    rows = json.loads(run(runner, "rank", "--store", out, "--type", "theme", "--by", "degree", "--json").output)
    assert rows[0]["degree"] == 3
    graphs = json.loads(
        run(runner, "query", "--store", out, "--json", "SELECT (COUNT(*) AS ?n) WHERE { ?s gk:pagerank ?p }").output
    )
    assert graphs == [{"n": 0}]  # nothing written back without analysis


def test_write_back_is_queryable(runner, kg):
    rows = json.loads(
        run(
            runner,
            "query",
            "--store",
            kg,
            "--json",
            "SELECT ?l ?pr ?c WHERE { ?t a gk:Theme ; skos:prefLabel ?l ; gk:pagerank ?pr ; gk:community ?c } ORDER BY DESC(?pr) ?l LIMIT 1",
        ).output
    )
    ranked = json.loads(run(runner, "rank", "--store", kg, "--type", "theme", "--top", "1", "--json").output)
    assert rows[0]["l"] == ranked[0]["label"] and rows[0]["pr"] == pytest.approx(ranked[0]["pagerank"])


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_network_exports_for_gephi_and_cytoscape(runner, kg, tmp_path, fmt):
    import networkx as nx

    path = tmp_path / f"kg.{fmt}"
    run(runner, "export", "--store", kg, "--format", fmt, "-o", path)
    g = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(path)
    ranked = json.loads(run(runner, "rank", "--store", kg, "--top", "1", "--json").output)[0]
    node = g.nodes[ranked["iri"]]
    assert node["type"] == ranked["type"] and node["pagerank"] == pytest.approx(ranked["pagerank"])
    assert node["community"] >= 0
    assert sum(1 for _, t in g.nodes(data="type") if t == "article") == len(list(EXAMPLES.glob("*.md")))
    assert "writes a file" in run(runner, "export", "--store", kg, "--format", fmt, code=1).output


def test_community_top_nodes_uses_build_time_ranks(runner, kg):
    rows = json.loads(run(runner, "query", "--store", kg, "--name", "community-top-nodes", "--json").output)
    assert rows
    by_community: dict = {}
    for r in rows:
        by_community.setdefault(r["community"], []).append(r)
    for members in by_community.values():
        assert [m["rank"] for m in members] == list(range(1, len(members) + 1)) and len(members) <= 5
        scores = [m["pagerank"] for m in members]
        assert scores == sorted(scores, reverse=True)
