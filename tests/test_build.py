"""Building, rebuilding and exporting the graph: idempotence, changes, deletions, atomicity."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import rdflib

from graphkit.build import build
from graphkit.graph import KnowledgeGraph, QueryError
from graphkit.store.folder import GraphFolder, StoreError

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "digests"

ARTICLES = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }"


def count(kg: KnowledgeGraph, sparql: str, **params) -> int:
    """The last column of the first row (parameters come first: Oxigraph binds them by projection)."""
    rows = kg.query(sparql, params).rows
    return rows[0][-1] if rows else 0


@pytest.fixture
def corpus_dir() -> Path:
    from graphkit_testutil import corpus_path

    return corpus_path()


@pytest.fixture
def corpus_copy(tmp_path, corpus_dir) -> Path:
    dest = tmp_path / "digests"
    shutil.copytree(corpus_dir, dest)
    return dest


def test_examples_build_and_conform(tmp_path):
    report = build([EXAMPLES], tmp_path / "kg")
    n_files = len(list(EXAMPLES.glob("*.md")))
    assert report.digests == n_files >= 5
    assert report.skipped == 0
    kg = KnowledgeGraph(tmp_path / "kg")
    assert count(kg, ARTICLES) == n_files
    from graphkit.store.validate import validate_store

    result = validate_store(kg)
    assert result.conforms, [v.as_dict() for v in result.violations[:5]]


def test_corpus_builds_every_digest(tmp_path, corpus_dir):
    files = sorted(corpus_dir.glob("*.md"))
    report = build([corpus_dir], tmp_path / "kg")
    assert report.digests == len(files) and report.skipped == 0
    kg = KnowledgeGraph(tmp_path / "kg")
    assert count(kg, ARTICLES) == len(files)
    # one named graph per digest, plus the shared, topics, ontology and analysis graphs
    assert sum(1 for _ in kg.store.named_graphs()) == len(files) + 4
    # signals in the store = signal rows the parser read
    from graphkit.ingest.parse import parse_file

    rows = sum(len(parse_file(f).rows("signals")) for f in files)
    assert count(kg, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Signal }") == rows


def test_corpus_graph_conforms_to_shapes(tmp_path, corpus_dir):
    from graphkit.store.validate import validate_store

    build([corpus_dir], tmp_path / "kg")
    result = validate_store(KnowledgeGraph(tmp_path / "kg"))
    assert result.conforms, [v.as_dict() for v in result.violations[:5]]


def test_rebuild_is_noop_and_deterministic(tmp_path, corpus_dir):
    first = build([corpus_dir], tmp_path / "a")
    again = build([corpus_dir], tmp_path / "a")
    assert again.noop and again.quads == first.quads
    other = build([corpus_dir], tmp_path / "b")
    a, b = KnowledgeGraph(tmp_path / "a"), KnowledgeGraph(tmp_path / "b")
    # same input, same triples, byte for byte
    assert a.export("nq") == b.export("nq")
    assert other.quads == first.quads


def test_changed_digest_replaces_only_its_triples(tmp_path, corpus_copy):
    out = tmp_path / "kg"
    build([corpus_copy], out)
    target = sorted(corpus_copy.glob("*.md"))[3]
    text = target.read_text("utf-8")
    old_title = text.splitlines()[0]
    new_text = text.replace("## Themes\n", "## Themes\n\n* Zebra Migration Studies\n", 1)
    assert new_text != text
    target.write_text(new_text, "utf-8")
    report = build([corpus_copy], out)
    assert (report.changed, report.added, report.removed) == (1, 0, 0)
    assert report.unchanged == len(list(corpus_copy.glob("*.md"))) - 1
    kg = KnowledgeGraph(out)
    n = count(
        kg,
        "SELECT ?want (COUNT(*) AS ?n) WHERE { ?a schema:about ?t . ?t skos:prefLabel ?label . FILTER(?label = ?want) } GROUP BY ?want",
        want="Zebra Migration Studies",
    )
    assert n == 1
    assert old_title  # the title line is untouched; the article keeps one headline
    assert count(kg, "SELECT (COUNT(?h) AS ?n) WHERE { ?a schema:headline ?h }") == len(list(corpus_copy.glob("*.md")))
    # the incremental result equals a full build of the same files
    full = build([corpus_copy], tmp_path / "full")
    assert full.quads == report.quads
    assert kg.export("nq") == KnowledgeGraph(tmp_path / "full").export("nq")


def test_deleted_digest_goes_away(tmp_path, corpus_copy):
    out = tmp_path / "kg"
    build([corpus_copy], out)
    victim = sorted(corpus_copy.glob("*.md"))[0]
    iri = f"https://w3id.org/graphkit/id/article/{victim.stem}"
    kg = KnowledgeGraph(out)
    assert (
        count(kg, "SELECT ?iri (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STR(?s) = ?iri) } GROUP BY ?iri", iri=iri) > 0
    )
    del kg
    victim.unlink()
    report = build([corpus_copy], out)
    assert report.removed == 1
    kg = KnowledgeGraph(out)
    assert (
        count(kg, "SELECT ?iri (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STR(?s) = ?iri) } GROUP BY ?iri", iri=iri) == 0
    )
    assert count(kg, ARTICLES) == len(list(corpus_copy.glob("*.md")))
    full = build([corpus_copy], tmp_path / "full")
    assert full.quads == report.quads


def test_interrupted_build_keeps_previous_graph(tmp_path, corpus_copy, monkeypatch):
    out = tmp_path / "kg"
    first = build([corpus_copy], out)
    before = KnowledgeGraph(out).export("nq")
    (corpus_copy / "new.md").write_text(
        "# __New__, (from page [20240107](https://x.test/p).)\n\n## Themes\n\n* fresh\n", "utf-8"
    )

    import graphkit.build.stages as b

    def boom(*args, **kwargs):
        raise KeyboardInterrupt  # the user pressed Ctrl-C in the middle of writing the store

    monkeypatch.setattr(b, "label_triples", boom)
    with pytest.raises(KeyboardInterrupt):
        build([corpus_copy], out)
    kg = KnowledgeGraph(out)
    assert kg.export("nq") == before
    assert len(kg.store) == first.quads
    assert [p.name for p in out.glob("gen-*")] == [GraphFolder(out).current().name]


def test_nothing_buildable_raises_and_keeps_graph(tmp_path, corpus_dir):
    out = tmp_path / "kg"
    build([corpus_dir], out)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.md").write_bytes(b"\xff\xfe not utf8")
    with pytest.raises(StoreError, match="no digest could be read"):
        build([bad], out)
    assert count(KnowledgeGraph(out), ARTICLES) == len(list(corpus_dir.glob("*.md")))


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_exports_round_trip(tmp_path, fmt, rdflib_format):
    out = tmp_path / "kg"
    build([EXAMPLES], out)
    kg = KnowledgeGraph(out)
    reference = rdflib.Graph().parse(data=kg.export("nt"), format="nt")
    path = tmp_path / f"kg.{fmt}"
    kg.export(fmt, path)
    back = rdflib.Graph().parse(path, format=rdflib_format)
    assert len(back) == len(reference) > 500
    assert set(back) == set(reference)  # no blank nodes: plain set equality is exact


@pytest.mark.parametrize("fmt,rdflib_format", [("nq", "nquads"), ("trig", "trig")])
def test_dataset_exports_keep_named_graphs(tmp_path, fmt, rdflib_format):
    out = tmp_path / "kg"
    report = build([EXAMPLES], out)
    kg = KnowledgeGraph(out)
    ds = rdflib.Dataset().parse(data=kg.export(fmt), format=rdflib_format)
    quads = set(ds.quads((None, None, None, None)))
    assert len(quads) == report.quads
    graphs = {str(g) for *_, g in quads}
    assert len(graphs) == report.digests + 4


def test_query_params_are_not_injected(tmp_path):
    out = tmp_path / "kg"
    build([EXAMPLES], out)
    kg = KnowledgeGraph(out)
    hostile = '" } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    q = "SELECT ?want ?t WHERE { ?t skos:prefLabel ?l FILTER(?l = ?want) }"
    assert kg.query(q, {"want": hostile}).rows == []
    assert count(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 500  # nothing was dropped
    with pytest.raises(QueryError, match="must be selected"):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?t skos:prefLabel ?want }", {"want": "x"})
    with pytest.raises(QueryError, match="syntax"):
        kg.query("SELECT ?x WHERE { ?x ?y }")


def test_to_rdflib_keeps_named_graphs(tmp_path):
    out = tmp_path / "kg"
    report = build([EXAMPLES], out)
    ds = KnowledgeGraph(out).to_rdflib()
    assert sum(1 for _ in ds.quads((None, None, None, None))) == report.quads


def test_cached_exports_equal_the_store(tmp_path, corpus_copy):
    """nt/nq come from the build's N-Triples cache; they must hold exactly what the store holds,
    after a full build and after an incremental one."""
    from pyoxigraph import RdfFormat

    out = tmp_path / "kg"
    build([corpus_copy], out)
    victim = sorted(corpus_copy.glob("*.md"))[5]
    victim.write_text(victim.read_text("utf-8").replace("## Themes\n", "## Themes\n\n* Added Theme\n", 1), "utf-8")
    sorted(corpus_copy.glob("*.md"))[0].unlink()
    for step in ("full", "incremental"):
        if step == "incremental":
            assert build([corpus_copy], out).changed == 1
        kg = KnowledgeGraph(out)
        store_quads = set(rdflib.Dataset().parse(data=kg.store.dump(format=RdfFormat.N_QUADS), format="nquads").quads())
        cached_quads = set(rdflib.Dataset().parse(data=kg.export("nq"), format="nquads").quads())
        assert cached_quads == store_quads
        union = kg.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        from pyoxigraph import serialize

        store_triples = set(rdflib.Graph().parse(data=serialize(union, format=RdfFormat.N_TRIPLES), format="nt"))
        nt = kg.export("nt")
        assert set(rdflib.Graph().parse(data=nt, format="nt")) == store_triples
        assert nt.count(b"\n") == len(store_triples)  # no triple written twice


def test_reported_counts_equal_the_store(tmp_path, corpus_copy):
    """The build reports quads and entities from what it wrote; they must match the store."""
    from graphkit.store.stats import entity_counts

    out = tmp_path / "kg"
    report = build([corpus_copy], out)
    kg = KnowledgeGraph(out)
    assert report.quads == len(kg.store)
    assert report.entities == entity_counts(kg.store)
    sorted(corpus_copy.glob("*.md"))[1].unlink()
    report = build([corpus_copy], out)
    kg = KnowledgeGraph(out)
    assert report.quads == len(kg.store) and report.entities == entity_counts(kg.store)


def test_digests_named_like_the_shared_graphs_keep_their_own_graph(tmp_path):
    import shutil

    from graphkit.publish.remote import local_graphs

    src = tmp_path / "d"
    src.mkdir()
    example = sorted(EXAMPLES.glob("*.md"))[0]
    for name in ("_shared.md", "_ontology.md", "_analysis.md"):
        shutil.copy(example, src / name)
    build([src], tmp_path / "kg")
    kg = KnowledgeGraph(tmp_path / "kg")
    graphs = {g.iri.rsplit("/", 1)[-1] for g in local_graphs(tmp_path / "kg")[0]}
    assert {"_shared", "_ontology", "_analysis"} <= graphs and {"shared", "ontology", "analysis"} <= graphs
    # the N-Triples cache (nq export) equals the store: no digest graph lost or overwritten
    from_cache = set(kg.export("nq").decode("utf-8").splitlines())
    n = kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    assert len(from_cache) == n


def test_report_times_each_stage_in_order(tmp_path, corpus_copy):
    from graphkit.build import STAGES

    out = tmp_path / "kg"
    seen: list[str] = []
    report = build([corpus_copy], out, on_stage=seen.append)
    assert list(report.stages) == [s for s in STAGES if s in report.stages]
    assert set(STAGES) == set(report.stages)  # every stage ran (actors and analysis are on by default)
    assert all(s >= 0 for s in report.stages.values())
    assert sum(report.stages.values()) <= report.seconds + 0.01
    # Stages are announced when they start, once each, in the order they run.
    assert seen == [s for s in STAGES if s in seen] and "parse" in seen and "analysis" in seen
    assert report.as_dict()["stages"].keys() == report.stages.keys()

    # An update runs the same stages on what changed; a no-op only looks for changes.
    (corpus_copy / "new.md").write_text(
        "# __New__, (from page [20240107](https://x.test/p).)\n\n## Themes\n\n* fresh\n"
    )
    update = build([corpus_copy], out, analysis=False, actors=False)
    assert update.full and update.digests == report.digests + 1  # settings changed (actors off): a full rebuild
    assert "analysis" not in update.stages and "actors" not in update.stages
    noop = build([corpus_copy], out, analysis=False, actors=False)
    assert noop.noop and list(noop.stages) == ["detect"]


def test_second_build_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "kg"
    build([EXAMPLES], out)
    with GraphFolder(out).lock(), pytest.raises(StoreError, match="another build is running"):
        build([EXAMPLES], out)
    assert build([EXAMPLES], out).noop  # the lock is released: the next build runs


def test_parallel_parse_gives_the_same_graph(tmp_path, monkeypatch):
    # --jobs: digests parsed and their actors found in worker processes, mapped and stored here in
    # order; every file of the built graph must be byte-identical to the one-process build.
    import datetime as _dt
    import shutil

    import graphkit.build as gb
    from graphkit.store.folder import GraphFolder
    from graphkit_testutil import corpus_path

    src = tmp_path / "digests"
    shutil.copytree(corpus_path(), src)
    (src / "broken.md").write_bytes(b"\xff\xfe not utf-8")
    monkeypatch.setattr(gb, "PARALLEL_MIN", 1)  # the real corpus is smaller than the threshold
    one = gb.build([src], tmp_path / "one", jobs=1, today=_dt.date(2026, 1, 1))
    two = gb.build([src], tmp_path / "two", jobs=2, today=_dt.date(2026, 1, 1))
    assert (one.jobs, two.jobs) == (1, 2)
    assert [p.as_dict() for p in one.problems] == [p.as_dict() for p in two.problems]
    assert one.skipped == two.skipped == 1 and one.added == two.added
    g1, g2 = GraphFolder(tmp_path / "one").current(), GraphFolder(tmp_path / "two").current()
    names = sorted(p.name for p in (g1 / "nt").iterdir())
    assert names == sorted(p.name for p in (g2 / "nt").iterdir()) and len(names) > 70
    for name in names:
        assert (g1 / "nt" / name).read_bytes() == (g2 / "nt" / name).read_bytes(), name
    for name in ("network.json", "fragments.jsonl", "texts.jsonl", "analysis.json", "topics.json", "related.json"):
        assert (g1 / name).read_bytes() == (g2 / name).read_bytes(), name
    import numpy as np

    with np.load(g1 / "related.npz") as a, np.load(g2 / "related.npz") as b:  # index built in a process
        assert a.files == b.files and all(np.array_equal(a[k], b[k]) for k in a.files)


def test_a_failing_index_process_fails_the_build_and_keeps_the_graph(tmp_path, monkeypatch):
    import shutil

    import graphkit.build as gb
    import graphkit.search.related as related
    from graphkit.store.folder import GraphFolder

    src = tmp_path / "digests"
    shutil.copytree(EXAMPLES, src)
    gb.build([src], tmp_path / "kg", jobs=2)
    before = GraphFolder(tmp_path / "kg").current()
    first = sorted(src.glob("*.md"))[0]
    first.write_text(first.read_text("utf-8") + "\n", "utf-8")

    def boom(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(related, "build_index", boom)  # inherited by the forked index process
    with pytest.raises(RuntimeError, match="related-items index failed: ValueError: boom"):
        gb.build([src], tmp_path / "kg", jobs=2)
    assert GraphFolder(tmp_path / "kg").current() == before


def test_update_writes_the_caches_a_full_build_writes(tmp_path, corpus_copy):
    """An update copies unchanged digests' cache lines as read; the files equal a full build's,
    and a graph whose cache is one JSON document (older builds) is updated too."""
    import json

    from graphkit.store.folder import GraphFolder

    out = tmp_path / "kg"
    later = sorted(corpus_copy.glob("*.md"))[-2:]
    aside = tmp_path / "aside"
    aside.mkdir()
    for f in later:
        f.rename(aside / f.name)
    build([corpus_copy], out, actors=False)
    # the previous generation as an older graphkit wrote it: one network.json, one texts.json
    live = GraphFolder(out).current()
    head = json.loads((live / "network.json").read_text("utf-8"))
    frags = [json.loads(line) for line in (live / "fragments.jsonl").read_text("utf-8").splitlines()]
    texts = [json.loads(line) for line in (live / "texts.jsonl").read_text("utf-8").splitlines()]
    (live / "network.json").write_text(json.dumps({**head, "fragments": dict(frags)}), "utf-8")
    (live / "texts.json").write_text(json.dumps(dict(texts)), "utf-8")
    (live / "fragments.jsonl").unlink()
    (live / "texts.jsonl").unlink()
    for f in later:
        (aside / f.name).rename(f)
    assert build([corpus_copy], out, actors=False).added == 2
    sorted(corpus_copy.glob("*.md"))[0].unlink()  # then a removal, from the line cache
    assert build([corpus_copy], out, actors=False).removed == 1
    build([corpus_copy], tmp_path / "full", actors=False)
    g1, g2 = GraphFolder(out).current(), GraphFolder(tmp_path / "full").current()
    for name in ("network.json", "fragments.jsonl", "texts.jsonl", "analysis.json", "related.json"):
        assert (g1 / name).read_bytes() == (g2 / name).read_bytes(), name


def test_free_memory_is_handed_back_before_the_index_process_forks():
    """On glibc the build trims malloc's free pages (the forked index process starts smaller);
    elsewhere the call says it did nothing."""
    import platform

    from graphkit.build.stages import release_free_memory

    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    blob = [bytes(1000) for _ in range(50_000)]  # 50 MB freed below, held by malloc until trimmed
    del blob
    assert release_free_memory() is glibc
