"""The stages of a build, each with explicit inputs and outputs.

:func:`graphkit.build.build` runs them in this order (see :data:`graphkit.build.STAGES`)::

    detect    files + previous manifest      → Changes (unchanged entries, files to parse, removed ids)
    prepare   Changes + live generation      → Generation (new store, N-Triples cache, old fragments)
    parse     bytes of one changed file      → Digest                     (per digest)
    extract   Digest + gazetteer             → Mapped triples and actors   (per digest)
    store     Mapped                         → N-Quads queued to the loader, N-Triples cache
    shared    every digest's manifest entry  → shared graph (merged concepts, pages)
    topics    merged concepts + topic scheme → topic graph (scheme, links), topic nodes for the network
    network   per-digest fragments           → projection cache (network.json, texts.json)
    analysis  projection                     → scores and communities, written back as triples
    index     projection + texts             → the related-items index
    publish   generation + manifest          → the new live generation

Parse, extract and store alternate digest by digest while a loader thread writes earlier
batches into the store; their times add up over the digests.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.core.iris import graph_iri
from graphkit.core.normalize import slug
from graphkit.core.ntriples import with_graph
from graphkit.extract.mapper import Mapped, choose_labels, label_triples, map_digest, page_triples
from graphkit.extract.ontology import ontology_quads, quads_as_ntriples
from graphkit.ingest.model import Digest, Problem
from graphkit.ingest.parse import DigestError, digest_id_for, parse_bytes
from graphkit.store.files import (
    ANALYSIS_FILE,
    FRAGMENTS_FILE,
    NETWORK_FILE,
    NT_CACHE,
    ONTOLOGY_NT,
    TEXTS_FILE,
    TOPICS_FILE,
    shared_graphs,
)
from graphkit.store.folder import GraphFolder, StoreError, atomic_write
from graphkit.store.loader import Loader

#: Flush mapped quads to the store every this many lines, to bound memory on large corpora.
BATCH_LINES = 250_000


# -- detect -----------------------------------------------------------------------------------------


@dataclass
class Pending:
    """A digest file to parse: new, or changed since the last build."""

    did: str
    rel: str
    data: bytes
    old: dict | None  # its previous manifest entry, if it was built before


@dataclass
class Changes:
    """What differs from the live generation."""

    unchanged: dict[str, dict]  # digest id -> manifest entry kept as is
    todo: list[Pending]
    removed: list[str]
    skipped: int = 0

    @property
    def touched(self) -> set[str]:
        """Ids whose named graph must go: removed or changed digests."""
        return set(self.removed) | {p.did for p in self.todo if p.old}


def assign_ids(files: list[tuple[Path, Path]], problems: list[Problem]) -> list[tuple[str, str, Path]]:
    """(digest id, relative path, file) for each file; a repeated file name gets a suffix."""
    out, seen = [], set()
    for f, root in files:
        rel = f.relative_to(root).as_posix()
        did = digest_id_for(f)
        if did in seen:
            new = f"{did}-{hashlib.sha1(rel.encode()).hexdigest()[:8]}"
            problems.append(
                Problem(
                    rel,
                    None,
                    f"another file is also named {f.name!r}; this one gets the id {new!r}",
                    "give digests unique file names so 'Closest' links resolve",
                )
            )
            did = new
        seen.add(did)
        out.append((did, rel, f))
    return out


def detect_changes(
    files: list[tuple[Path, Path]], previous: dict[str, dict], today: _dt.date, problems: list[Problem]
) -> Changes:
    """Hash every file and compare with the previous manifest entries (``{}`` for a full build).

    Hashing is cheap; only new and changed files are parsed later. Unreadable files are reported
    in ``problems`` and counted as skipped.
    """
    unchanged: dict[str, dict] = {}
    todo: list[Pending] = []
    skipped = 0
    for did, rel, f in assign_ids(files, problems):
        try:
            data = f.read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, None, f"cannot read file: {exc.strerror}", "check permissions", "error"))
            skipped += 1
            continue
        old = previous.get(did)
        # A page date rejected as "in the future" is checked again once that day has come.
        recheck = old and old.get("recheck") and old["recheck"] <= today.isoformat()
        if old and old["path"] == rel and not recheck and old["sha256"] == hashlib.sha256(data).hexdigest():
            unchanged[did] = old
        else:
            todo.append(Pending(did, rel, data, old))
    seen = {p.did for p in todo} | set(unchanged)
    removed = sorted(did for did in previous if did not in seen)
    return Changes(unchanged, todo, removed, skipped)


# -- prepare --------------------------------------------------------------------------------------


@dataclass
class Generation:
    """A store generation being written: its folder, open store, loader and N-Triples cache."""

    path: Path
    store: object  # pyoxigraph.Store
    loader: Loader
    nt_dir: Path
    fragments: dict[str, dict] = field(default_factory=dict)  # digest id -> projection fragment
    #: The live generation's N-Triples cache when the store is a copy of its store: the
    #: corpus-wide graphs kept in the copy are then replaced line by line (:func:`replace_graph`).
    live_nt: Path | None = None
    #: Cache lines of the digests kept from the live generation, written back unchanged.
    raw_fragments: dict[str, bytes] = field(default_factory=dict)
    raw_texts: dict[str, bytes] = field(default_factory=dict)

    def close(self, raise_error: bool = True) -> None:
        """Wait for the loader, flush, and close the store (RocksDB) before the folder is moved.

        RocksDB closes when the last reference to the store goes: the loader's goes too.
        """
        self.loader.close(raise_error=raise_error)
        if raise_error and self.store is not None:
            self.store.flush()  # type: ignore[attr-defined]
        self.loader.store = None
        self.store = None

    def discard(self) -> None:
        """Drop a generation that failed: nothing of it is published."""
        self.close(raise_error=False)
        shutil.rmtree(self.path, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def previous_fragments(live: Path, keep: set[str]) -> tuple[dict[str, dict], dict[str, bytes], dict[str, bytes]]:
    """Projection fragments (with their texts) of the digests kept from the live generation, and
    their cache lines as read (written back as they are: see :mod:`graphkit.store.netcache`)."""
    from graphkit.store.netcache import read_lines, read_network, read_texts

    try:
        if (live / FRAGMENTS_FILE).exists():
            fragments, raw_fragments = read_lines(live / FRAGMENTS_FILE, keep)
            texts, raw_texts = read_lines(live / TEXTS_FILE, keep)
        else:  # a cache written as one document: read it, write lines from now on
            fragments, raw_fragments, raw_texts = read_network(live)[0], {}, {}
            texts = read_texts(live)
    except (OSError, ValueError):
        raise StoreError(
            f"{live / NETWORK_FILE} is missing or unreadable; rebuild with 'graphkit build --full'"
        ) from None
    kept = {did: dict(frag, text=texts.get(did, {})) for did, frag in fragments.items() if did in keep}
    return kept, raw_fragments, raw_texts


def prepare_generation(
    folder: GraphFolder, live: Path | None, changes: Changes, base: str, keep: tuple[str, ...] = ()
) -> Generation:
    """A new generation: a copy of the live one without the touched digests, or a fresh store.

    The copy is a RocksDB checkpoint (hard links: instant, no extra disk), and unchanged digests'
    N-Triples are hard-linked too, so an update costs what changed, not what the corpus holds.
    The corpus-wide graphs (shared labels, topics, analysis) are removed from the copy, except
    those named in ``keep`` (their N-Triples file names), which the build replaces with
    :func:`replace_graph`.
    """
    from pyoxigraph import NamedNode, Store

    gen = folder.next_generation()
    nt_dir = gen / NT_CACHE
    try:
        if live is not None:
            Store.read_only(str(live / "store")).backup(str(gen / "store"))
            store = Store(str(gen / "store"))
            for did in sorted(changes.touched):
                store.remove_graph(NamedNode(graph_iri(did, base)))
            for name, graph in shared_graphs(base).items():
                # A kept graph is replaced line by line against the live N-Triples file, so it must
                # hold just what that file holds: without the file, it goes too.
                if name != ONTOLOGY_NT and (name not in keep or not (live / NT_CACHE / name).exists()):
                    store.remove_graph(NamedNode(graph))
            fragments, raw_fragments, raw_texts = previous_fragments(live, set(changes.unchanged))
            nt_dir.mkdir()
            for name in [f"{slug(did)}.nt" for did in changes.unchanged] + [ONTOLOGY_NT]:
                _link_or_copy(live / NT_CACHE / name, nt_dir / name)
        else:
            store = Store(str(gen / "store"))
            ontology = ontology_quads(base)
            store.extend(ontology)
            fragments, raw_fragments, raw_texts = {}, {}, {}
            nt_dir.mkdir()
            (nt_dir / ONTOLOGY_NT).write_bytes(quads_as_ntriples(ontology))
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return Generation(
        gen,
        store,
        Loader(store),
        nt_dir,
        fragments,
        live_nt=live / NT_CACHE if live else None,
        raw_fragments=raw_fragments,
        raw_texts=raw_texts,
    )


def replace_graph(generation: Generation, writer: QuadWriter, name: str, text: bytes, graph: str) -> None:
    """Write a corpus-wide graph's N-Triples (file ``name`` of the cache) and store them.

    On an update the store still holds the live generation's version of the graph (see
    :func:`prepare_generation`'s ``keep``): only the lines that changed are removed and added.
    A weekly update changes a tenth of the topic links and half the labels; removing a whole
    graph from RocksDB and loading it again cost 0.4-0.7 s at 3,500 digests. The lines are
    canonical N-Triples without blank nodes, so equal lines are equal triples.
    """
    (generation.nt_dir / name).write_bytes(text)
    old_file = generation.live_nt / name if generation.live_nt is not None else None
    if old_file is None or not old_file.exists():
        writer.graph(text, graph)
        return
    old = set(old_file.read_bytes().splitlines(keepends=True))
    new = text.splitlines(keepends=True)
    kept = set(new)
    removed = b"".join(sorted(line for line in old if line not in kept))
    if removed:
        writer.flush()  # what was queued before goes first
        generation.loader.remove(with_graph(removed, graph))
    added = b"".join(line for line in new if line not in old)
    if added:
        writer.graph(added, graph)


# -- parse, extract, store (per digest) -------------------------------------------------------------


def parse_pending(pending: Pending, mapping, today: _dt.date) -> Digest:
    """Parse one changed file; raises :class:`~graphkit.ingest.parse.DigestError` if unreadable."""
    return parse_bytes(pending.data, pending.rel, digest_id=pending.did, mapping=mapping, today=today)


def find_actors(digest: Digest, gazetteer) -> list:
    """The organisations and people one digest names (see :mod:`graphkit.extract.actors`)."""
    from graphkit.extract.actors import extract as extract_actors

    return extract_actors(digest, gazetteer)


#: What a worker process needs to parse digests and find their actors (set by :func:`worker_init`).
_WORKER: dict = {}


def worker_init(mapping, gazetteer, today: _dt.date) -> None:
    """Initialise a worker process of a parallel build (``--jobs``)."""
    _WORKER.update(mapping=mapping, gazetteer=gazetteer, today=today)


def parse_and_find(pending: Pending) -> tuple[Digest | None, Problem | None, list | None]:
    """In a worker process: parse one changed file and find its actors.

    Returns ``(digest, None, actors)``, or ``(None, problem, None)`` for an unreadable file.
    """
    try:
        digest = parse_pending(pending, _WORKER["mapping"], _WORKER["today"])
    except DigestError as exc:
        return None, exc.problem, None
    gazetteer = _WORKER["gazetteer"]
    return digest, None, (find_actors(digest, gazetteer) if gazetteer is not None else None)


def map_one(digest: Digest, base: str, actors: list | None) -> Mapped:
    """Triples of one digest; its parse problems come first in the mapped problems."""
    mapped = map_digest(digest, base, actors)
    mapped.problems[:0] = digest.problems
    return mapped


def manifest_entry(pending: Pending, digest: Digest, mapped: Mapped) -> dict:
    """What the manifest remembers of a built digest (enough to rebuild the shared graph)."""
    entry = {
        "path": pending.rel,
        "sha256": hashlib.sha256(pending.data).hexdigest(),
        "triples": len(mapped.triples),
        "labels": mapped.labels,
        "page": mapped.page,
        "actors": mapped.actors,
        "rows": {table: len(rows) for table, rows in digest.tables.items() if rows},
        "problems": [p.as_dict() for p in mapped.problems],
        "acronyms": digest_acronyms(digest),
    }
    if digest.future_date:
        entry["recheck"] = digest.future_date.isoformat()
    return entry


def digest_acronyms(digest: Digest) -> list[list[str]]:
    """The acronyms a digest spells out ("large language models (LLMs)"), for the topic links."""
    from graphkit.extract.topics import find_acronyms

    texts = [digest.title, digest.summary or "", *digest.keywords, *digest.themes]
    for rows in digest.tables.values():
        for row in rows:
            texts += [v for v in (row.name, row.description, row.change, row.horizon, row.driving_force) if v]
    pairs = {pair for text in texts if "(" in text for pair in find_acronyms(text)}
    return [list(p) for p in sorted(pairs)]


def ntriples(triples) -> bytes:
    """N-Triples lines of ``(s, p, o)`` term tuples."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


