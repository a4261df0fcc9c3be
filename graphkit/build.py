"""Build or update the knowledge graph from digest files: parse → map → store.

Incremental: each digest lives in its own named graph, and the manifest remembers each file's
hash, so a rebuild re-maps only added or changed files, drops deleted ones and leaves the rest.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .config import Mapping, load_mapping
from .mapper import choose_labels, graph_iri, label_triples, labels_graph_iri, map_digest, ontology_graph_iri, page_triples
from .model import Problem
from .namespaces import GKD
from .normalize import slug
from .ntriples import with_graph
from .parse import DigestError, digest_id_for, parse_bytes, reference_date
from .project import assemble, fragment, to_networkx
from .related import build_index, save_index
from .store import MANIFEST_VERSION, GraphFolder, StoreError, atomic_write, default_store_path

#: Flush mapped quads to the store every this many lines, to bound memory on large corpora.
BATCH_LINES = 250_000
DIGEST_SUFFIXES = (".md", ".markdown")
#: Folder of a generation holding each digest's triples as N-Triples, for fast exports.
NT_CACHE = "nt"
# "+" cannot start a digest's file name here: slug() percent-encodes it. So a digest called
# "_shared.md" can never overwrite the shared graph's file (or be taken for it).
SHARED_NT = "+shared.nt"
ONTOLOGY_NT = "+ontology.nt"
ANALYSIS_NT = "+analysis.nt"
#: Per-generation cache of the network projection's per-digest fragments (see project.py).
NETWORK_FILE = "network.json"
TEXTS_FILE = "texts.json"


@dataclass
class BuildReport:
    """What a build did; ``as_dict`` is the CLI's ``--json`` output."""

    store: str
    files: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    quads: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    noop: bool = False
    full: bool = False

    @property
    def digests(self) -> int:
        return self.added + self.changed + self.unchanged

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def as_dict(self) -> dict:
        return {
            "store": self.store,
            "files": self.files,
            "digests": self.digests,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": self.skipped,
            "quads": self.quads,
            "entities": self.entities,
            "warnings": len(self.warnings),
            "problems": [p.as_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
            "noop": self.noop,
            "full": self.full,
        }


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """Digest files under the given files or folders, as sorted (file, root) pairs.

    Hidden folders (``.git``…) are skipped. A missing path raises :class:`FileNotFoundError`.
    """
    found: dict[Path, Path] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if f.is_file() and f.suffix.lower() in DIGEST_SUFFIXES and not any(part.startswith(".") for part in rel.parts):
                    found.setdefault(f, p)
        elif p.is_file():
            found.setdefault(p, p.parent)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return sorted(found.items(), key=lambda fr: (fr[0].relative_to(fr[1]).as_posix(), str(fr[1])))


def ontology_bytes() -> bytes:
    """The shipped OWL ontology (Turtle)."""
    return resources.files("graphkit.ontology").joinpath("graphkit.ttl").read_bytes()


class _Loader:
    """Loads N-Quads batches into the store on a background thread.

    Oxigraph releases the GIL while it parses and writes a batch, so parsing and mapping the next
    digests in Python overlaps with storing the previous ones: on two cores the build takes
    about max(parse, load) instead of their sum.
    """

    def __init__(self, store):
        from pyoxigraph import RdfFormat

        self.store = store
        self.format = RdfFormat.N_QUADS
        self.queue: queue.Queue = queue.Queue(maxsize=2)  # bounds memory: two batches in flight
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="graphkit-loader", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.store.bulk_load(data, format=self.format)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                    self.error = exc

    def put(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self, raise_error: bool = True) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if raise_error and self.error is not None:
            raise self.error


def ontology_quads(base: str = GKD) -> list:
    """The ontology as quads in its own graph, blank nodes skolemised in parse order.

    Blank node labels are random on every parse; skolem IRIs numbered by order of appearance
    make the store, and every export of it, identical from build to build.
    """
    from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, parse

    graph = NamedNode(ontology_graph_iri(base))
    names: dict[str, NamedNode] = {}

    def skolem(term):
        if isinstance(term, BlankNode):
            if term.value not in names:
                names[term.value] = NamedNode(f"{base}.well-known/genid/ontology-{len(names) + 1}")
            return names[term.value]
        return term

    return [
        Quad(skolem(t.subject), t.predicate, skolem(t.object), graph)
        for t in parse(ontology_bytes(), format=RdfFormat.TURTLE)
    ]


def _ntriples(triples) -> bytes:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


def _ontology_nt(quads) -> bytes:
    from pyoxigraph import RdfFormat, Triple, serialize

    return serialize([Triple(q.subject, q.predicate, q.object) for q in quads], format=RdfFormat.N_TRIPLES)


def _previous_fragments(live: Path, keep: set[str]) -> dict:
    try:
        data = json.loads((live / NETWORK_FILE).read_text("utf-8"))
        texts = json.loads((live / TEXTS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        raise StoreError(f"{live / NETWORK_FILE} is missing or unreadable; rebuild with 'graphkit build --full'") from None
    return {did: dict(frag, text=texts.get(did, {})) for did, frag in data["fragments"].items() if did in keep}


def _link_or_copy(src: Path, dst: Path) -> None:
    import os
    import shutil

    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _assign_ids(files: list[tuple[Path, Path]], problems: list[Problem]) -> list[tuple[str, str, Path]]:
    """(digest id, relative path, file) for each file; a repeated file name gets a suffix."""
    out, seen = [], set()
    for f, root in files:
        rel = f.relative_to(root).as_posix()
        did = digest_id_for(f)
        if did in seen:
            new = f"{did}-{hashlib.sha1(rel.encode()).hexdigest()[:8]}"
            problems.append(Problem(rel, None, f"another file is also named {f.name!r}; this one gets the id {new!r}",
                                    "give digests unique file names so 'Closest' links resolve"))
            did = new
        seen.add(did)
        out.append((did, rel, f))
    return out


def build(
    paths: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    mapping: Mapping | str | Path | None = None,
    base: str = GKD,
    full: bool = False,
    today: _dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    analysis: bool = True,
    gazetteer: Iterable[str | Path] = (),
    actors: bool = True,
) -> BuildReport:
    """Build (or update) the graph folder ``out`` from digest files.

    Parameters
    ----------
    paths : iterable of path
        Digest files or folders (searched recursively for ``*.md``).
    out : path, optional
        The graph folder (default ``$GRAPHKIT_STORE`` or ``./kg``).
    mapping : Mapping or path, optional
        Section/column mapping (default: the shipped ``mapping.yaml``).
    full : bool
        Rebuild everything instead of only what changed.
    progress : callable, optional
        Called with the number of files handled since the last call.
    analysis : bool
        Compute centrality and communities, write them back into the graph (see
        :mod:`graphkit.analysis`) and index items for `related`; the slowest step on large
        corpora. Without it, `rank`, `clusters` and `related` compute what they need on first
        use and cache it (nothing is written back into the graph).
    gazetteer : iterable of path
        The user's actor gazetteer files, extending the shipped ``ontology/actors.yaml``.
    actors : bool
        Extract actors (organisations and people, see :mod:`graphkit.actors`).

    Returns
    -------
    BuildReport

    Examples
    --------
    ::

        report = build(["examples/digests"], "kg")
        print(report.digests, report.quads)
    """
    from pyoxigraph import NamedNode, Store

    started = time.perf_counter()
    folder = GraphFolder(out or default_store_path())
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    today = today or reference_date()
    gaz = None
    if actors:
        from .actors import extract as extract_actors
        from .gazetteer import load_gazetteer

        gaz = load_gazetteer(tuple(gazetteer))
    report = BuildReport(store=str(folder.path), full=full)
    files = discover(paths)
    report.files = len(files)

    with folder.lock():
        prev = folder.manifest()
        settings = {
            "mapping": mapping.digest,
            "base": base,
            "graphkit": __version__,
            "ontology": hashlib.sha256(ontology_bytes()).hexdigest(),
            "actors": gaz.digest if gaz is not None else None,
        }
        if prev is None or prev.get("settings") != settings:
            full = True
        report.full = full
        prev_digests: dict = {} if full else prev["digests"]

        # Pass 1: hash every file to find what changed (cheap); parse only those in pass 2.
        digests: dict[str, dict] = {}
        todo: list[tuple[str, str, bytes, dict | None]] = []
        for did, rel, f in _assign_ids(files, report.problems):
            try:
                data = f.read_bytes()
            except OSError as exc:
                report.problems.append(Problem(rel, None, f"cannot read file: {exc.strerror}", "check permissions", "error"))
                report.skipped += 1
                continue
            sha = hashlib.sha256(data).hexdigest()
            old = prev_digests.get(did)
            # A page date rejected as "in the future" is checked again once that day has come.
            recheck = old and old.get("recheck") and old["recheck"] <= today.isoformat()
            if old and old["sha256"] == sha and old["path"] == rel and not recheck:
                digests[did] = old
                report.unchanged += 1
                if progress:
                    progress(1)
            else:
                todo.append((did, rel, data, old))
        seen = {did for did, *_ in todo} | set(digests)
        removed = sorted(did for did in prev_digests if did not in seen)
        report.removed = len(removed)
        if prev is not None and not full and not todo and not removed:
            report.noop = True
            report.quads = prev.get("quads", 0)
            report.entities = prev.get("entities", {})
            report.seconds = time.perf_counter() - started
            return report

        folder.remove_stale()
        gen = folder.next_generation()
        loader = store = None
        try:
            live = folder.current()
            if live is not None and not full:
                Store.read_only(str(live / "store")).backup(str(gen / "store"))
                store = Store(str(gen / "store"))
                for did in removed + [did for did, _, _, old in todo if old]:
                    store.remove_graph(NamedNode(graph_iri(did, base)))
                store.remove_graph(NamedNode(labels_graph_iri(base)))
                store.remove_graph(NamedNode(f"{base}graph/analysis"))
            else:
                store = Store(str(gen / "store"))
                ontology = ontology_quads(base)
                store.extend(ontology)
            fragments = _previous_fragments(live, set(digests)) if live is not None and not full else {}
            loader = _Loader(store)
            nt_dir = gen / NT_CACHE
            nt_dir.mkdir()
            if live is not None and not full:
                # Unchanged digests keep their N-Triples: hard links cost no copy and no space.
                changed = set(removed) | {did for did, *_ in todo}
                for name in [f"{slug(did)}.nt" for did in digests if did not in changed] + [ONTOLOGY_NT]:
                    _link_or_copy(live / NT_CACHE / name, nt_dir / name)
            else:
                (nt_dir / ONTOLOGY_NT).write_bytes(_ontology_nt(ontology))
            # Pass 2: parse and map changed digests while the loader thread stores earlier ones.
            batch: list[str] = []
            lines = 0
            for did, rel, data, old in todo:
                if progress:
                    progress(1)
                try:
                    d = parse_bytes(data, rel, digest_id=did, mapping=mapping, today=today)
                except DigestError as exc:
                    report.problems.append(exc.problem)
                    report.skipped += 1
                    continue
                m = map_digest(d, base, extract_actors(d, gaz) if gaz is not None else None)
                m.problems[:0] = d.problems
                report.problems.extend(m.problems)
                digests[did] = {
                    "path": rel,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "triples": len(m.triples),
                    "labels": m.labels,
                    "page": m.page,
                    "actors": m.actors,
                    "rows": {table: len(rows) for table, rows in d.tables.items() if rows},
                    "problems": [p.as_dict() for p in m.problems],
                }
                if d.future_date:
                    digests[did]["recheck"] = d.future_date.isoformat()
                fragments[did] = fragment(m.triples)
                if old:
                    report.changed += 1
                else:
                    report.added += 1
                text = _ntriples(m.triples)
                (nt_dir / f"{slug(did)}.nt").write_bytes(text)
                batch.append(with_graph(text, graph_iri(did, base)))
                lines += len(m.triples)
                if lines >= BATCH_LINES:
                    loader.put(b"".join(batch))
                    batch, lines = [], 0
            if not digests:
                raise StoreError("no digest could be read; nothing was built (the previous graph, if any, is unchanged)")
            forms: dict[str, Counter] = {}
            for entry in digests.values():
                for concept, surface in entry["labels"].items():
                    forms.setdefault(concept, Counter()).update(surface)
            actor_types: dict[str, Counter] = {}
            actor_names: dict[str, Counter] = {}
            for entry in digests.values():
                for actor, (type_, kind, name) in entry.get("actors", {}).items():
                    actor_types.setdefault(actor, Counter())[(type_, kind)] += 1
                    actor_names.setdefault(actor, Counter())[name] += 1
            pages = [entry["page"] for entry in digests.values() if entry.get("page")]
            shared = _ntriples(label_triples(forms, base, actor_types, actor_names) + page_triples(pages))
            (nt_dir / SHARED_NT).write_bytes(shared)
            batch.append(with_graph(shared, labels_graph_iri(base)))
            loader.put(b"".join(batch))
            concepts = {c: [c[len(base):].split("/", 1)[0], choose_labels(actor_names.get(c) or f)[0]]
                        for c, f in forms.items()}
            # Texts (descriptions, summaries) are only read by `related`: a file of their own keeps
            # the projection small and quick to load for everything else.
            texts = {did: fragments[did].pop("text", {}) for did in sorted(digests)}
            network = {"fragments": {did: fragments[did] for did in sorted(digests)}, "concepts": dict(sorted(concepts.items()))}
            if analysis:
                # Analysis and the related-items index run while the loader thread still stores.
                from .analysis import ANALYSIS_FILE, analyse, analysis_graph_iri, analysis_triples

                projection = assemble(network["fragments"].values(), {c: tuple(v) for c, v in concepts.items()})
                result = analyse(to_networkx(projection))
                text = _ntriples(analysis_triples(result, base))
                (nt_dir / ANALYSIS_NT).write_bytes(text)
                loader.put(with_graph(text, analysis_graph_iri(base)))
                atomic_write(gen / ANALYSIS_FILE, json.dumps(result, separators=(",", ":")).encode("utf-8"))
                all_texts = {iri: t for per_digest in texts.values() for iri, t in per_digest.items()}
                save_index(gen, *build_index(projection, all_texts))
            atomic_write(gen / NETWORK_FILE, json.dumps(network, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            atomic_write(gen / TEXTS_FILE, json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            loader.close()
            store.flush()
            # Counted from what was written, not from the store: counting quads or distinct
            # instances in RocksDB means reading all of it back (seconds at 10,000 digests).
            report.quads = sum(e["triples"] for e in digests.values()) + sum(
                (nt_dir / name).read_bytes().count(b"\n") for name in (SHARED_NT, ONTOLOGY_NT, ANALYSIS_NT)
                if (nt_dir / name).exists()
            )
            report.entities = _entities(digests, forms)
            store = None  # closes RocksDB before the generation is published
            manifest = {
                "version": MANIFEST_VERSION,
                "settings": settings,
                "quads": report.quads,
                "entities": report.entities,
                "analysis": analysis,
                "digests": dict(sorted(digests.items())),
            }
            folder.publish(gen, manifest)
        except BaseException:
            import shutil

            if loader is not None:
                loader.close(raise_error=False)
                loader = None
            store = None  # noqa: F841 - closes RocksDB before its folder is deleted
            shutil.rmtree(gen, ignore_errors=True)
            raise
        folder.remove_stale()
    report.seconds = time.perf_counter() - started
    return report


#: Entity types reported by build and stats, keyed by the name users see.
ENTITY_TYPES = {
    "article": "https://schema.org/NewsArticle",
    "page": "https://w3id.org/graphkit/ns#Page",
    "theme": "https://w3id.org/graphkit/ns#Theme",
    "keyword": "https://w3id.org/graphkit/ns#Keyword",
    "technology": "https://w3id.org/graphkit/ns#Technology",
    "category": "https://w3id.org/graphkit/ns#Category",
    "type": "https://w3id.org/graphkit/ns#ArticleType",
    "signal": "https://w3id.org/graphkit/ns#Signal",
    "concern": "https://w3id.org/graphkit/ns#Concern",
    "behavior": "https://w3id.org/graphkit/ns#Behavior",
    "issue": "https://w3id.org/graphkit/ns#Issue",
    "technology mention": "https://w3id.org/graphkit/ns#TechnologyMention",
    "actor": "https://w3id.org/graphkit/ns#Actor",
}


_ROW_ENTITY = {"signals": "signal", "concerns": "concern", "behaviors": "behavior", "issues": "issue",
               "technologies": "technology mention"}
_CONCEPT_ENTITY = {"theme": "theme", "keyword": "keyword", "technology": "technology", "category": "category",
                   "type": "type", "actor": "actor"}


def _entities(digests: dict, forms: dict) -> dict[str, int]:
    """Entities per type, from the manifest entries and the merged concepts."""
    counts = {k: 0 for k in ENTITY_TYPES}
    counts["article"] = len(digests)
    counts["page"] = len({e["page"][0] for e in digests.values() if e.get("page")})
    for e in digests.values():
        for table, n in e.get("rows", {}).items():
            counts[_ROW_ENTITY[table]] += n
    for concept in forms:
        segment = concept.rsplit("/", 2)[-2]
        counts[_CONCEPT_ENTITY[segment]] += 1
    return counts


def entity_counts(store) -> dict[str, int]:
    """Number of distinct instances of each entity type in a store."""
    by_class = {v: k for k, v in ENTITY_TYPES.items()}
    counts = {k: 0 for k in ENTITY_TYPES}
    q = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    for row in store.query(q, use_default_graph_as_union=True):
        name = by_class.get(row["c"].value)
        if name:
            counts[name] = int(row["n"].value)
    return counts
