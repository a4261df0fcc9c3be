"""The topic layer: the shipped scheme, linking in layers, user curation, bad topics files, and
topics in the graph, the network, trends and the CLI."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.build import build
from graphkit.cli import main
from graphkit.extract.topics import (
    BROADER,
    EXACT,
    MAX_DEPTH,
    TOP_CONCEPTS,
    TopicError,
    find_acronyms,
    learned_pairs,
    link_concepts,
    link_label,
    load_topics,
    topic_key,
)
from graphkit.graph import KnowledgeGraph
from graphkit_testutil import EXAMPLES, corpus_path

HEADER = "# __{title}__, (from page [2024010{day}](https://x.test/p/2024010{day}).)\n\n"


@pytest.fixture(scope="module")
def scheme():
    return load_topics()


def digest(folder: Path, name: str, title: str, *, themes=(), keywords=(), summary="", day=7) -> Path:
    text = HEADER.format(title=title, day=day)
    if keywords:
        text += "## Keywords\n\n" + "".join(f"* {k}\n" for k in keywords) + "\n"
    if themes:
        text += "## Themes\n\n" + "".join(f"* {t}\n" for t in themes) + "\n"
    if summary:
        text += f"## Summary\n\n{summary}\n"
    path = folder / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# -- the shipped scheme -------------------------------------------------------------------------


def test_shipped_scheme_is_a_steep_tree_with_bilingual_labels(scheme):
    topics = scheme.topics
    assert len(topics) >= 400
    assert sorted(t.id for t in topics.values() if not t.broader) == sorted(TOP_CONCEPTS)
    for t in topics.values():
        assert t.en and t.fr and t.definition, t.id
        assert all(p in topics for p in t.broader), t.id
        depth, node = 0, t.id
        while topics[node].broader:
            node, depth = topics[node].broader[0], depth + 1
        assert depth <= MAX_DEPTH, t.id
    per_top = Counter(scheme.top_of(t) for t in topics if t not in TOP_CONCEPTS)
    assert all(per_top[top] >= 40 for top in TOP_CONCEPTS), per_top


def test_no_label_or_alias_names_two_topics(scheme):
    owners: dict[str, set] = {}
    for t in scheme.topics.values():
        for text, _, _ in t.labels():
            owners.setdefault(topic_key(text), set()).add(t.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared, sorted(shared.items())[:10]


@pytest.mark.parametrize(
    "labels",
    [
        ["AI", "Artificial Intelligence", "IA", "intelligence artificielle", "artificial intelligence (AI)"],
        ["large language models", "LLM", "LLMs", "grands modèles de langage", "Large Language Model"],
    ],
    ids=["ai", "llm"],
)
def test_english_french_and_acronym_labels_end_in_one_topic(scheme, labels):
    links = [link_label(label, scheme) for label in labels if "(" not in label]
    assert all(len(ls) == 1 and ls[0].relation == EXACT for ls in links), links
    assert len({ls[0].topic for ls in links}) == 1


def test_a_phrase_is_narrower_than_the_topics_it_names_never_merged(scheme):
    links = link_label("Impact of AI on freelancers", scheme)
    assert {(link.topic, link.relation, link.method) for link in links} == {
        ("artificial-intelligence", BROADER, "part"),
        ("freelancing", BROADER, "part"),
    }
    # Short capitalised aliases match only words in capitals: "ai" in a sentence is not AI.
    assert not any(link.topic == "artificial-intelligence" for link in link_label("the rise of ai ethics", scheme))
    # Words that name nothing on their own do not link.
    assert link_label("impact and future", scheme) == []


def test_acronyms_spelled_out_in_the_corpus(scheme):
    text = "Banks test central bank digital currencies (CBDCs); l'intelligence artificielle (IA) aussi."
    assert find_acronyms(text) == [("CBDCs", "central bank digital currencies"), ("IA", "intelligence artificielle")]
    learned = learned_pairs([("QDX", "quantum dot displays")])
    assert learned == {topic_key("QDX"): topic_key("quantum dot displays"), topic_key("quantum dot displays"): "qdx"}


# -- in a build --------------------------------------------------------------------------------


@pytest.fixture
def ai_corpus(tmp_path) -> Path:
    folder = tmp_path / "digests"
    digest(folder, "a1", "One", themes=["AI", "Impact of AI on freelancers"], keywords=["LLMs"], day=1)
    digest(folder, "a2", "Two", themes=["Artificial Intelligence"], keywords=["grands modèles de langage"], day=2)
    digest(folder, "a3", "Three", themes=["IA"], keywords=["large language models"], day=3)
    digest(
        folder,
        "a4",
        "Four",
        themes=["intelligence artificielle", "quantum dot displays"],
        day=4,
        summary="Screens built on quantum dot displays (QDDs) are brighter.",
    )
    digest(folder, "a5", "Five", keywords=["QDD", "hopepunk"], day=5)
    return folder


def test_built_graph_links_every_surface_form_to_one_topic(tmp_path, ai_corpus):
    out = tmp_path / "kg"
    build([ai_corpus], out, analysis=False, actors=False)
    kg = KnowledgeGraph(out)
    rows = kg.query(
        "SELECT ?label ?topic ?method WHERE { ?c skos:exactMatch ?t ; skos:prefLabel ?label . ?t skos:notation ?topic ."
        " ?l gk:linkSource ?c ; gk:linkTarget ?t ; gk:linkMethod ?method } ORDER BY ?label"
    ).rows
    by_label = {label: (topic, method) for label, topic, method in rows}
    for label in ("AI", "Artificial Intelligence", "IA", "intelligence artificielle"):
        assert by_label[label][0] == "artificial-intelligence", label
    for label in ("LLMs", "grands modèles de langage", "large language models"):
        assert by_label[label][0] == "large-language-models", label
    narrower = kg.query(
        "SELECT ?t WHERE { ?c skos:prefLabel 'Impact of AI on freelancers' ; skos:broader ?x . ?x skos:notation ?t }"
    ).rows
    assert sorted(r[0] for r in narrower) == ["artificial-intelligence", "freelancing"]
    # Four articles reach AI: one through a phrase, three through a label or an alias.
    arts = kg.named("articles-of-topic", {"topic": "artificial-intelligence"}).records()
    assert len({r["article"] for r in arts}) == 4
    assert (
        len({r["article"] for r in kg.named("articles-of-topic", {"topic": "intelligence artificielle"}).records()})
        == 4
    )


def test_user_topics_file_adds_curates_and_relinks_without_reparsing(tmp_path, ai_corpus):
    out = tmp_path / "kg"
    first = build([ai_corpus], out, analysis=False, actors=False)
    mine = tmp_path / "my-topics.yaml"
    mine.write_text(
        "topics:\n"
        "  quantum-dot-displays:\n"
        "    en: quantum dot displays\n"
        "    fr: écrans à boîtes quantiques\n"
        "    broader: technological\n"
        "  hopepunk: {en: hopepunk, fr: hopepunk, broader: social, definition: Fiction of radical hope.}\n"
        "not_same:\n"
        "  - [IA, artificial-intelligence]\n",
        "utf-8",
    )
    second = build([ai_corpus], out, analysis=False, actors=False, topics=[mine])
    assert not second.noop and second.added == second.changed == 0 and "parse" not in second.stages
    assert first.stages["parse"] > 0
    kg = KnowledgeGraph(out)
    exact = dict(
        kg.query("SELECT ?label ?t WHERE { ?c skos:exactMatch ?x ; skos:prefLabel ?label . ?x skos:notation ?t }").rows
    )
    assert exact["quantum dot displays"] == "quantum-dot-displays"
    assert exact["QDD"] == "quantum-dot-displays"  # learned from "quantum dot displays (QDDs)" in a summary
    assert exact["hopepunk"] == "hopepunk"
    assert "IA" not in exact  # vetoed by not_same; the other spellings keep their link
    assert exact["intelligence artificielle"] == "artificial-intelligence"
    method = kg.query("SELECT ?m WHERE { ?l gk:linkSource ?c ; gk:linkMethod ?m . ?c skos:prefLabel 'QDD' }").rows
    assert method == [["acronym"]]
    # Unchanged topics file and digests: nothing to do.
    assert build([ai_corpus], out, analysis=False, actors=False, topics=[mine]).noop


def test_topics_file_that_links_nothing_is_a_warning(tmp_path, ai_corpus):
    idle = tmp_path / "idle.yaml"
    idle.write_text("topics:\n  zeppelins: {en: zeppelins, fr: zeppelins, broader: technological}\n", "utf-8")
    report = build([ai_corpus], tmp_path / "kg", analysis=False, actors=False, topics=[idle])
    (warning,) = [p for p in report.problems if p.path == str(idle)]
    assert "links nothing" in warning.message and warning.level == "warning"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("topics:\n  a-topic: {en: x, broader: social\n", None, "not valid YAML"),
        ("topics:\n  kite-drones:\n    fr: drones cerfs-volants\n    broader: technological\n", 2, "no English label"),
        ("topics:\n  one: {en: one, broader: two}\n  two: {en: two, broader: one}\n", 2, "cycle"),
        ("topics:\n  orphan: {en: orphan, broader: no-such-topic}\n", 2, "unknown parent"),
        ("topics:\n  Bad Id: {en: bad, broader: social}\n", 2, "topic id"),
        ("topics:\n  x: {en: x, broader: social}\n  x: {en: y, broader: social}\n", 3, "defined twice"),
        ("same_as:\n  - [Gen AI, no-such-topic]\n", 2, "unknown topic"),
    ],
    ids=["yaml", "no-label", "cycle", "unknown-parent", "bad-id", "duplicate", "same-as-unknown"],
)
def test_bad_topics_file_is_one_line_naming_file_and_line_and_builds_nothing(tmp_path, text, line, words):
    bad = tmp_path / "bad-topics.yaml"
    bad.write_text(text, "utf-8")
    with pytest.raises(TopicError, match=words) as err:
        load_topics([bad])
    message = str(err.value)
    assert message.startswith(f"{bad}:{line}:" if line else f"{bad}"), message
    out = tmp_path / "kg"
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--out", str(out), "--topics", str(bad), "-q"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {bad}")
    assert not out.exists() or not any(out.glob("gen-*"))


# -- topics in the rest of graphkit -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("topics") / "kg"
    build([corpus_path()], out, actors=False)
    return out


def test_rank_trends_clusters_and_topics_command_on_the_real_corpus(corpus_kg):
    runner = CliRunner()
    ranked = json.loads(runner.invoke(main, ["rank", "--type", "topic", "--store", str(corpus_kg), "--json"]).output)
    assert ranked and all(r["type"] == "topic" for r in ranked)
    assert ranked[0]["label"] == "artificial intelligence"
    trends = runner.invoke(main, ["trends", "--store", str(corpus_kg), "--period", "year", "--json"])
    assert trends.exit_code == 0, trends.output
    data = json.loads(trends.output)
    assert data["by"] == "topic" and data["items"]
    clusters = json.loads(runner.invoke(main, ["clusters", "--store", str(corpus_kg), "--json"]).output)
    assert any(m["type"] == "topic" for c in clusters["communities"] for m in c["top"])
    report = runner.invoke(main, ["topics", "--store", str(corpus_kg), "--json", "--suggest"])
    assert report.exit_code == 0, report.output
    summary = json.loads(report.output)
    assert summary["coverage"]["theme"]["links"] > 0
    assert 0 < summary["coverage"]["theme"]["reached"] <= summary["coverage"]["theme"]["linked"] <= 1
    assert set(summary["methods"]) <= {"curated", "label", "alias", "example", "acronym", "part"}
    assert all(s["method"] == "char-3gram" for s in summary["suggestions"])
    text = runner.invoke(main, ["topics", "--store", str(corpus_kg)]).output
    assert "Coverage" in text and "Technological" in text


def test_topic_counts_agree_between_cache_projection_and_sparql(corpus_kg):
    from graphkit.network.project import projection_data
    from graphkit.timeline.trends import records_from_cache, records_from_store

    kg = KnowledgeGraph(corpus_kg)
    assert kg.projection() == projection_data(kg.store)

    def topics_of(records):
        return {r["iri"]: sorted(i[1] for i in r["items"] if i[0] == "topic") for r in records}

    cached = topics_of(records_from_cache(kg))
    assert cached == topics_of(records_from_store(kg))
    assert sum(map(len, cached.values())) > len(cached)  # most articles reach a topic


def test_linking_is_deterministic(scheme):
    forms = {
        "https://w3id.org/graphkit/id/theme/ai": Counter({"AI": 3, "ai": 1}),
        "https://w3id.org/graphkit/id/theme/ai-in-farming": Counter({"AI in farming": 1}),
    }
    base = "https://w3id.org/graphkit/id/"
    first = link_concepts(forms, scheme, {}, base)
    assert first == link_concepts(dict(reversed(list(forms.items()))), scheme, {}, base)
    assert [link.method for link in first["https://w3id.org/graphkit/id/theme/ai"]] == ["alias"]


def test_copy_of_examples_builds_with_topics(tmp_path):
    folder = tmp_path / "digests"
    shutil.copytree(EXAMPLES, folder)
    report = build([folder], tmp_path / "kg")
    assert report.entities["topic"] >= 400 and "topics" in report.stages


def test_the_parsed_scheme_is_cached_per_user_and_never_stale(tmp_path, monkeypatch):
    """The second load reads the per-user cache and gives the same scheme; a changed topics file,
    a corrupt entry or a cache turned off give a freshly parsed one."""
    from graphkit.core import cache
    from graphkit.extract import topics as T

    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    user = tmp_path / "mine.yaml"
    user.write_text("topics:\n  kite-energy:\n    en: kite energy\n    broader: [technological]\n", "utf-8")
    fresh = T._load.__wrapped__((str(user),), True)
    entries = list((tmp_path / "cache").glob("topics-*.pickle"))
    assert len(entries) == 1
    again = T._load.__wrapped__((str(user),), True)
    assert again is not fresh and again.keys == fresh.keys and again.digest == fresh.digest
    assert again.topics.keys() == fresh.topics.keys() and again.generic == fresh.generic
    assert T.link_label("kite energy", again)[0].topic == "kite-energy"
    user.write_text("topics:\n  kite-power:\n    en: kite power\n    broader: [technological]\n", "utf-8")
    changed = T._load.__wrapped__((str(user),), True)
    assert "kite-power" in changed.topics and "kite-energy" not in changed.topics
    assert [p.name for p in (tmp_path / "cache").glob("topics-*.pickle")] != [e.name for e in entries]
    for entry in (tmp_path / "cache").glob("topics-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert T._load.__wrapped__((str(user),), True).keys == changed.keys
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert T._load.__wrapped__((str(user),), True).keys == changed.keys