class QuadWriter:
    """Writes each digest's N-Triples file and queues its quads to the loader in large batches."""

    def __init__(self, generation: Generation, base: str):
        self.generation = generation
        self.base = base
        self.batch: list[bytes] = []
        self.lines = 0

    def digest(self, did: str, mapped: Mapped) -> None:
        text = ntriples(mapped.triples)
        (self.generation.nt_dir / f"{slug(did)}.nt").write_bytes(text)
        self.graph(text, graph_iri(did, self.base), len(mapped.triples))

    def graph(self, text: bytes, graph: str, lines: int | None = None) -> None:
        self.batch.append(with_graph(text, graph))
        self.lines += text.count(b"\n") if lines is None else lines
        if self.lines >= BATCH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.generation.loader.put(b"".join(self.batch))
        self.batch, self.lines = [], 0


# -- shared graph -----------------------------------------------------------------------------------


@dataclass
class Shared:
    """The shared graph (merged concepts and weekly pages) and the concepts' types and labels."""

    ntriples: bytes
    forms: dict[str, Counter]  # concept IRI -> surface forms counted over digests
    concepts: dict[str, list[str]]  # concept IRI -> [type, preferred label]


def shared_graph(digests: dict[str, dict], base: str) -> Shared:
    """Merge the concepts every digest uses: preferred and alternative labels, actor classes, pages."""
    forms: dict[str, Counter] = {}
    actor_types: dict[str, Counter] = {}
    actor_names: dict[str, Counter] = {}
    for entry in digests.values():
        for concept, surface in entry["labels"].items():
            forms.setdefault(concept, Counter()).update(surface)
        for actor, (type_, kind, name) in entry.get("actors", {}).items():
            actor_types.setdefault(actor, Counter())[(type_, kind)] += 1
            actor_names.setdefault(actor, Counter())[name] += 1
    pages = [entry["page"] for entry in digests.values() if entry.get("page")]
    text = ntriples(label_triples(forms, base, actor_types, actor_names) + page_triples(pages))
    concepts = {
        c: [c[len(base) :].split("/", 1)[0], choose_labels(actor_names.get(c) or f)[0]]
        for c, f in sorted(forms.items())
    }
    return Shared(text, forms, concepts)


