"""graphkit viz: subgraph selection, escaping, offline page, determinism, CLI (no browser here;
see test_browser.py for the page running in Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.build import build
from graphkit.cli import main
from graphkit.graph import KnowledgeGraph
from graphkit.publish import viz
from graphkit_testutil import EXAMPLES, REPO

XSS = REPO / "tests" / "data" / "xss"
HOSTILE = ("<script>", "<img src=x onerror=", '"')


@pytest.fixture(scope="module")
def examples_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "kg"
    build([EXAMPLES], out)
    return out


@pytest.fixture(scope="module")
def xss_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz-xss") / "kg"
    build([XSS], out)
    return out


def run(*args, code=0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def page_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


# -- selection on hand-made projections -----------------------------------------------------------


def _proj():
    """Two articles (2023, 2024) sharing a theme; each has a keyword and a signal; one undated."""
    return {
        "nodes": [
            ["a1", "article", "First", "2023-05-07", None],
            ["a2", "article", "Second", "2024-02-04", None],
            ["a3", "article", "Undated", None, None],
            ["k1", "keyword", "kw one", None, None],
            ["k2", "keyword", "kw two", None, None],
            ["s1", "signal", "Signal one", None, 5],
            ["s2", "signal", "Signal two", None, 2],
            ["t", "theme", "Shared theme", None, None],
            ["t3", "theme", "Lonely theme", None, None],
            ["x", "actor", "ACME", None, None],
        ],
        "edges": [
            ["a1", "k1", 0.5],
            ["a1", "s1", 1.0],
            ["a1", "t", 1.0],
            ["a2", "k2", 0.5],
            ["a2", "s2", 1.0],
            ["a2", "t", 1.0],
            ["a2", "x", 1.0],
            ["a3", "t3", 1.0],
        ],
    }


def _analysis():
    pr = {"a1": 0.2, "a2": 0.25, "a3": 0.05, "k1": 0.05, "k2": 0.05, "t": 0.3, "t3": 0.05, "x": 0.05}
    return {
        "scores": {"pagerank": pr},
        "communities": [["a1", "k1", "t"], ["a2", "k2", "x"], ["a3", "t3"]],
        "labels": {"0": "Shared theme", "1": "ACME", "2": "Lonely theme"},
    }


def ids(view):
    return [n["iri"] for n in view["nodes"]]


def test_select_ranks_by_pagerank_and_rows_get_their_articles_rank():
    view = viz.select_subgraph(_proj(), _analysis(), top=0)
    assert ids(view)[:2] == ["t", "a2"]
    scores = {n["iri"]: n["score"] for n in view["nodes"]}
    # a row's estimate: 0.85 x its article's rank x its share of the article's links, + teleport
    assert scores["s1"] == pytest.approx(0.85 * 0.2 * 1.0 / 2.5 + 0.15 / 8)
    community = {n["iri"]: n["community"] for n in view["nodes"]}
    assert community["s1"] == 0 and community["s2"] == 1  # rows join their article's community
    assert view["types"] == ["actor", "article", "keyword", "signal", "theme"]  # from the data
    assert not view["capped"] and view["total_nodes"] == 10


def test_select_top_caps_and_keeps_strongest_links():
    view = viz.select_subgraph(_proj(), _analysis(), top=3)
    assert view["capped"] and view["total_nodes"] == 10 and len(view["nodes"]) == 3
    assert ids(view) == ["t", "a2", "a1"]
    assert view["edges"] == [["a1", "t", 1.0, 0], ["a2", "t", 1.0, 0]]
    one = viz.select_subgraph(_proj(), _analysis(), top=0, max_links=1)
    # every node keeps its strongest link; an edge stays when either end keeps it
    linked = {n for e in one["edges"] for n in e[:2]}
    assert linked == {n["iri"] for n in one["nodes"]}


def test_select_links_nodes_through_articles_left_out():
    analysis = _analysis()
    analysis["scores"]["pagerank"].update(k1=0.9, k2=0.8, t=0.7)
    view = viz.select_subgraph(_proj(), analysis, top=3)
    assert ids(view) == ["k1", "k2", "t"]
    # k1 and t share a1 (weight: the weaker link, 0.5), k2 and t share a2; both capped out
    assert view["edges"] == [["k1", "t", 0.5, 1], ["k2", "t", 0.5, 1]]
    data = viz.page_data(view, analysis=analysis)
    assert any("Dashed links (2)" in line for line in data["meta"]["notice"])


def test_select_dates_drop_undated_articles_and_orphans():
    view = viz.select_subgraph(_proj(), _analysis(), since="2024", top=0)
    assert sorted(ids(view)) == ["a2", "k2", "s2", "t", "x"]
    assert view["filters"]["since"] == "2024-01-01"
    view = viz.select_subgraph(_proj(), _analysis(), until="2023-05", top=0)
    assert sorted(ids(view)) == ["a1", "k1", "s1", "t"]
    assert viz.select_subgraph(_proj(), _analysis(), since="2023-05-08", until="2024-02-03")["nodes"] == []
    with pytest.raises(viz.VizError, match="after"):
        viz.select_subgraph(_proj(), since="2025", until="2024")
    for bad in ("2024/01", "24", "2024-13", "2023-02-29"):
        with pytest.raises(viz.VizError, match="is not a date or period; use YYYY, YYYY-MM, YYYY-MM-DD"):
            viz.select_subgraph(_proj(), since=bad)


def test_date_bounds():
    assert viz.date_bound("2024") == "2024-01-01"
    assert viz.date_bound("2024", end=True) == "2024-12-31"
    assert viz.date_bound("2023-02", end=True) == "2023-02-28"
    assert viz.date_bound(" 2024-06-09 ") == "2024-06-09"
    assert viz.date_bound("2024-W01", end=True) == "2024-01-07"


def test_select_min_relevancy_drops_low_and_unknown_rows():
    proj = _proj()
    proj["nodes"].append(["s3", "signal", "No relevancy", None, None])
    proj["edges"].append(["a1", "s3", 1.0])
    view = viz.select_subgraph(proj, _analysis(), min_relevancy=4, top=0)
    assert "s1" in ids(view) and "s2" not in ids(view) and "s3" not in ids(view)
    assert "t" in ids(view)  # concepts have no relevancy: kept


def test_select_types_without_articles_links_by_shared_article():
    view = viz.select_subgraph(_proj(), _analysis(), types=["theme", "signal", "actor"], top=0)
    assert sorted(ids(view)) == ["s1", "s2", "t", "t3", "x"]
    assert view["cooccurrence"]
    assert view["edges"] == [["s1", "t", 1.0, 1], ["s2", "t", 1.0, 1], ["s2", "x", 1.0, 1], ["t", "x", 1.0, 1]]
    induced = viz.select_subgraph(_proj(), _analysis(), types=["article", "theme"], top=0)
    assert not induced["cooccurrence"] and all({a[0], b[0]} == {"a", "t"} and k == 0 for a, b, _, k in induced["edges"])
    with pytest.raises(viz.VizError, match="no node of type 'organisation'.*actor, article"):
        viz.select_subgraph(_proj(), types=["organisation"])


def test_select_around_by_name_iri_and_depth():
    view = viz.select_subgraph(_proj(), _analysis(), around="Shared-themes", depth=1)
    assert view["center"] == "t" and sorted(ids(view)) == ["a1", "a2", "t"]
    assert ids(view)[0] == "t"  # nearest first
    deeper = viz.select_subgraph(_proj(), _analysis(), around="t", depth=2, top=4)
    assert ids(deeper) == ["t", "a2", "a1", "s1"] and deeper["capped"]  # nearest, then PageRank
    # every node keeps a link towards the centre, even with one link per node
    thin = viz.select_subgraph(_proj(), _analysis(), around="t", depth=2, top=0, max_links=1)
    assert {"a1", "t"} <= {n for e in thin["edges"] for n in e[:2]}
    assert viz.select_subgraph(_proj(), _analysis(), around="acm")["center"] == "x"  # the only label containing it
    with pytest.raises(viz.VizError, match="no node named 'nothing like it'.*graphkit related"):
        viz.select_subgraph(_proj(), around="nothing like it")
    with pytest.raises(viz.VizError, match="matches 2 nodes.*the type too: --around 'signal:signal'"):
        viz.select_subgraph(_proj(), around="signal")
    proj = _proj()
    proj["nodes"].append(["kx", "keyword", "ACME", None, None])
    proj["edges"].append(["a1", "kx", 0.5])
    with pytest.raises(viz.VizError, match="matches 2 nodes"):
        viz.select_subgraph(proj, around="ACME")
    assert viz.select_subgraph(proj, around="actor:ACME")["center"] == "x"
    assert viz.select_subgraph(proj, around="keyword: acme")["center"] == "kx"
    with pytest.raises(viz.VizError, match="filtered out"):
        viz.select_subgraph(_proj(), around="t", types=["article"])


# -- the page -------------------------------------------------------------------------------------


def test_colors_fixed_palette_with_actor_and_fallback():
    assert viz.TYPE_COLORS["actor"] and len(set(viz.TYPE_COLORS.values())) == len(viz.TYPE_COLORS)
    proj = _proj()
    proj["nodes"].append(["z", "gadget", "A new node type", None, None])
    proj["edges"].append(["a1", "z", 1.0])
    data = viz.page_data(viz.select_subgraph(proj, _analysis(), top=0), analysis=_analysis())
    colors = {n["type"]: n["color"] for n in data["nodes"]}
    assert colors["actor"] == viz.TYPE_COLORS["actor"] and colors["gadget"] == viz.FALLBACK_COLOR
    assert [t["type"] for t in data["types"]] == sorted(colors)
    by_comm = viz.page_data(viz.select_subgraph(proj, _analysis(), top=0), analysis=_analysis(), color_by="community")
    assert {c["label"] for c in by_comm["communities"]} >= {"Shared theme", "ACME"}
    sizes = {n["iri"]: n["value"] for n in by_comm["nodes"]}
    assert sizes["t"] == 1.0 and 0 < sizes["s2"] < sizes["a2"] < 1.0


def test_script_json_escapes_everything_that_could_end_the_block():
    hostile = '</script><script>alert(1)</script><!-- & \u2028\u2029 "'
    text = viz._script_json({"label": hostile})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == {"label": hostile}


def test_page_is_offline_self_contained_and_deterministic(examples_kg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pyvis must not create lib/ in the working directory
    run("viz", "--store", examples_kg, "-o", "one.html")
    run("viz", "--store", examples_kg, "-o", "two.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.html", "two.html"]
    one, two = Path("one.html").read_bytes(), Path("two.html").read_bytes()
    assert one == two
    page = one.decode("utf-8")
    # nothing is loaded from anywhere: no src/href attribute, no @import or url() but data:
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page, re.I)
    assert not re.search(r"@import|url\((?!\"?data:)", page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "unsafe-eval" not in csp
    data = page_json(page)
    assert data["options"]["layout"]["randomSeed"] == viz.LAYOUT_SEED
    total = len(KnowledgeGraph(examples_kg).projection()["nodes"])
    shown = min(total, viz.DEFAULT_TOP)
    assert data["meta"]["shown"] == len(data["nodes"]) == shown and data["meta"]["capped"] == (total > shown)
    assert "vis-network" in page and "graphkit.stabilized" not in page.split("</head>")[0]


def test_page_escapes_hostile_digest(xss_kg, tmp_path):
    out = tmp_path / "xss.html"
    run("viz", "--store", xss_kg, "-o", out)
    page = out.read_text("utf-8")
    _head, rest = page.split('<script type="application/json" id="gk-data">', 1)
    block = rest.split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert page.count("<script") - page.count('"<script>"+t+"</"+"script>"') == 3  # data, vis, app: no extra
    labels = {}
    for n in page_json(page)["nodes"]:
        labels.setdefault(n["type"], []).append(n["label"])
    # the hostile strings reach the page intact, as data: in a title, keywords, a theme, a signal name
    for t in ("article", "signal"):
        assert any(all(h in label for h in HOSTILE) for label in labels[t]), labels[t]
    assert any("<img src=x onerror=" in k for k in labels["keyword"]) and any(
        '"><script>' in k for k in labels["keyword"]
    )
    assert any("<script>" in k for k in labels["theme"])
    article = next(n for n in page_json(page)["nodes"] if n["type"] == "article")
    assert article["facts"]["url"].startswith("javascript:")  # kept as data; the page never makes it a link
    signal = next(n for n in page_json(page)["nodes"] if n["type"] == "signal" and "<svg" in n["facts"]["description"])
    assert set(signal["facts"]) == {"description", "change", "horizon", "driving_force"}
    assert signal["relevancy"] == 5
    assert "innerHTML" not in page.split("</head>")[1].split('id="gk-data"')[0]
    app_js = (REPO / "graphkit" / "publish" / "templates" / "viz.js").read_text("utf-8")
    assert "innerHTML" not in app_js and "insertAdjacentHTML" not in app_js and "document.write" not in app_js


def test_cli_filters_and_summary(examples_kg, tmp_path):
    out = tmp_path / "g.html"
    res = run("viz", "--store", examples_kg, "-o", out, "--top", 50, "--json")
    summary = json.loads(res.stdout)
    total = len(KnowledgeGraph(examples_kg).projection()["nodes"])
    assert summary["nodes"] == 50 and summary["total_nodes"] == total and summary["capped"]
    notice = " ".join(page_json(out.read_text("utf-8"))["meta"]["notice"])
    assert f"Showing 50 of {total} nodes" in notice and "--top" in notice and "--around" in notice
    res = run(
        "viz",
        "--store",
        examples_kg,
        "-o",
        out,
        "--around",
        "AI governance",
        "--depth",
        1,
        "--json",
        "--color-by",
        "community",
    )
    summary = json.loads(res.stdout)
    assert summary["nodes"] == 4 and summary["center"].endswith("/theme/ai-governance")
    data = page_json(out.read_text("utf-8"))
    assert data["meta"]["center"] == 0 and data["meta"]["colorBy"] == "community"
    run(
        "viz",
        "--store",
        examples_kg,
        "-o",
        out,
        "--types",
        "theme,technology",
        "--since",
        "2024",
        "--until",
        "2024-12",
        "--min-relevancy",
        4,
    )
    types = {n["type"] for n in page_json(out.read_text("utf-8"))["nodes"]}
    assert types == {"theme", "technology"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--around", "no such node anywhere"], "no node named"),
        (["--depth", "2"], "--depth needs --around"),
        (["--types", "theme,gizmo"], "no node of type 'gizmo'"),
        (["--since", "last year"], "is not a date or period; use YYYY, YYYY-MM, YYYY-MM-DD"),
        (["--since", "2025", "--until", "2024"], "is after"),
    ],
)
def test_cli_errors_are_one_line(examples_kg, tmp_path, args, message):
    res = run("viz", "--store", examples_kg, "-o", tmp_path / "x.html", *args, code=1)
    assert message in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_missing_store_is_a_one_line_error(tmp_path):
    res = run("viz", "--store", tmp_path / "nothing", "-o", tmp_path / "x.html", code=1)
    assert len(res.output.strip().splitlines()) == 1


def test_write_is_atomic(examples_kg, tmp_path, monkeypatch):
    out = tmp_path / "g.html"
    out.write_text("previous page")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        viz.write_html(KnowledgeGraph(examples_kg), out)
    assert out.read_text() == "previous page" and [p.name for p in tmp_path.iterdir()] == ["g.html"]


def test_sparql_link_is_checked_and_embedded(examples_kg, tmp_path):
    out = tmp_path / "g.html"
    run("viz", "--store", examples_kg, "-o", out, "--sparql-url", "http://127.0.0.1:7878/")
    assert page_json(out.read_text("utf-8"))["meta"]["sparql"] == "http://127.0.0.1:7878/"
    for bad in ("javascript:alert(1)", 'http://x/"><script>'):
        res = run("viz", "--store", examples_kg, "-o", tmp_path / "bad.html", "--sparql-url", bad, code=1)
        assert "--sparql-url" in res.output and "http(s) URL" in res.output
    assert not (tmp_path / "bad.html").exists()
