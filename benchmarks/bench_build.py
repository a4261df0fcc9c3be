"""Benchmark graphkit's build pipeline against a naive rdflib baseline.

    python benchmarks/bench_build.py [--synthetic N] [--corpus DIR] [--skip-baseline] [--json]

For each corpus (the shared real corpus, and N synthetic digests from ``benchmarks/synth.py``,
generated once into ``benchmarks/out/synth-N/`` and reused) it measures, each step in a fresh
Python process so that peak memory figures do not mix:

* pipeline    ``graphkit.build.build(paths, out)`` into a fresh folder, then
              ``KnowledgeGraph(out).export("nt", file)``: wall time, quads, peak RSS, store size
              on disk, N-Triples size;
* rebuilds    no-op rebuild, and rebuild after editing one digest's title (on a copy);
* queries     every named query (``graphkit.store.queries.named_queries()``), each in its own process:
              first run and best of 3 further runs;
* baseline    parse + map with graphkit, then an in-memory ``rdflib.Graph`` filled one
              ``g.add`` at a time, serialised to Turtle: wall time and peak RSS;
* theme count the same SPARQL aggregate on rdflib (``g.query``) and on graphkit
              (``KnowledgeGraph.query``).

``--profile`` also runs the build under cProfile and prints where the time goes. Everything is
written under ``benchmarks/out/`` (git-ignored). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "futures"  # ../shared beside the repo

#: Targets from the project issue, checked on the synthetic corpus of 10,000 digests.
TARGETS = {
    "pipeline_seconds": 20.0,
    "peak_rss_bytes": 1.5 * 2**30,
    "speedup": 6.0,
    "named_query_seconds": 0.3,
}

THEME_COUNT_QUERY = """PREFIX schema: <https://schema.org/>
SELECT ?theme (COUNT(DISTINCT ?article) AS ?articles)
WHERE { ?article schema:about ?theme }
GROUP BY ?theme
ORDER BY DESC(?articles) ?theme
LIMIT 20"""


# =============================================================================================
# Workers: each runs in a fresh interpreter (``bench_build.py --_worker STEP SPEC RESULT``).
# =============================================================================================


def _du(path: Path) -> int:
    """Disk usage of a folder in bytes (allocated blocks, like ``du``)."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total


def _count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            n += chunk.count(b"\n")
    return n


def worker_pipeline(spec: dict) -> dict:
    import pyoxigraph  # noqa: F401  (imported before the clock starts, as for the baseline)

    from graphkit.build import build
    from graphkit.graph import KnowledgeGraph

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    nt = Path(spec["nt"])
    nt.unlink(missing_ok=True)
    kwargs = {"analysis": spec["analysis"]} if spec.get("analysis") is not None else {}
    t0 = time.perf_counter()
    report = build([spec["corpus"]], out, **kwargs)
    t1 = time.perf_counter()
    KnowledgeGraph(out).export("nt", nt)
    t2 = time.perf_counter()
    return {
        "digests": report.digests,
        "skipped": report.skipped,
        "warnings": len(report.warnings),
        "quads": report.quads,
        "entities": report.entities,
        "build_seconds": t1 - t0,
        "export_seconds": t2 - t1,
        "seconds": t2 - t0,
        "store_bytes": _du(out),
        "nt_bytes": nt.stat().st_size,
        "nt_triples": _count_lines(nt),
    }


