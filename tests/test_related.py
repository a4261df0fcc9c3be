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


# -- evidence, explanations and bad input --------------------------------------------------------


def test_results_explain_their_evidence(kg):
    _, results = load_index(KnowledgeGraph(kg)).related("Offshore kite farms", node_type="signal", top=3)
    top = results[0]
    assert top.evidence in {"text", "semantic", "graph"}
    assert "kite" in top.terms and "tidal" in top.terms  # lemmas: "kites" and "kite" meet
    assert 0 < top.semantic <= 1
    assert top.as_dict()["terms"] == top.terms


def test_concepts_meet_only_across_different_articles(kg):
    index = load_index(KnowledgeGraph(kg))
    # "tidal kites" and "marine energy" are themes of article a only together: siblings, no
    # graph evidence (the old score gave every sibling of one article a graph score).
    _, results = index.related("marine energy", node_type="theme", top=10)
    siblings = [r for r in results if r.label.lower() == "tidal kites"]
    assert all(r.graph == 0 and r.shared == [] for r in siblings)
    # The keyword "energy" (articles a, b, d) meets the theme "marine energy" (a, d) in 2 articles.
    _, results = index.related("energy", node_type="keyword", target_type="theme", top=10)
    marine = next(r for r in results if r.label == "marine energy")
    assert marine.graph > 0 and marine.shared == ["articles: 2 together"]


def test_empty_and_huge_queries(kg):
    import time

    runner = CliRunner()
    empty = runner.invoke(main, ["related", "   ", "--store", str(kg)])
    assert empty.exit_code == 1 and "empty" in empty.output and "Traceback" not in empty.output
    huge = ("tethered kites harvest tidal currents near the coast " * 2000)[:100_000]
    started = time.perf_counter()
    out = runner.invoke(main, ["related", huge, "--store", str(kg), "--json", "--top", "3"])
    assert out.exit_code == 0, out.output
    assert time.perf_counter() - started < 2.0
    assert json.loads(out.stdout)["results"][0]["label"] in {"Offshore kite farms", "Kite turbines under water"}


def test_unknown_name_of_a_type_lists_the_closest(kg):
    runner = CliRunner()
    out = runner.invoke(main, ["related", "tidal kits energy", "--type", "theme", "--store", str(kg)])
    assert out.exit_code == 1 and "no theme is named" in out.output and "Traceback" not in out.output
    assert "'tidal kites'" in out.output.lower() and "drop --type" in out.output


def test_embedder_choice_and_a_bad_one(tmp_path):
    from graphkit.search.embed import EmbedderError
    from graphkit.store.folder import GraphFolder

    write_corpus(tmp_path)
    out = tmp_path / "kg"
    build([tmp_path], out, embedder="none")
    _, results = load_index(KnowledgeGraph(out)).related("Offshore kite farms", node_type="signal", top=1)
    assert results[0].label == "Kite turbines under water" and results[0].semantic == 0
    before = GraphFolder(out).current()
    with pytest.raises(EmbedderError):
        build([tmp_path], out, embedder=str(tmp_path / "no-such-model.npz"))
    assert GraphFolder(out).current() == before  # nothing built, nothing lost
    cli = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(out), "--embedder", "no/such-model"])
    assert cli.exit_code == 1 and "Traceback" not in cli.output


def test_real_articles_share_topics_and_concepts_never_siblings(real_kg):
    index = load_index(KnowledgeGraph(real_kg))
    articles = [i for i, t in zip(index.iris, index.types) if t == "article"]
    shared_types = set()
    for iri in articles[:15]:
        _, results = index.related(iri, target_type="article", top=5)
        assert len(results) == 5
        for r in results:
            assert r.article is None and r.evidence
            shared_types |= {s.split(":", 1)[0] for s in r.shared}
    assert "topic" in shared_types  # concepts now meet through the topic layer
    keywords = [i for i, t in zip(index.iris, index.types) if t == "keyword"]
    for iri in keywords[:40]:
        _, results = index.related(iri, top=10)
        for r in results:
            if r.graph > 0:  # graph evidence only from meeting in 2+ different articles
                n = int(r.shared[0].split(":")[1].split()[0])
                assert n >= 2, (iri, r)