# -- topics -----------------------------------------------------------------------------------------


@dataclass
class TopicLayer:
    """The topic graph (scheme and links) and what the network needs of it."""

    ntriples: bytes
    concepts: dict[str, list[str]]  # topic IRI -> ["topic", English label]
    links: dict[str, list[str]]  # theme/keyword/technology IRI -> topic IRIs
    report: dict  # topics.json: the scheme's tree and each link's method, for `graphkit topics`
    problems: list[Problem]  # the user's topics files that link nothing


def topic_layer(forms: dict[str, Counter], digests: dict[str, dict], scheme, base: str) -> TopicLayer:
    """Link every merged concept to the topic scheme (see :mod:`graphkit.extract.topics`).

    Needs only what the manifest keeps (surface forms, acronyms spelled out in each digest): a
    changed topics file re-links without parsing any digest again.
    """
    from graphkit.extract.topics import learned_pairs, link_concepts, link_triples, scheme_triples, topic_iri

    pairs = [(p[0], p[1]) for entry in digests.values() for p in entry.get("acronyms", ())]
    links = link_concepts(forms, scheme, learned_pairs(pairs, scheme), base)
    text = ntriples(scheme_triples(scheme, base) + link_triples(links, base))
    by_concept = {c: [topic_iri(link.topic, base) for link in ls] for c, ls in links.items()}
    # Only linked topics are network nodes: the rest of the scheme would be isolated nodes.
    used = sorted({link.topic for ls in links.values() for link in ls})
    concepts = {topic_iri(tid, base): ["topic", scheme.topics[tid].en] for tid in used}
    tree = {
        topic_iri(tid, base): [t.en, t.fr, [topic_iri(p, base) for p in t.broader], t.alt_en + t.alt_fr]
        for tid, t in sorted(scheme.topics.items())
    }
    methods = {
        c: [[topic_iri(link.topic, base), link.relation, link.method, link.evidence] for link in ls]
        for c, ls in links.items()
    }
    report = {"scheme": scheme.digest, "sources": scheme.sources, "tree": tree, "links": methods}
    problems = [
        Problem(
            src,
            None,
            "this topics file links nothing: none of its topics, aliases or same_as pairs matches a "
            "theme, keyword or technology of the corpus",
            "compare its labels with 'graphkit topics' (unlinked)",
        )
        for src in scheme.idle_sources(set(used))
    ]
    return TopicLayer(text, concepts, by_concept, report, problems)


