"""`graphkit related` on a crafted corpus whose right answers are known."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphkit.build import build
from graphkit.cli import main
from graphkit.graph import KnowledgeGraph
from graphkit.search.related import Ambiguous, load_index


def digest(title, date, themes, techs, signals, keyword="energy"):
    rows = "\n".join(f"| {n} | {d} | change | horizon | force | 4 |" for n, d in signals)
    tech_rows = "\n".join(f"| {t} | about {t} | 3 |" for t in techs)
    return (
        f"# __{title}__, (from page [{date}](https://watch.test/p/{date}).)\n\n"
        f"## Keywords\n\n* {keyword}\n\n## Themes\n\n" + "\n".join(f"* {t}" for t in themes) + "\n\n"
        "## Signals\n\n| name | description | change | 10-year | driving-force | relevancy |\n|--|--|--|--|--|--:|\n"
        + rows
        + "\n\n## Technologies\n\n| name | description | relevancy |\n|--|--|--:|\n"
        + tech_rows
        + "\n"
    )


def write_corpus(src):
    (src / "a.md").write_text(
        digest(
            "Kites at sea",
            "20240107",
            ["tidal kites", "marine energy"],
            ["kite turbine"],
            [
                ("Offshore kite farms", "Utilities test tethered kites that harvest tidal currents"),
                ("Grid contracts", "Utilities sign long contracts with marine operators"),
            ],
        ),
        "utf-8",
    )
    (src / "b.md").write_text(
        digest(
            "Tidal kite pilots",
            "20240114",
            ["Tidal Kites", "fisheries"],
            ["Kite turbines"],
            [
                ("Kite turbines under water", "Tethered underwater kites sweep tidal currents for power"),
                ("Fishing conflicts", "Fishers contest new exclusion zones"),
            ],
        ),
        "utf-8",
    )
    (src / "c.md").write_text(
        digest(
            "Bakery robots",
            "20240121",
            ["automation", "food"],
            ["dough robot"],
            [("Robot bakers", "Robots knead dough overnight in small bakeries")],
            keyword="automation",
        ),
        "utf-8",
    )
    (src / "d.md").write_text(
        digest(
            "Marine permits",
            "20240128",
            ["marine energy", "permits"],
            ["permit software"],
            [("Faster marine permits", "Regulators fast-track permits for marine energy pilots")],
        ),
        "utf-8",
    )


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    write_corpus(src)
    out = tmp_path_factory.mktemp("kg")
    build([src], out)
    return out


def test_signal_finds_its_counterpart_and_says_why(kg):
    index = load_index(KnowledgeGraph(kg))
    q, results = index.related("Offshore kite farms", node_type="signal", top=3)
    assert q.endswith("/article/a/signal/1")
    assert results[0].label == "Kite turbines under water"
    assert results[0].graph > 0 and results[0].text > 0
    assert "theme: tidal kites" in [s.lower() for s in results[0].shared]
    assert "technology: kite turbine" in [s.lower() for s in results[0].shared]
    # its own article's other signal is excluded by default, kept on request
    assert "Grid contracts" not in [r.label for r in results]
    _, with_own = index.related("Offshore kite farms", node_type="signal", top=10, include_same_article=True)
    assert "Grid contracts" in [r.label for r in with_own]
    # the bakery signal shares nothing: it is not returned at all
    assert "Robot bakers" not in [r.label for r in index.related("Offshore kite farms", node_type="signal", top=10)[1]]


def test_theme_and_free_text_and_fuzzy(kg):
    index = load_index(KnowledgeGraph(kg))
    q, themes = index.related("tidal kite", node_type="theme", top=3)  # any surface form
    assert q.endswith("/theme/tidal-kite")
    assert themes[0].label in {"marine energy", "fisheries"}
    q, free = index.related("robots kneading bread dough", top=2)
    assert q is None and free[0].label == "Robot bakers" and free[0].graph == 0
    q, _ = index.related("Ofshore kite farm", node_type="signal")  # a typo still resolves
    assert q.endswith("/article/a/signal/1")


def test_ambiguous_names_list_candidates(kg):
    index = load_index(KnowledgeGraph(kg))
    with pytest.raises(Ambiguous) as exc:
        index.related("automation")  # the bakery digest's theme, its keyword, and the topic they link to
    assert {t for _, t, _ in exc.value.candidates} == {"theme", "keyword", "topic"}
    q, _ = index.related("automation", node_type="keyword")  # --type settles it
    assert q.endswith("/keyword/automation")


def test_related_cli(kg):
    runner = CliRunner()
    result = runner.invoke(main, ["related", "Offshore kite farms", "--type", "signal", "--store", str(kg), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["results"][0]["label"] == "Kite turbines under water"
    assert set(data["results"][0]) >= {"score", "graph", "text", "shared", "iri", "article"}
    table = runner.invoke(main, ["related", "Offshore kite farms", "--type", "signal", "--store", str(kg)])
    assert table.exit_code == 0 and "Kite turbines under water" in table.stdout
    csv_out = runner.invoke(main, ["related", "tidal kites", "--type", "theme", "--store", str(kg), "--csv"])
    assert csv_out.stdout.splitlines()[0].startswith("rank,score,graph,text")
    amb = runner.invoke(main, ["related", "automation", "--store", str(kg)])
    assert amb.exit_code == 1 and "matches several items" in amb.output and "--type" in amb.output
    assert "Traceback" not in amb.output


def test_unknown_iri_and_unknown_name(kg):
    runner = CliRunner()
    bad = runner.invoke(main, ["related", "https://w3id.org/graphkit/id/article/nope", "--store", str(kg)])
    assert bad.exit_code == 1 and "no item has the IRI" in bad.output and "Traceback" not in bad.output
    # a name that matches nothing is read as free text, and says so
    free = runner.invoke(main, ["related", "zeppelin logistics", "--store", str(kg), "--json"])
    assert free.exit_code == 0 and json.loads(free.stdout)["resolved"] is None


def test_index_built_on_first_use_without_build_time_analysis(tmp_path):
    from graphkit.search.related import INDEX_NPZ
    from graphkit.store.folder import GraphFolder

    write_corpus(tmp_path)
    out = tmp_path / "lean"
    build([tmp_path], out, analysis=False)
    assert not (GraphFolder(out).current() / INDEX_NPZ).exists()
    _, results = load_index(KnowledgeGraph(out)).related("Offshore kite farms", node_type="signal", top=1)
    assert results[0].label == "Kite turbines under water"
    assert (GraphFolder(out).current() / INDEX_NPZ).exists()  # cached for the next query