@pytest.fixture(scope="module")
def real_kg(tmp_path_factory):
    from graphkit_testutil import corpus_path

    out = tmp_path_factory.mktemp("real-related")
    build([corpus_path()], out, actors=False)
    return out


def test_update_reuses_embeddings_and_equals_a_full_build(tmp_path, monkeypatch):
    """A weekly update embeds only the new texts, and its index is the full build's, bit for bit."""
    import shutil

    import numpy as np

    from graphkit.search.embed import StaticEmbedder
    from graphkit.search.related import INDEX_JSON, INDEX_NPZ
    from graphkit.store.folder import GraphFolder
    from graphkit_testutil import corpus_path

    digests = tmp_path / "digests"
    shutil.copytree(corpus_path(), digests)
    later = sorted(digests.glob("*.md"))[-3:]
    held = tmp_path / "held"
    held.mkdir()
    for f in later:
        f.rename(held / f.name)
    build([digests], tmp_path / "kg", actors=False, jobs=1)
    embedded: list[int] = []
    encode = StaticEmbedder.encode

    def counting(self, texts, **kw):
        embedded.append(len(texts))
        return encode(self, texts, **kw)

    monkeypatch.setattr(StaticEmbedder, "encode", counting)
    for f in later:
        (held / f.name).rename(f)
    assert build([digests], tmp_path / "kg", actors=False, jobs=1).added == 3
    new_texts = embedded[-1]
    assert 3 <= new_texts < 200  # the 3 articles and the concepts new to the graph, not ~3,000 texts
    embedded.clear()
    build([digests], tmp_path / "full", actors=False, jobs=1)
    assert embedded[-1] > 10 * new_texts
    update, full = (np.load(GraphFolder(tmp_path / d).live() / INDEX_NPZ) for d in ("kg", "full"))
    assert update.files == full.files
    for name in full.files:
        assert np.array_equal(update[name], full[name]), name
    metas = [(GraphFolder(tmp_path / d).live() / INDEX_JSON).read_bytes() for d in ("kg", "full")]
    assert metas[0] == metas[1]


def test_term_counts_number_terms_in_word_order_on_real_texts():
    """The counts of the real digests' texts equal a plain word-by-word count: terms numbered in
    the sorted order of the words that give them, whatever order the texts bring the words in."""
    from collections import Counter

    from graphkit.ingest.parse import parse_file
    from graphkit.search.related import _WORD, _count_matrix, _term
    from graphkit_testutil import corpus_path

    docs = []
    for path in sorted(corpus_path().glob("*.md"))[:40]:
        d = parse_file(path)
        docs.append(d.summary or "")
        docs.extend(row.description or "" for kind in ("signals", "concerns") for row in d.rows(kind))
    vocab: dict[str, int] = {"already": 0}  # a term of an earlier call keeps its number
    rows, cols, vals = _count_matrix(docs, vocab)
    expected_vocab: dict[str, int] = {"already": 0}
    for w in sorted({w for doc in docs for w in _WORD.findall(doc)}):
        if _term(w) is not None:
            expected_vocab.setdefault(_term(w), len(expected_vocab))
    assert vocab == expected_vocab and len(vocab) > 500
    got = Counter(zip(rows.tolist(), cols.tolist()))
    expected = Counter(
        (i, expected_vocab[_term(w)]) for i, doc in enumerate(docs) for w in _WORD.findall(doc) if _term(w) is not None
    )
    assert got == expected and vals.sum() == sum(expected.values())
    empty = _count_matrix(["", "the of"], {})
    assert [len(a) for a in empty] == [0, 0, 0]
