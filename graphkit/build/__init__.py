"""Build or update the knowledge graph from digest files, stage by stage (see :mod:`.stages`).

Incremental: each digest lives in its own named graph, and the manifest remembers each file's
hash, so a rebuild re-maps only added or changed files, drops deleted ones and leaves the rest.
A build writes a new store generation and publishes it only when complete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from graphkit._version import __version__
from graphkit.build.report import BuildReport, StageClock
from graphkit.build.stages import (
    Changes,
    IndexJob,
    QuadWriter,
    analysis_stage,
    count_quads,
    detect_changes,
    find_actors,
    manifest_entry,
    map_one,
    network_data,
    parse_and_find,
    parse_pending,
    prepare_generation,
    replace_graph,
    shared_graph,
    topic_layer,
    worker_init,
    write_network_cache,
    write_topics_report,
)
from graphkit.core.iris import analysis_graph_iri, labels_graph_iri, topics_graph_iri
from graphkit.core.namespaces import GKD
from graphkit.extract.ontology import ontology_bytes
from graphkit.extract.topics import load_topics
from graphkit.ingest.discover import discover
from graphkit.ingest.mapping import Mapping, load_mapping
from graphkit.ingest.parse import DigestError, reference_date
from graphkit.store.files import ANALYSIS_NT, SHARED_NT, TOPICS_NT
from graphkit.store.folder import MANIFEST_VERSION, GraphFolder, StoreError, default_store_path
from graphkit.store.stats import ENTITY_TYPES, entity_counts, manifest_entity_counts

__all__ = ["ENTITY_TYPES", "STAGES", "BuildReport", "build", "discover", "entity_counts"]

#: The stages a build times, in order (``BuildReport.stages``); see :mod:`graphkit.build.stages`.
STAGES = (
    "detect",
    "prepare",
    "parse",
    "actors",
    "map",
    "store",
    "shared",
    "topics",
    "network",
    "analysis",
    "index",
    "publish",
)


#: Allocations between two young-generation garbage collections during a build (Python's default
#: is 700). A build allocates millions of objects that live to its end (fragments, projection,
#: index), and each collection of the older generations walks all of them: at 3,500 digests the
#: default thresholds cost 0.7-0.9 s of a 5 s weekly update. The build makes few reference
#: cycles, so collecting less often costs little memory (measured in docs/benchmarks.md).
GC_THRESHOLD = (100_000, 50, 100)


def _fewer_collections(func):
    """Run ``func`` with the cyclic garbage collector's thresholds at :data:`GC_THRESHOLD`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        before = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
        try:
            return func(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper


@_fewer_collections
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
    on_stage: Callable[[str], None] | None = None,
    topics: Iterable[str | Path] = (),
    embedder: str | None = None,
    jobs: int | None = None,
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
        :mod:`graphkit.network.analysis`) and index items for `related`; the slowest step on
        large corpora. Without it, `rank`, `clusters` and `related` compute what they need on
        first use and cache it (nothing is written back into the graph).
    gazetteer : iterable of path
        The user's actor gazetteer files, extending the shipped ``ontology/actors.yaml``.
    actors : bool
        Extract actors (organisations and people, see :mod:`graphkit.extract.actors`).
    on_stage : callable, optional
        Called with a stage's name (one of :data:`STAGES`) when it starts.
    topics : iterable of path
        The user's topics files, extending the shipped ``ontology/topics.yaml`` (see
        :mod:`graphkit.extract.topics`). A changed topics file re-links every concept on the next
        build without parsing any digest again.
    embedder : str, optional
        The sentence embedder of the related-items index (semantic evidence): ``"static"`` (the
        default, shipped with graphkit), ``"none"``, a static model file, or a
        sentence-transformers model name or folder (``pip install 'graphkit[embeddings]'``).
        Loaded before anything is built, so a bad name fails fast.
    jobs : int, optional
        Worker processes that parse digests and find their actors (default: the cores this
        process may use). The output is the same whatever the count: digests are mapped and
        stored in order, in this process. With more than one, the ``parse`` stage time includes
        actor extraction, done in the workers, and (on Linux) the related-items index is built in
        a forked process during the analysis, so the ``index`` stage is only the wait for it.

    Returns
    -------
    BuildReport
        Counts, problems, and ``stages``: seconds per stage.

    Examples
    --------
    ::

        report = build(["examples/digests"], "kg")
        print(report.digests, report.quads, report.stages["parse"])
    """
    started = time.perf_counter()
    folder = GraphFolder(out or default_store_path())
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    today = today or reference_date()
    gaz = None
    if actors:
        from graphkit.extract.gazetteer import load_gazetteer

        gaz = load_gazetteer(tuple(gazetteer))
    scheme = load_topics(tuple(topics))
    jobs = available_cores() if jobs is None else jobs
    if analysis and embedder is not None:
        from graphkit.search.embed import load_embedder

        load_embedder(embedder)  # raises EmbedderError (what to install or pass) before any work
    report = BuildReport(store=str(folder.path), full=full)
    clock = StageClock(report, on_stage)
    files = discover(paths)
    report.files = len(files)

    with folder.lock():
        with clock.stage("detect"):
            prev = folder.manifest()
            settings = {
                "mapping": mapping.digest,
                "base": base,
                "graphkit": __version__,
                "ontology": hashlib.sha256(ontology_bytes()).hexdigest(),
                "actors": gaz.digest if gaz is not None else None,
            }
            full = full or prev is None or prev.get("settings") != settings
            report.full = full
            changes = detect_changes(files, {} if full or prev is None else prev["digests"], today, report.problems)
            report.unchanged, report.removed, report.skipped = (
                len(changes.unchanged),
                len(changes.removed),
                changes.skipped,
            )
            if progress and changes.unchanged:
                progress(len(changes.unchanged))
        relink = prev is not None and prev.get("topics") != scheme.digest
        if prev is not None and not full and not changes.todo and not changes.removed and not relink:
            report.noop = True
            report.quads = prev.get("quads", 0)
            report.entities = prev.get("entities", {})
            report.seconds = time.perf_counter() - started
            return report
        folder.remove_stale()
        live = None if full else folder.current()
        with clock.stage("prepare"):
            keep = (SHARED_NT, TOPICS_NT, ANALYSIS_NT) if analysis else (SHARED_NT, TOPICS_NT)
            generation = prepare_generation(folder, live, changes, base, keep)
        try:
            digests = _add_digests(
                changes,
                generation,
                report,
                clock,
                mapping=mapping,
                gazetteer=gaz,
                base=base,
                today=today,
                progress=progress,
                jobs=jobs,
            )
            writer = QuadWriter(generation, base)
            with clock.stage("shared"):
                shared = shared_graph(digests, base)
                replace_graph(generation, writer, SHARED_NT, shared.ntriples, labels_graph_iri(base))
                writer.flush()
            with clock.stage("topics"):
                layer = topic_layer(shared.forms, digests, scheme, base)
                replace_graph(generation, writer, TOPICS_NT, layer.ntriples, topics_graph_iri(base))
                write_topics_report(generation, layer)
                report.problems.extend(layer.problems)
                writer.flush()
                concepts = {**shared.concepts, **layer.concepts}
            index: IndexJob | None = None
            try:
                with clock.stage("network"):
                    network = network_data(generation, digests, concepts, layer.links)
                    if analysis:
                        # The projection first: the related-items index (in a process of its own
                        # with two cores) then starts while this one writes the cache and analyses.
                        from graphkit.network.project import assemble

                        projection = assemble(
                            network["fragments"].values(), {c: (v[0], v[1]) for c, v in concepts.items()}, layer.links
                        )
                        index = IndexJob(
                            projection,
                            network["texts"],
                            generation,
                            embedder,
                            parallel=jobs > 1 and PARALLEL_INDEX,
                            live=live,
                        )
                    write_network_cache(generation, network)
                    generation.raw_fragments.clear()
                    generation.raw_texts.clear()
                if index is not None:
                    if index.parallel:
                        # The index process has its own copy: drop the fragments and texts here
                        # before the analysis builds its graph (the build's memory peak).
                        del network
                        generation.fragments.clear()
                    with clock.stage("analysis"):
                        text = analysis_stage(projection, generation, base)
                        replace_graph(generation, writer, ANALYSIS_NT, text, analysis_graph_iri(base))
                        writer.flush()
                    with clock.stage("index"):  # with two cores: only the wait for the index process
                        index.wait()
            except BaseException:
                if index is not None:
                    index.cancel()
                raise
            with clock.stage("store", announce=False):
                generation.close()
            with clock.stage("publish"):
                report.quads = count_quads(digests, generation.nt_dir)
                report.entities = manifest_entity_counts(digests, [*shared.forms, *layer.report["tree"]])
                manifest = {
                    "version": MANIFEST_VERSION,
                    "settings": settings,
                    "quads": report.quads,
                    "entities": report.entities,
                    "analysis": analysis,
                    "topics": scheme.digest,
                    "digests": dict(sorted(digests.items())),
                }
                folder.publish(generation.path, manifest)
        except BaseException:
            generation.discard()
            raise
        folder.remove_stale()
    report.seconds = time.perf_counter() - started
    return report


#: A changed set smaller than this is parsed in this process: starting workers costs more.
PARALLEL_MIN = 200
#: The related-items index is built in a forked process beside the analysis (Linux: fork shares
#: the projection without copying it; elsewhere a process would have to pickle it).
PARALLEL_INDEX = sys.platform.startswith("linux")


def available_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _add_digests(
    changes: Changes,
    generation,
    report: BuildReport,
    clock: StageClock,
    *,
    mapping,
    gazetteer,
    base: str,
    today: _dt.date,
    progress,
    jobs: int = 1,
) -> dict[str, dict]:
    """Parse, extract and store every changed digest; the manifest entries of all kept digests."""
    from graphkit.network.project import fragment

    digests = dict(changes.unchanged)
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(changes.todo) >= PARALLEL_MIN:
            parsed = _parsed_in_workers(changes.todo, mapping, gazetteer, today, jobs, clock, stack)
        else:
            parsed = _parsed_here(changes.todo, mapping, gazetteer, today, clock)
        writer = QuadWriter(generation, base)
        for pending, digest, problem, actors in parsed:
            if progress:
                progress(1)
            if digest is None:
                report.problems.append(problem)
                report.skipped += 1
                continue
            with clock.stage("map", announce=False):
                mapped = map_one(digest, base, actors)
                generation.fragments[pending.did] = fragment(mapped.triples)
            report.problems.extend(mapped.problems)
            digests[pending.did] = manifest_entry(pending, digest, mapped)
            if pending.old:
                report.changed += 1
            else:
                report.added += 1
            with clock.stage("store", announce=False):
                writer.digest(pending.did, mapped)
        with clock.stage("store", announce=False):
            writer.flush()
    if not digests:
        raise StoreError("no digest could be read; nothing was built (the previous graph, if any, is unchanged)")
    return digests


def _parsed_here(todo, mapping, gazetteer, today, clock):
    """Parse and find actors digest by digest, in this process."""
    announced = False
    for pending in todo:
        with clock.stage("parse", announce=not announced):
            announced = True
            try:
                digest = parse_pending(pending, mapping, today)
            except DigestError as exc:
                yield pending, None, exc.problem, None
                continue
        actors = None
        if gazetteer is not None:
            with clock.stage("actors", announce=False):
                actors = find_actors(digest, gazetteer)
        yield pending, digest, None, actors


def _parsed_in_workers(todo, mapping, gazetteer, today, jobs, clock, stack):
    """Parse and find actors in ``jobs`` worker processes; results come back in order."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    # fork on Linux: workers start in milliseconds and inherit what is loaded; elsewhere the
    # platform's default (spawn), which re-imports graphkit in each worker.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    pool = stack.enter_context(
        ProcessPoolExecutor(jobs, mp_context=context, initializer=worker_init, initargs=(mapping, gazetteer, today))
    )
    results = pool.map(parse_and_find, todo, chunksize=16)
    clock.report.jobs = jobs
    announced = False
    for pending in todo:
        with clock.stage("parse", announce=not announced):  # waiting for the workers
            announced = True
            digest, problem, actors = next(results)
        yield pending, digest, problem, actors