def write_topics_report(generation: Generation, layer: TopicLayer) -> None:
    atomic_write(
        generation.path / TOPICS_FILE,
        json.dumps(layer.report, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )


# -- network cache, analysis, index -----------------------------------------------------------------


def network_data(
    generation: Generation, digests: dict[str, dict], concepts: dict[str, list[str]], links: dict[str, list[str]]
) -> dict:
    """The projection cache of the generation: ``{"fragments", "concepts", "links", "texts"}``
    (the texts taken out of the fragments); :func:`write_network_cache` writes it."""
    fragments = generation.fragments
    texts = {did: fragments[did].pop("text", {}) for did in sorted(digests)}
    return {
        "fragments": {did: fragments[did] for did in sorted(digests)},
        "concepts": concepts,
        "links": links,
        "texts": texts,
    }


def write_network_cache(generation: Generation, network: dict) -> None:
    """Write :func:`network_data` into the generation (see :mod:`graphkit.store.netcache`).

    Texts (descriptions, summaries) are only read by `related`: a file of their own keeps the
    projection small and quick to load for everything else.
    """
    from graphkit.store.netcache import write_lines, write_network

    write_lines(generation.path / FRAGMENTS_FILE, network["fragments"], generation.raw_fragments)
    write_lines(generation.path / TEXTS_FILE, network["texts"], generation.raw_texts)
    write_network(generation.path, network["concepts"], network["links"])


def analysis_stage(projection: dict, generation: Generation, base: str) -> bytes:
    """Centrality and communities of the projection, cached and written back; returns their N-Triples."""
    from graphkit.network.analysis import analyse_projection, analysis_triples

    result = analyse_projection(projection)
    text = ntriples(analysis_triples(result, base))
    atomic_write(generation.path / ANALYSIS_FILE, json.dumps(result, separators=(",", ":")).encode("utf-8"))
    return text


def index_stage(projection: dict, texts: dict[str, dict[str, str]], folder: Path, inputs: IndexInputs) -> None:
    """Build and save the related-items index into a generation's ``folder``."""
    from graphkit.search.related import build_index, save_index

    all_texts = {iri: t for per_digest in texts.values() for iri, t in per_digest.items()}
    meta, arrays = build_index(projection, all_texts, inputs.spec, inputs.previous, model=inputs.model)
    save_index(folder, meta, arrays)


@dataclass
class IndexInputs:
    """What the index needs besides the projection: the embedder (its spec, see build(), and the
    loaded model) and the live generation's index, which lends the embeddings and term counts of
    the texts it already has (None for a first build, or one of another version)."""

    spec: str
    model: object
    previous: object

    @classmethod
    def load(cls, embedder: str | None, live: Path | None) -> IndexInputs:
        from graphkit.search.embed import load_embedder
        from graphkit.search.related import RelatedIndex

        spec = embedder or "static"
        previous = None
        if live is not None:
            with contextlib.suppress(OSError, ValueError, KeyError):
                previous = RelatedIndex.load(live, counts=True)
        return cls(spec, load_embedder(spec), previous)


class IndexJob:
    """The related-items index, built beside the analysis.

    With ``parallel`` (two cores or more, on Linux) it runs in a forked process that inherits the
    projection without copying it, while this process computes the analysis: the build then pays
    for the slower of the two, not their sum. Otherwise :meth:`wait` builds it here. The embedder
    and the previous index are loaded here, before the fork: the index process is the longer of
    the two during an update, this one has the time.
    """

    def __init__(
        self,
        projection: dict,
        texts: dict,
        generation: Generation,
        embedder: str | None,
        parallel: bool,
        live: Path | None = None,
    ):
        self.parallel = parallel
        inputs = IndexInputs.load(embedder, live)
        self._args: tuple | None = None if parallel else (projection, texts, generation.path, inputs)
        self._proc = None
        if parallel:
            import multiprocessing

            # The forked process starts with this one's pages: hand back the free ones first
            # (about 180 MB of the 1 GB at 10,000 digests, in milliseconds).
            release_free_memory()
            context = multiprocessing.get_context("fork")
            self._recv, send = context.Pipe(duplex=False)
            self._proc = context.Process(
                target=_index_child, args=(projection, texts, generation.path, inputs, send), daemon=True
            )
            self._proc.start()
            send.close()

    def wait(self) -> None:
        """Return once the index is saved; raise if it could not be built."""
        if self._proc is None:
            assert self._args is not None
            index_stage(*self._args)
            return
        try:
            message = self._recv.recv()
        except EOFError:
            message = None
        self._proc.join()
        if message != "ok":
            raise RuntimeError(
                f"building the related-items index failed: {message or f'exit code {self._proc.exitcode}'}"
            )

    def cancel(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``); False where there
    is no glibc. Python frees memory into malloc's pools, which keep it until told otherwise."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries: no glibc, no malloc_trim
        return False
    trim(0)
    return True


def _index_child(projection: dict, texts: dict, path: Path, inputs: IndexInputs, conn) -> None:
    try:
        # Same priority as the parent: the index is the longer job on a full build, and a lower
        # priority (nice 5, tried) made 3,500- and 10,000-digest builds 2-6 % slower.
        index_stage(projection, texts, path, inputs)
        conn.send("ok")
    except BaseException as exc:  # reported by IndexJob.wait in the parent
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


# -- publish ----------------------------------------------------------------------------------------


def count_quads(digests: dict[str, dict], nt_dir: Path) -> int:
    """Quads written, counted from the manifest and the shared files, not from the store.

    Counting quads in RocksDB means reading all of it back (seconds at 10,000 digests).
    """
    return sum(e["triples"] for e in digests.values()) + sum(
        (nt_dir / name).read_bytes().count(b"\n") for name in shared_graphs("") if (nt_dir / name).exists()
    )