def worker_rebuild(spec: dict) -> dict:
    from graphkit.build import build

    tmp = Path(tempfile.mkdtemp(prefix="rebuild-", dir=spec["tmp"]))
    try:
        corpus = tmp / "corpus"
        shutil.copytree(spec["corpus"], corpus)
        out = tmp / "kg"
        t0 = time.perf_counter()
        build([corpus], out)
        t1 = time.perf_counter()
        noop = build([corpus], out)
        t2 = time.perf_counter()
        # Edit one digest's title (the first file in sorted order).
        target = sorted(corpus.rglob("*.md"))[0]
        text = target.read_text("utf-8")
        first, _, rest = text.partition("\n")
        edited = first.replace("__,", " (edited)__,", 1) if "__," in first else first + " edited"
        target.write_text(edited + "\n" + rest, "utf-8")
        t3 = time.perf_counter()
        incr = build([corpus], out)
        t4 = time.perf_counter()
        return {
            "full_build_seconds": t1 - t0,
            "noop_seconds": t2 - t1,
            "noop": noop.noop,
            "incremental_seconds": t4 - t3,
            "incremental_changed": incr.changed,
            "incremental_unchanged": incr.unchanged,
            "incremental_quads": incr.quads,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def worker_params(spec: dict) -> dict:
    """Plausible parameter values for the named queries, read from the built graph.

    The most frequent theme and technology (by articles), with their preferred labels. GRAPH
    patterns keep each triple once: over the union default graph a concept declared in n article
    graphs would match n times.
    """
    from graphkit.graph import KnowledgeGraph

    kg = KnowledgeGraph(spec["kg"])
    params: dict[str, str] = {}
    for param, prop in (("theme", "schema:about"), ("technology", "schema:mentions")):
        rows = kg.query(f"""SELECT ?c ?label ?n WHERE {{
              {{ SELECT ?c (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a {prop} ?c }} }}
                 GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1 }}
              OPTIONAL {{ ?c skos:prefLabel ?label }} }}""").rows
        if rows:
            params[param] = rows[0][1] or rows[0][0].rsplit("/", 1)[-1]
            params[f"{param}_articles"] = rows[0][2]
    rows = kg.query("SELECT ?a WHERE { GRAPH ?g { ?a a schema:NewsArticle } } ORDER BY ?a LIMIT 1").rows
    if rows:
        params["article"] = rows[0][0]
    # The topic most concepts link to (its id).
    rows = kg.query(
        "SELECT ?id (COUNT(?l) AS ?n) WHERE { ?l gk:linkTarget ?t . ?t skos:notation ?id } GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1"
    ).rows
    if rows:
        params["topic"] = rows[0][0]
    return {"params": params}


def worker_query(spec: dict) -> dict:
    """One query in a fresh process: first run, then the best of ``repeat`` more."""
    from graphkit.graph import KnowledgeGraph

    t0 = time.perf_counter()
    kg = KnowledgeGraph(spec["kg"])
    open_s = time.perf_counter() - t0
    if spec.get("name"):
        run = lambda: kg.named(spec["name"], spec.get("params") or {})  # noqa: E731
    else:
        run = lambda: kg.query(spec["sparql"])  # noqa: E731
    times, result = [], None
    for _ in range(1 + spec.get("repeat", 3)):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
        if times[0] > 2.0:  # slow: one run is enough
            break
    return {
        "open_seconds": open_s,
        "first_seconds": times[0],
        "warm_seconds": min(times[1:]) if len(times) > 1 else times[0],
        "rows": len(result.rows),
        "top": result.rows[:3],
    }


_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _nt_unescape_match(m: re.Match) -> str:
    if m.group(1) or m.group(2):
        return chr(int(m.group(1) or m.group(2), 16))
    return _NT_SIMPLE[m.group(3)]


def make_fast_converter():
    """N-Triples term string → rdflib term; IRIs and datatypes are cached.

    A reasonably fast hand-written converter (several times faster than ``rdflib.util.from_n3``),
    so that the baseline is not slowed down by the conversion more than it has to be.
    """
    from rdflib import Literal, URIRef

    iris: dict[str, URIRef] = {}

    def term(s: str):
        if s[0] == "<":
            t = iris.get(s)
            if t is None:
                t = iris[s] = URIRef(s[1:-1])
            return t
        j = s.rfind('"')
        value = s[1:j]
        if "\\" in value:
            value = _NT_ESCAPE.sub(_nt_unescape_match, value)
        rest = s[j + 1 :]
        if not rest:
            return Literal(value)
        if rest.startswith("^^"):
            dt = iris.get(rest[2:])
            if dt is None:
                dt = iris[rest[2:]] = URIRef(rest[3:-1])
            return Literal(value, datatype=dt)
        return Literal(value, lang=rest[1:])

    return term


def worker_baseline(spec: dict) -> dict:
    """Naive pipeline: parse, map, rdflib.Graph().add per triple, serialise to Turtle."""
    from collections import Counter

    import rdflib
    from rdflib.util import from_n3

    from graphkit.build import discover
    from graphkit.extract.mapper import label_triples, map_digest
    from graphkit.ingest.parse import DigestError, parse_file

    term = make_fast_converter() if spec["converter"] == "fast" else from_n3
    ttl = Path(spec["ttl"])
    ttl.unlink(missing_ok=True)
    t0 = time.perf_counter()
    g = rdflib.Graph()
    add = g.add
    forms: dict[str, Counter] = {}
    parse_map = 0.0
    digests = 0
    for f, root in discover([spec["corpus"]]):
        ta = time.perf_counter()
        try:
            d = parse_file(f, root=root)
        except DigestError:
            continue
        m = map_digest(d)
        parse_map += time.perf_counter() - ta
        digests += 1
        for c, surface in m.labels.items():
            forms.setdefault(c, Counter()).update(surface)
        for s, p, o in m.triples:
            add((term(s), term(p), term(o)))
    for s, p, o in label_triples(forms):
        add((term(s), term(p), term(o)))
    t1 = time.perf_counter()
    result = {
        "digests": digests,
        "triples": len(g),
        "parse_map_seconds": parse_map,
        "load_seconds": t1 - t0,
    }
    # The theme count runs before the Turtle serialisation, which may be stopped by the timeout.
    times, rows = [], []
    for _ in range(1 + spec.get("repeat", 3)):
        t = time.perf_counter()
        rows = [
            [str(x) if not isinstance(x, rdflib.Literal) else x.toPython() for x in r]
            for r in g.query(THEME_COUNT_QUERY)
        ]
        times.append(time.perf_counter() - t)
    result["theme_count"] = {"first_seconds": times[0], "warm_seconds": min(times[1:] or times), "top": rows[:3]}
    _save_partial(spec, result)
    t2 = time.perf_counter()
    g.serialize(destination=str(ttl), format="turtle")
    t3 = time.perf_counter()
    result["serialize_seconds"] = t3 - t2
    result["seconds"] = (t1 - t0) + (t3 - t2)
    result["ttl_bytes"] = ttl.stat().st_size
    return result


def _save_partial(spec: dict, result: dict) -> None:
    """Results so far, for the parent to report if the step is stopped by its timeout."""
    if spec.get("_partial"):
        with open(spec["_partial"], "w") as fh:
            json.dump({**result, "peak_rss_bytes_so_far": _self_maxrss(), "saved_at": time.time()}, fh, default=str)


def _self_maxrss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def _fn_cumtime(stats: dict, fname: str, func: str, caller: tuple[str, str] | None = None) -> float:
    """Cumulative seconds of the functions named ``func`` in files ending with ``fname`` ("~" for
    built-ins), optionally only when called from ``caller`` = (file suffix, function)."""
    total = 0.0
    for (file, _line, f), (_cc, _nc, _tt, ct, callers) in stats.items():
        if f != func or not ((fname == "~" and file == "~") or (fname != "~" and file.endswith(fname))):
            continue
        if caller is None:
            total += ct
        else:
            total += sum(c[3] for k, c in callers.items() if k[0].endswith(caller[0]) and k[2] == caller[1])
    return total


def _top(stats: dict, n: int = 25) -> dict:
    entries = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.items():
        where = func if file == "~" else f"{Path(file).name}:{line}({func})"
        entries.append({"function": where, "calls": nc, "tottime": tt, "cumtime": ct})
    return {
        "by_tottime": sorted(entries, key=lambda e: -e["tottime"])[:n],
        "by_cumtime": sorted(entries, key=lambda e: -e["cumtime"])[:n],
    }


def worker_profile(spec: dict) -> dict:
    """The build under cProfile, every thread profiled: top functions and time per phase."""
    import cProfile
    import pstats
    import threading

    import pyoxigraph  # noqa: F401

    from graphkit.build import build

    # graphkit may store on a loader thread: give every thread started during the build its own
    # profiler (cProfile alone only sees the thread that enabled it).
    thread_profiles: list[tuple[str, cProfile.Profile, float]] = []
    orig_run = threading.Thread.run

    def profiled_run(self):
        p = cProfile.Profile()
        t = time.perf_counter()
        p.enable()
        try:
            orig_run(self)
        finally:
            p.disable()
            thread_profiles.append((self.name, p, time.perf_counter() - t))

    threading.Thread.run = profiled_run
    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    build([spec["corpus"]], out)
    prof.disable()
    wall = time.perf_counter() - t0
    threading.Thread.run = orig_run
    shutil.rmtree(out, ignore_errors=True)
    prof.dump_stats(spec["prof"])
    main = pstats.Stats(prof).stats
    B = "<method 'bulk_load' of 'pyoxigraph.Store' objects>"
    # (label, file suffix or "~" for built-ins, function, optional caller (file suffix, function)).
    # Functions that do not exist in this version of graphkit simply count 0.
    phase_funcs = [
        ("discover files", "build.py", "discover", None),
        ("read files", "pathlib.py", "read_bytes", ("build.py", "build")),
        ("hash files (pass 1)", "~", "<built-in method _hashlib.openssl_sha256>", ("build.py", "build")),
        ("ontology", "build.py", "ontology_quads", None),
        ("ontology", "~", "<method 'extend' of 'pyoxigraph.Store' objects>", None),
        ("ontology", "build.py", "_ontology_nt", None),
        ("parse (parse_bytes)", "parse.py", "parse_bytes", None),
        ("map (map_digest)", "mapper.py", "map_digest", None),
        ("projection fragments (fragment)", ".py", "fragment", ("build.py", "build")),
        ("N-Triples text (_ntriples / _nquads)", "build.py", "_ntriples", ("build.py", "build")),
        ("N-Triples text (_ntriples / _nquads)", "build.py", "_nquads", ("build.py", "build")),
        ("N-Quads batches (with_graph, encode)", "ntriples.py", "with_graph", ("build.py", "build")),
        ("N-Quads batches (with_graph, encode)", "~", "<method 'encode' of 'str' objects>", ("build.py", "build")),
        ("write N-Triples cache files", "pathlib.py", "write_bytes", ("build.py", "build")),
        ("store load in the main thread (bulk_load)", "~", B, None),
        ("wait for the loader thread (queue put / join)", "queue.py", "put", ("build.py", "put")),
        ("wait for the loader thread (queue put / join)", "threading.py", "join", ("build.py", "close")),
        ("labels + pages (label_triples, page_triples)", "mapper.py", "label_triples", None),
        ("labels + pages (label_triples, page_triples)", "mapper.py", "page_triples", None),
        ("analysis: projection (assemble, to_networkx)", ".py", "assemble", ("build.py", "build")),
        ("analysis: projection (assemble, to_networkx)", ".py", "to_networkx", ("build.py", "build")),
        ("analysis: analyse (PageRank, betweenness, communities)", "analysis.py", "analyse", ("build.py", "build")),
        ("analysis: triples", "analysis.py", "analysis_triples", ("build.py", "build")),
        ("analysis: related-items index", ".py", "build_index", ("build.py", "build")),
        ("analysis: related-items index", ".py", "save_index", ("build.py", "build")),
        ("JSON files (network, texts, analysis)", "store.py", "atomic_write", ("build.py", "build")),
        ("store flush", "~", "<method 'flush' of 'pyoxigraph.Store' objects>", None),
        ("entity counts", "build.py", "entity_counts", None),
        ("entity counts", "build.py", "_entities", None),
        ("manifest write (GraphFolder.publish)", "store.py", "publish", None),
        ("remove old generations", "store.py", "remove_stale", None),
    ]
    phases: dict[str, float] = {}
    for label, fname, func, caller in phase_funcs:
        phases[label] = phases.get(label, 0.0) + _fn_cumtime(main, fname, func, caller)
    phases = {k: v for k, v in phases.items() if v > 0}
    phases["other (main thread)"] = max(0.0, wall - sum(phases.values()))
    threads = []
    for name, p, alive in thread_profiles:
        st = pstats.Stats(p).stats
        busy = _fn_cumtime(st, "~", B)
        threads.append(
            {
                "name": name,
                "alive_seconds": alive,
                "bulk_load_seconds": busy,
                "bulk_load_calls": sum(v[1] for k, v in st.items() if k[2] == B),
                "idle_seconds": _fn_cumtime(st, "queue.py", "get"),
                **_top(st, 10),
            }
        )
    return {
        "wall_seconds_profiled": wall,
        **_top(main),
        "phases": phases,
        "threads": threads,
    }


WORKERS = {
    "pipeline": worker_pipeline,
    "rebuild": worker_rebuild,
    "params": worker_params,
    "query": worker_query,
    "baseline": worker_baseline,
    "profile": worker_profile,
}


# =============================================================================================
# Parent: run each step in a fresh process and read that child's own peak RSS.
# =============================================================================================


def run_step(step: str, spec: dict, log, timeout: float | None = None) -> dict:
    """Run one worker in a fresh interpreter; add its wall time and peak RSS (bytes).

    The peak comes from ``os.wait4`` on that one child (the ``ru_maxrss`` that
    ``getrusage(RUSAGE_CHILDREN)`` would report if it were the only child), so the peaks of
    successive steps never mix.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    fd, spec_path = tempfile.mkstemp(prefix=f"{step}-", suffix=".spec.json", dir=OUT)
    result_path = spec_path.replace(".spec.json", ".result.json")
    partial_path = spec_path.replace(".spec.json", ".partial.json")
    with os.fdopen(fd, "w") as fh:
        json.dump({**spec, "_partial": partial_path}, fh)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--_worker", step, spec_path, result_path],
        stdout=sys.stderr,
        cwd=str(REPO),
    )
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.perf_counter() - t0 > timeout:
            proc.kill()  # our own child, by pid
            killed_at = time.time()
            _, status, usage = os.wait4(proc.pid, 0)
            os.unlink(spec_path)
            log(f"  step {step!r} stopped after the {timeout:g} s timeout")
            partial = {}
            if os.path.exists(partial_path):
                with open(partial_path) as fh:
                    partial = json.load(fh)
                os.unlink(partial_path)
            if "saved_at" in partial:
                partial["seconds_until_stopped"] = partial.get("load_seconds", 0.0) + killed_at - partial["saved_at"]
            return {
                **partial,
                "timeout": timeout,
                "peak_rss_bytes": usage.ru_maxrss * 1024,
                "process_seconds": time.perf_counter() - t0,
            }
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    os.unlink(spec_path)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step {step!r} failed (exit {proc.returncode})")
    with open(result_path) as fh:
        result = json.load(fh)
    os.unlink(result_path)
    if os.path.exists(partial_path):
        os.unlink(partial_path)
    used = result.get("graphkit_file")
    if used and Path(used).resolve().parent.parent != REPO:
        log(f"  warning: step {step!r} imported graphkit from {used}, not from {REPO}")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    result["peak_rss_bytes"] = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    result["process_seconds"] = wall
    return result


def _worker_main(step: str, spec_path: str, result_path: str) -> int:
    # Measure this checkout's graphkit even if the editable install points elsewhere.
    sys.path.insert(0, str(REPO))
    with open(spec_path) as fh:
        spec = json.load(fh)
    result = WORKERS[step](spec)
    gk = sys.modules.get("graphkit")
    result["graphkit_file"] = getattr(gk, "__file__", None)
    with open(result_path, "w") as fh:
        json.dump(result, fh, default=str)
    return 0


def ensure_synthetic(n: int, seed: int, table_scale: float, log) -> Path:
    """The synthetic corpus of ``n`` digests, generated once and reused."""
    name = (
        f"synth-{n}" + (f"-seed{seed}" if seed != 1 else "") + (f"-scale{table_scale:g}" if table_scale != 1.0 else "")
    )
    folder = OUT / name
    marker = folder / ".complete.json"
    import hashlib

    # Regenerate when the generator itself changed.
    want = {
        "n": n,
        "seed": seed,
        "table_scale": table_scale,
        "synth_sha256": hashlib.sha256((HERE / "synth.py").read_bytes()).hexdigest(),
    }
    if marker.exists() and json.loads(marker.read_text()) == want:
        return folder
    log(f"generating {n} synthetic digests into {folder} …")
    shutil.rmtree(folder, ignore_errors=True)
    sys.path.insert(0, str(HERE))
    import synth

    t0 = time.perf_counter()
    synth.generate(folder, n, seed, table_scale)
    log(f"  done in {time.perf_counter() - t0:.1f} s")
    marker.write_text(json.dumps(want))
    return folder


def bench_corpus(label: str, corpus: Path, args, log) -> dict:
    runs = OUT / "runs" / label
    runs.mkdir(parents=True, exist_ok=True)
    kg = runs / "kg"
    res: dict = {"label": label, "corpus": str(corpus)}
    res["files"] = sum(1 for p in corpus.rglob("*.md"))
    res["corpus_bytes"] = sum(p.stat().st_size for p in corpus.rglob("*.md"))

    log(f"[{label}] pipeline: build + export N-Triples …")
    res["pipeline"] = run_step("pipeline", {"corpus": str(corpus), "out": str(kg), "nt": str(runs / "export.nt")}, log)
    p = res["pipeline"]
    log(f"  {p['seconds']:.2f} s, {p['quads']:,} quads, peak {p['peak_rss_bytes'] / 2**20:.0f} MiB")

    import inspect

    from graphkit.build import build as _build

    if "analysis" in inspect.signature(_build).parameters:
        log(f"[{label}] pipeline without the network analysis (build(..., analysis=False)) …")
        shutil.rmtree(runs / "kg-no-analysis", ignore_errors=True)
        res["pipeline_no_analysis"] = run_step(
            "pipeline",
            {
                "corpus": str(corpus),
                "out": str(runs / "kg-no-analysis"),
                "nt": str(runs / "export-no-analysis.nt"),
                "analysis": False,
            },
            log,
        )
        q = res["pipeline_no_analysis"]
        log(f"  {q['seconds']:.2f} s, {q['quads']:,} quads, peak {q['peak_rss_bytes'] / 2**20:.0f} MiB")
        shutil.rmtree(runs / "kg-no-analysis", ignore_errors=True)
        (runs / "export-no-analysis.nt").unlink(missing_ok=True)

    log(f"[{label}] rebuilds: no-op and one edited digest …")
    tmp = OUT / "tmp"
    tmp.mkdir(exist_ok=True)
    res["rebuild"] = run_step("rebuild", {"corpus": str(corpus), "tmp": str(tmp)}, log)

    log(f"[{label}] named queries …")
    from graphkit.store.queries import named_queries

    params = run_step("params", {"kg": str(kg)}, log)["params"]
    res["query_params"] = params
    queries = {}
    for name, q in named_queries().items():
        missing = [k for k in q.params if k not in params]
        if missing:
            queries[name] = {"skipped": f"no value for parameter {missing[0]!r}"}
            continue
        r = run_step(
            "query",
            {"kg": str(kg), "name": name, "params": {k: params[k] for k in q.params}, "repeat": 3},
            log,
            timeout=args.query_timeout,
        )
        if "timeout" in r:
            queries[name] = {"timeout": r["timeout"], "first_seconds": None, "peak_rss_bytes": r["peak_rss_bytes"]}
        else:
            queries[name] = {
                k: r[k] for k in ("first_seconds", "warm_seconds", "rows", "open_seconds", "peak_rss_bytes")
            }
        log(f"  {name}: " + (f"> {r['timeout']:g} s (timeout)" if "timeout" in r else f"{r['first_seconds']:.3f} s"))
    res["named_queries"] = queries
    timed = {k: v for k, v in queries.items() if "first_seconds" in v}
    if timed:
        # A timed-out query counts as the slowest (its time is at least the timeout).
        slowest = max(
            timed, key=lambda k: timed[k]["timeout"] * 1e6 if "timeout" in timed[k] else timed[k]["first_seconds"]
        )
        res["slowest_query"] = {"name": slowest, **timed[slowest]}
        res["queries_over_target"] = sorted(
            k for k, v in timed.items() if "timeout" in v or v["first_seconds"] >= TARGETS["named_query_seconds"]
        )
    tc = run_step("query", {"kg": str(kg), "sparql": THEME_COUNT_QUERY, "repeat": 3}, log)
    res["theme_count_graphkit"] = {k: tc[k] for k in ("first_seconds", "warm_seconds", "rows", "top")}

    if args.profile:
        log(f"[{label}] cProfile of the build …")
        res["profile"] = run_step(
            "profile", {"corpus": str(corpus), "out": str(runs / "kg-profile"), "prof": str(runs / "build.prof")}, log
        )
        res["profile"]["prof_file"] = str(runs / "build.prof")

    if not args.skip_baseline:
        log(f"[{label}] naive baseline: rdflib.Graph + Turtle …")
        b = run_step(
            "baseline",
            {"corpus": str(corpus), "ttl": str(runs / "baseline.ttl"), "converter": args.converter, "repeat": 3},
            log,
            timeout=args.baseline_timeout,
        )
        if "timeout" in b:
            # Stopped while serialising (or earlier): its wall time is at least the time it ran.
            b["seconds"] = b.get("seconds_until_stopped", b["process_seconds"])
            b["lower_bound"] = True
        res["baseline"] = b
        res["speedup"] = b["seconds"] / p["seconds"]
        res["speedup_lower_bound"] = bool(b.get("lower_bound"))
        res["memory_ratio"] = b["peak_rss_bytes"] / p["peak_rss_bytes"]
        more = "≥ " if b.get("lower_bound") else ""
        log(
            f"  {more}{b['seconds']:.2f} s, {b.get('triples', 0):,} triples, peak {b['peak_rss_bytes'] / 2**20:.0f} MiB → speed-up {more}{res['speedup']:.1f}x"
        )
        if not args.keep_outputs:
            (runs / "baseline.ttl").unlink(missing_ok=True)
    if not args.keep_outputs:
        (runs / "export.nt").unlink(missing_ok=True)
    return res


def check_targets(res: dict) -> dict:
    p = res["pipeline"]
    out = {
        "pipeline_seconds": {
            "target": f"< {TARGETS['pipeline_seconds']:g} s",
            "value": p["seconds"],
            "met": p["seconds"] < TARGETS["pipeline_seconds"],
        },
        "peak_rss": {
            "target": "< 1.5 GiB",
            "value": p["peak_rss_bytes"],
            "met": p["peak_rss_bytes"] < TARGETS["peak_rss_bytes"],
        },
    }
    if "pipeline_no_analysis" in res:
        q = res["pipeline_no_analysis"]
        out["pipeline_seconds_no_analysis"] = {
            "target": f"< {TARGETS['pipeline_seconds']:g} s (build without analysis)",
            "value": q["seconds"],
            "met": q["seconds"] < TARGETS["pipeline_seconds"],
        }
        out["peak_rss_no_analysis"] = {
            "target": "< 1.5 GiB (build without analysis)",
            "value": q["peak_rss_bytes"],
            "met": q["peak_rss_bytes"] < TARGETS["peak_rss_bytes"],
        }
    if "speedup" in res:
        out["speedup"] = {
            "target": f">= {TARGETS['speedup']:g}x",
            "value": res["speedup"],
            "met": res["speedup"] >= TARGETS["speedup"],
            "lower_bound": res.get("speedup_lower_bound", False),
        }
    if "slowest_query" in res:
        s = res["slowest_query"]
        value = s["timeout"] if "timeout" in s else s["first_seconds"]
        over = res.get("queries_over_target", [])
        out["named_queries"] = {
            "target": f"< {TARGETS['named_query_seconds']:g} s each (first run in a fresh process)",
            "value": value,
            "slowest": s["name"] + (" timed out" if "timeout" in s else ""),
            "over_target": over,
            "met": not over,
        }
    return out


def environment() -> dict:
    import pyoxigraph
    import rdflib

    import graphkit

    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_bytes": mem,
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "graphkit": graphkit.__version__,
        "graphkit_file": graphkit.__file__,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "graphkit_dirty_files": [line[3:] for line in git("status", "--porcelain", "graphkit").splitlines()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


# =============================================================================================
# Report
# =============================================================================================


def _s(x):
    return "—" if x is None else (f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _mib(b):
    return "—" if b is None else f"{b / 2**20:,.0f} MiB"


def render(report: dict) -> str:
    cols = report["corpora"]
    lines = []
    env = report["environment"]
    lines.append(
        f"Python {env['python']}, pyoxigraph {env['pyoxigraph']}, rdflib {env['rdflib']}, "
        f"{env['cpus']} CPUs, {env['memory_bytes'] / 2**30:.0f} GiB, graphkit {env['git_commit']}"
        + (
            f" (+ uncommitted changes in {len(env['graphkit_dirty_files'])} graphkit files)"
            if env["graphkit_dirty_files"]
            else ""
        )
    )
    lines.append("")

    def g(res, *path):
        for k in path:
            if res is None or k not in res:
                return None
            res = res[k]
        return res

    rows: list[tuple[str, list[str]]] = []

    def row(name, fn):
        rows.append((name, [fn(c) for c in cols]))

    row("digests (files)", lambda c: f"{c['pipeline']['digests']:,} ({c['files']:,})")
    row("corpus size", lambda c: _mib(c["corpus_bytes"]))
    row("quads in store", lambda c: f"{c['pipeline']['quads']:,}")
    row("build warnings", lambda c: f"{c['pipeline']['warnings']:,}")
    rows.append(("graphkit pipeline (build + export nt)", ["" for _ in cols]))
    row("  wall seconds", lambda c: _s(c["pipeline"]["seconds"]))
    row("    of which build", lambda c: _s(c["pipeline"]["build_seconds"]))
    row("    of which N-Triples export", lambda c: _s(c["pipeline"]["export_seconds"]))
    row("  digests/s", lambda c: f"{c['pipeline']['digests'] / c['pipeline']['seconds']:,.0f}")
    row("  triples/s (quads / wall)", lambda c: f"{c['pipeline']['quads'] / c['pipeline']['seconds']:,.0f}")
    row("  peak RSS", lambda c: _mib(c["pipeline"]["peak_rss_bytes"]))
    row("  store on disk (du)", lambda c: _mib(c["pipeline"]["store_bytes"]))
    row("  N-Triples file", lambda c: f"{_mib(c['pipeline']['nt_bytes'])} ({c['pipeline']['nt_triples']:,} lines)")
    if any("pipeline_no_analysis" in c for c in cols):
        rows.append(("same, build(..., analysis=False)", ["" for _ in cols]))
        row(
            "  wall seconds (build + export)",
            lambda c: (
                f"{_s(g(c, 'pipeline_no_analysis', 'seconds'))} ({_s(g(c, 'pipeline_no_analysis', 'build_seconds'))} + {_s(g(c, 'pipeline_no_analysis', 'export_seconds'))})"
                if g(c, "pipeline_no_analysis")
                else "—"
            ),
        )
        row("  quads", lambda c: f"{g(c, 'pipeline_no_analysis', 'quads'):,}" if g(c, "pipeline_no_analysis") else "—")
        row("  peak RSS", lambda c: _mib(g(c, "pipeline_no_analysis", "peak_rss_bytes")))
        row("  store on disk (du)", lambda c: _mib(g(c, "pipeline_no_analysis", "store_bytes")))
    rows.append(("rebuilds (on a copy)", ["" for _ in cols]))
    row("  full build, no export", lambda c: _s(c["rebuild"]["full_build_seconds"]))
    row("  no-op rebuild", lambda c: _s(c["rebuild"]["noop_seconds"]))
    row(
        "  one digest edited",
        lambda c: _s(c["rebuild"]["incremental_seconds"]) + f" ({c['rebuild']['incremental_changed']} changed)",
    )
    rows.append(("named queries, seconds (first / warm)", ["" for _ in cols]))
    names = sorted({n for c in cols for n in c.get("named_queries", {})})
    for n in names:

        def fq(c, n=n):
            q = c.get("named_queries", {}).get(n)
            if q is None:
                return "—"
            if "skipped" in q:
                return "skipped"
            if "timeout" in q:
                return f"> {q['timeout']:g} (timeout)"
            return f"{_s(q['first_seconds'])} / {_s(q['warm_seconds'])}"

        row(f"  {n}", fq)
    row(
        "  slowest (first run)",
        lambda c: (
            (
                f"{c['slowest_query']['name']} "
                + (
                    f"> {c['slowest_query']['timeout']:g}"
                    if "timeout" in c["slowest_query"]
                    else _s(c["slowest_query"]["first_seconds"])
                )
            )
            if "slowest_query" in c
            else "—"
        ),
    )
    row("  over 0.3 s", lambda c: f"{len(c.get('queries_over_target', []))} of {len(c.get('named_queries', {}))}")
    row(
        "theme-count SPARQL, graphkit (first / warm)",
        lambda c: f"{_s(c['theme_count_graphkit']['first_seconds'])} / {_s(c['theme_count_graphkit']['warm_seconds'])}",
    )
    if any("baseline" in c for c in cols):
        rows.append(("naive baseline (rdflib Graph + Turtle)", ["" for _ in cols]))
        lb = lambda c: "> " if g(c, "baseline", "lower_bound") else ""  # noqa: E731
        row("  wall seconds", lambda c: lb(c) + _s(g(c, "baseline", "seconds")) + (" (stopped)" if lb(c) else ""))
        row("    parse + map", lambda c: _s(g(c, "baseline", "parse_map_seconds")))
        row("    parse + map + g.add", lambda c: _s(g(c, "baseline", "load_seconds")))
        row(
            "    serialize Turtle",
            lambda c: (
                f"> {_s(g(c, 'baseline', 'seconds') - g(c, 'baseline', 'load_seconds'))} (stopped)"
                if lb(c) and g(c, "baseline", "load_seconds") is not None
                else _s(g(c, "baseline", "serialize_seconds"))
            ),
        )
        row("  triples in graph", lambda c: f"{g(c, 'baseline', 'triples'):,}" if g(c, "baseline") else "—")
        row("  peak RSS", lambda c: _mib(g(c, "baseline", "peak_rss_bytes")))
        row(
            "  theme-count SPARQL (first / warm)",
            lambda c: (
                f"{_s(g(c, 'baseline', 'theme_count', 'first_seconds'))} / {_s(g(c, 'baseline', 'theme_count', 'warm_seconds'))}"
                if g(c, "baseline")
                else "—"
            ),
        )
        row(
            "speed-up graphkit vs baseline",
            lambda c: (
                (("> " if c.get("speedup_lower_bound") else "") + f"{c['speedup']:.1f}x") if "speedup" in c else "—"
            ),
        )
        row("peak memory baseline / graphkit", lambda c: f"{c['memory_ratio']:.1f}x" if "memory_ratio" in c else "—")

    headers = ["", *[c["label"] for c in cols]]
    widths = [
        max(len(headers[i]), *(len(r[0]) if i == 0 else len(r[1][i - 1]) for r in rows)) for i in range(len(headers))
    ]
    fmt = lambda cells: "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))  # noqa: E731
    lines.append(fmt(headers))
    lines.append("  ".join("-" * w for w in widths))
    for name, cells in rows:
        lines.append(fmt([name, *cells]))

    for c in cols:
        if "targets" in c:
            lines.append("")
            lines.append(f"Targets ({c['label']}):")
            for k, t in c["targets"].items():
                v = t["value"]
                shown = (
                    _mib(v)
                    if k.startswith("peak_rss")
                    else (("> " if t.get("lower_bound") else "") + f"{v:.1f}x")
                    if k == "speedup"
                    else f"{v:.3f} s"
                    if "slowest" not in t or "timed out" not in t["slowest"]
                    else f"> {v:g} s"
                )
                extra = f" ({t['slowest']}; {len(t['over_target'])} queries over target)" if "slowest" in t else ""
                lines.append(
                    f"  {'MET    ' if t['met'] else 'MISSED '} {k:<17} {t['target']:<48} measured {shown}{extra}"
                )
        if "profile" in c:
            pr = c["profile"]
            lines.append("")
            lines.append(
                f"Profile of the build ({c['label']}, cProfile, {pr['wall_seconds_profiled']:.1f} s under the profiler):"
            )
            lines.append("  phases (cumulative seconds):")
            for k, v in sorted(pr["phases"].items(), key=lambda kv: -kv[1]):
                lines.append(f"    {v:8.2f}  {k}")
            for th in pr.get("threads", []):
                lines.append(
                    f"  thread {th['name']}: alive {th['alive_seconds']:.2f} s, bulk_load {th['bulk_load_seconds']:.2f} s "
                    f"in {th['bulk_load_calls']} calls, idle (waiting for batches) {th['idle_seconds']:.2f} s"
                )
            lines.append("  main thread, top functions by own time:")
            lines.append(f"    {'tottime':>8} {'cumtime':>8} {'calls':>10}  function")
            for e in pr["by_tottime"][:20]:
                lines.append(f"    {e['tottime']:8.2f} {e['cumtime']:8.2f} {e['calls']:>10,}  {e['function']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--_worker":
        return _worker_main(*sys.argv[2:5])
    sys.path.insert(0, str(REPO))  # this checkout's graphkit, whatever the editable install says
    ap = argparse.ArgumentParser(description="Benchmark graphkit's build against a naive rdflib baseline.")
    ap.add_argument(
        "--synthetic", type=int, default=10_000, metavar="N", help="synthetic digests (default 10000; 0 to skip)"
    )
    ap.add_argument(
        "--corpus",
        default=str(DEFAULT_CORPUS) if DEFAULT_CORPUS.is_dir() else "",
        help=f"a real digest folder (default {DEFAULT_CORPUS} if it exists; '' to skip)",
    )
    ap.add_argument("--skip-baseline", action="store_true", help="do not run the naive rdflib baseline")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--profile", action="store_true", help="also profile the build with cProfile")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus (default 1)")
    ap.add_argument(
        "--table-scale", type=float, default=1.0, help="rows per table relative to the real corpus (default 1.0)"
    )
    ap.add_argument(
        "--converter",
        choices=("fast", "from_n3"),
        default="fast",
        help="baseline's N-Triples term → rdflib term conversion (default: a cached hand-written one)",
    )
    ap.add_argument(
        "--query-timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="stop a named query after this many seconds (default 30)",
    )
    ap.add_argument(
        "--baseline-timeout",
        type=float,
        default=1800.0,
        metavar="S",
        help="stop the baseline after this many seconds and report its time as a lower bound (default 1800)",
    )
    ap.add_argument("--keep-outputs", action="store_true", help="keep the exported .nt and the baseline's .ttl")
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    report = {"environment": environment(), "corpora": []}
    corpora: list[tuple[str, Path]] = []
    if args.corpus:
        corpora.append((Path(args.corpus).name or "corpus", Path(args.corpus)))
    if args.synthetic > 0:
        corpora.append(
            (
                f"synthetic-{args.synthetic}" + (f"-x{args.table_scale:g}" if args.table_scale != 1.0 else ""),
                ensure_synthetic(args.synthetic, args.seed, args.table_scale, log),
            )
        )
    for label, path in corpora:
        res = bench_corpus(label, path, args, log)
        if label.startswith("synthetic"):
            res["targets"] = check_targets(res)
        report["corpora"].append(res)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = "-".join(c[0] for c in corpora) or "none"
    (OUT / f"results-{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render(report))
        log(f"\nJSON: {OUT / f'results-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
