"""Benchmark graphkit's build pipeline against a naive rdflib baseline.

    python benchmarks/bench_build.py [--synthetic N] [--corpus DIR] [--skip-baseline] [--json]

For each corpus (the shared real corpus, and N synthetic digests from ``benchmarks/synth.py``,
generated once into ``benchmarks/out/synth-N/`` and reused) it measures, each step in a fresh
Python process so that peak memory figures do not mix:

* pipeline    ``graphkit.build.build(paths, out)`` into a fresh folder, then
              ``KnowledgeGraph(out).export("nt", file)``: wall time, quads, peak RSS, store size
              on disk, N-Triples size;
* rebuilds    no-op rebuild, and rebuild after editing one digest's title (on a copy);
* queries     every named query (``graphkit.queries.named_queries()``), each in its own process:
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
DEFAULT_CORPUS = Path("/work/shared/corpus/futures")

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
    from graphkit.build import build
    from graphkit.graph import KnowledgeGraph
    import pyoxigraph  # noqa: F401  (imported before the clock starts, as for the baseline)

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    nt = Path(spec["nt"])
    nt.unlink(missing_ok=True)
    t0 = time.perf_counter()
    report = build([spec["corpus"]], out)
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
        full = build([corpus], out)
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
    """Plausible parameter values for the named queries, read from the built graph."""
    from graphkit.graph import KnowledgeGraph

    kg = KnowledgeGraph(spec["kg"])
    params: dict[str, str] = {}
    rows = kg.named("top-themes").rows
    if rows:
        params["theme"] = rows[0][1]
    rows = kg.named("top-technologies").rows
    if rows:
        params["technology"] = rows[0][1]
    rows = kg.query("SELECT ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 1").rows
    if rows:
        params["article"] = rows[0][0]
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
    return {
        "open_seconds": open_s,
        "first_seconds": times[0],
        "warm_seconds": min(times[1:]) if len(times) > 1 else times[0],
        "rows": len(result.rows),
        "top": result.rows[:3],
    }


_NT_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
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
    from graphkit.mapper import label_triples, map_digest
    from graphkit.parse import DigestError, parse_file

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
    g.serialize(destination=str(ttl), format="turtle")
    t2 = time.perf_counter()
    result = {
        "digests": digests,
        "triples": len(g),
        "parse_map_seconds": parse_map,
        "load_seconds": t1 - t0,
        "serialize_seconds": t2 - t1,
        "seconds": t2 - t0,
        "ttl_bytes": ttl.stat().st_size,
    }
    times, rows = [], []
    for _ in range(1 + spec.get("repeat", 3)):
        t = time.perf_counter()
        rows = [[str(x) if not isinstance(x, rdflib.Literal) else x.toPython() for x in r] for r in g.query(THEME_COUNT_QUERY)]
        times.append(time.perf_counter() - t)
    result["theme_count"] = {"first_seconds": times[0], "warm_seconds": min(times[1:]), "top": rows[:3]}
    return result


def worker_profile(spec: dict) -> dict:
    """The build under cProfile: top functions and the time of each pipeline phase."""
    import cProfile
    import pstats

    from graphkit.build import build
    import pyoxigraph  # noqa: F401

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    build([spec["corpus"]], out)
    prof.disable()
    wall = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    prof.dump_stats(spec["prof"])
    st = pstats.Stats(prof)
    entries = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():
        where = func if file == "~" else f"{Path(file).name}:{line}({func})"
        entries.append({"function": where, "calls": nc, "tottime": tt, "cumtime": ct})
    # Phases: cumulative time of the functions that make up the build (they do not nest, except
    # that parse_bytes hashes the file again, which is counted under "parse").
    phase_funcs = {
        "discover files": ("build.py", "discover"),
        "read files": ("pathlib.py", "read_bytes"),
        "parse (parse_bytes)": ("parse.py", "parse_bytes"),
        "map (map_digest)": ("mapper.py", "map_digest"),
        "N-Quads text (_nquads)": ("build.py", "_nquads"),
        "store load (Store.bulk_load)": ("~", "<method 'bulk_load' of 'pyoxigraph.Store' objects>"),
        "store flush": ("~", "<method 'flush' of 'pyoxigraph.Store' objects>"),
        "labels (label_triples)": ("mapper.py", "label_triples"),
        "entity counts (entity_counts)": ("build.py", "entity_counts"),
        "manifest write (GraphFolder.publish)": ("store.py", "publish"),
        "remove old generations": ("store.py", "remove_stale"),
    }
    phases = {}
    for label, (fname, func) in phase_funcs.items():
        phases[label] = sum(
            v[3] for (file, _line, f), v in st.stats.items()
            if f == func and ((fname == "~" and file == "~") or file.endswith(fname))
        )
    # sha256 of every file in build() itself (parse_bytes's own hashing is inside "parse").
    phases["hash files (build)"] = sum(
        cstats[3]
        for (file, _l, f), (_cc, _nc, _tt, _ct, callers) in st.stats.items()
        if file == "~" and "openssl_sha256" in f
        for caller, cstats in callers.items()
        if caller[0].endswith("build.py") and caller[2] == "build"
    )
    phases["other"] = max(0.0, wall - sum(phases.values()))
    total = sum(v[2] for v in st.stats.values())
    return {
        "wall_seconds_profiled": wall,
        "total_tottime": total,
        "by_tottime": sorted(entries, key=lambda e: -e["tottime"])[:25],
        "by_cumtime": sorted(entries, key=lambda e: -e["cumtime"])[:25],
        "phases": phases,
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


def run_step(step: str, spec: dict, log) -> dict:
    """Run one worker in a fresh interpreter; add its wall time and peak RSS (bytes).

    The peak comes from ``os.wait4`` on that one child (the ``ru_maxrss`` that
    ``getrusage(RUSAGE_CHILDREN)`` would report if it were the only child), so the peaks of
    successive steps never mix.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    fd, spec_path = tempfile.mkstemp(prefix=f"{step}-", suffix=".spec.json", dir=OUT)
    with os.fdopen(fd, "w") as fh:
        json.dump(spec, fh)
    result_path = spec_path.replace(".spec.json", ".result.json")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--_worker", step, spec_path, result_path],
        stdout=sys.stderr, cwd=str(REPO),
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    os.unlink(spec_path)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step {step!r} failed (exit {proc.returncode})")
    with open(result_path) as fh:
        result = json.load(fh)
    os.unlink(result_path)
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    result["peak_rss_bytes"] = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    result["process_seconds"] = wall
    return result


def _worker_main(step: str, spec_path: str, result_path: str) -> int:
    with open(spec_path) as fh:
        spec = json.load(fh)
    result = WORKERS[step](spec)
    with open(result_path, "w") as fh:
        json.dump(result, fh, default=str)
    return 0


def ensure_synthetic(n: int, seed: int, table_scale: float, log) -> Path:
    """The synthetic corpus of ``n`` digests, generated once and reused."""
    name = f"synth-{n}" + (f"-seed{seed}" if seed != 1 else "") + (f"-scale{table_scale:g}" if table_scale != 1.0 else "")
    folder = OUT / name
    marker = folder / ".complete.json"
    want = {"n": n, "seed": seed, "table_scale": table_scale}
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

    log(f"[{label}] rebuilds: no-op and one edited digest …")
    tmp = OUT / "tmp"
    tmp.mkdir(exist_ok=True)
    res["rebuild"] = run_step("rebuild", {"corpus": str(corpus), "tmp": str(tmp)}, log)

    log(f"[{label}] named queries …")
    from graphkit.queries import named_queries

    params = run_step("params", {"kg": str(kg)}, log)["params"]
    res["query_params"] = params
    queries = {}
    for name, q in named_queries().items():
        missing = [k for k in q.params if k not in params]
        if missing:
            queries[name] = {"skipped": f"no value for parameter {missing[0]!r}"}
            continue
        r = run_step("query", {"kg": str(kg), "name": name, "params": {k: params[k] for k in q.params}, "repeat": 3}, log)
        queries[name] = {k: r[k] for k in ("first_seconds", "warm_seconds", "rows", "open_seconds", "peak_rss_bytes")}
    res["named_queries"] = queries
    timed = {k: v for k, v in queries.items() if "first_seconds" in v}
    if timed:
        slowest = max(timed, key=lambda k: timed[k]["first_seconds"])
        res["slowest_query"] = {"name": slowest, **timed[slowest]}
    tc = run_step("query", {"kg": str(kg), "sparql": THEME_COUNT_QUERY, "repeat": 3}, log)
    res["theme_count_graphkit"] = {k: tc[k] for k in ("first_seconds", "warm_seconds", "rows", "top")}

    if args.profile:
        log(f"[{label}] cProfile of the build …")
        res["profile"] = run_step("profile", {"corpus": str(corpus), "out": str(runs / "kg-profile"), "prof": str(runs / "build.prof")}, log)
        res["profile"]["prof_file"] = str(runs / "build.prof")

    if not args.skip_baseline:
        log(f"[{label}] naive baseline: rdflib.Graph + Turtle …")
        b = run_step("baseline", {"corpus": str(corpus), "ttl": str(runs / "baseline.ttl"), "converter": args.converter, "repeat": 3}, log)
        res["baseline"] = b
        res["speedup"] = b["seconds"] / p["seconds"]
        res["memory_ratio"] = b["peak_rss_bytes"] / p["peak_rss_bytes"]
        log(f"  {b['seconds']:.2f} s, {b['triples']:,} triples, peak {b['peak_rss_bytes'] / 2**20:.0f} MiB → speed-up {res['speedup']:.1f}x")
        if not args.keep_outputs:
            (runs / "baseline.ttl").unlink(missing_ok=True)
    if not args.keep_outputs:
        (runs / "export.nt").unlink(missing_ok=True)
    return res


def check_targets(res: dict) -> dict:
    p = res["pipeline"]
    out = {
        "pipeline_seconds": {"target": f"< {TARGETS['pipeline_seconds']:g} s", "value": p["seconds"], "met": p["seconds"] < TARGETS["pipeline_seconds"]},
        "peak_rss": {"target": "< 1.5 GiB", "value": p["peak_rss_bytes"], "met": p["peak_rss_bytes"] < TARGETS["peak_rss_bytes"]},
    }
    if "speedup" in res:
        out["speedup"] = {"target": f">= {TARGETS['speedup']:g}x", "value": res["speedup"], "met": res["speedup"] >= TARGETS["speedup"]}
    if "slowest_query" in res:
        s = res["slowest_query"]
        out["named_queries"] = {
            "target": f"< {TARGETS['named_query_seconds']:g} s each (first run in a fresh process)",
            "value": s["first_seconds"], "slowest": s["name"],
            "met": s["first_seconds"] < TARGETS["named_query_seconds"],
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
    lines.append(f"Python {env['python']}, pyoxigraph {env['pyoxigraph']}, rdflib {env['rdflib']}, "
                 f"{env['cpus']} CPUs, {env['memory_bytes'] / 2**30:.0f} GiB, graphkit {env['git_commit']}"
                 + (f" (+ uncommitted changes in {len(env['graphkit_dirty_files'])} graphkit files)" if env["graphkit_dirty_files"] else ""))
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
    rows.append(("rebuilds (on a copy)", ["" for _ in cols]))
    row("  full build, no export", lambda c: _s(c["rebuild"]["full_build_seconds"]))
    row("  no-op rebuild", lambda c: _s(c["rebuild"]["noop_seconds"]))
    row("  one digest edited", lambda c: _s(c["rebuild"]["incremental_seconds"]) + f" ({c['rebuild']['incremental_changed']} changed)")
    rows.append(("named queries, seconds (first / warm)", ["" for _ in cols]))
    names = sorted({n for c in cols for n in c.get("named_queries", {})})
    for n in names:
        def fq(c, n=n):
            q = c.get("named_queries", {}).get(n)
            if q is None:
                return "—"
            if "skipped" in q:
                return "skipped"
            return f"{_s(q['first_seconds'])} / {_s(q['warm_seconds'])}"
        row(f"  {n}", fq)
    row("  slowest (first run)", lambda c: f"{c['slowest_query']['name']} {_s(c['slowest_query']['first_seconds'])}" if "slowest_query" in c else "—")
    row("theme-count SPARQL, graphkit (first / warm)", lambda c: f"{_s(c['theme_count_graphkit']['first_seconds'])} / {_s(c['theme_count_graphkit']['warm_seconds'])}")
    if any("baseline" in c for c in cols):
        rows.append(("naive baseline (rdflib Graph + Turtle)", ["" for _ in cols]))
        row("  wall seconds", lambda c: _s(g(c, "baseline", "seconds")))
        row("    parse + map", lambda c: _s(g(c, "baseline", "parse_map_seconds")))
        row("    parse + map + g.add", lambda c: _s(g(c, "baseline", "load_seconds")))
        row("    serialize Turtle", lambda c: _s(g(c, "baseline", "serialize_seconds")))
        row("  triples in graph", lambda c: f"{g(c, 'baseline', 'triples'):,}" if g(c, "baseline") else "—")
        row("  peak RSS", lambda c: _mib(g(c, "baseline", "peak_rss_bytes")))
        row("  theme-count SPARQL (first / warm)", lambda c: f"{_s(g(c, 'baseline', 'theme_count', 'first_seconds'))} / {_s(g(c, 'baseline', 'theme_count', 'warm_seconds'))}" if g(c, "baseline") else "—")
        row("speed-up graphkit vs baseline", lambda c: f"{c['speedup']:.1f}x" if "speedup" in c else "—")
        row("peak memory baseline / graphkit", lambda c: f"{c['memory_ratio']:.1f}x" if "memory_ratio" in c else "—")

    headers = ["", *[c["label"] for c in cols]]
    widths = [max(len(headers[i]), *(len(r[0]) if i == 0 else len(r[1][i - 1]) for r in rows)) for i in range(len(headers))]
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
                shown = _mib(v) if k == "peak_rss" else f"{v:.1f}x" if k == "speedup" else f"{v:.3f} s"
                extra = f" ({t['slowest']})" if "slowest" in t else ""
                lines.append(f"  {'MET    ' if t['met'] else 'MISSED '} {k:<17} {t['target']:<48} measured {shown}{extra}")
        if "profile" in c:
            pr = c["profile"]
            lines.append("")
            lines.append(f"Profile of the build ({c['label']}, cProfile, {pr['wall_seconds_profiled']:.1f} s under the profiler):")
            lines.append("  phases (cumulative seconds):")
            for k, v in sorted(pr["phases"].items(), key=lambda kv: -kv[1]):
                lines.append(f"    {v:8.2f}  {k}")
            lines.append("  top functions by own time:")
            lines.append(f"    {'tottime':>8} {'cumtime':>8} {'calls':>10}  function")
            for e in pr["by_tottime"][:20]:
                lines.append(f"    {e['tottime']:8.2f} {e['cumtime']:8.2f} {e['calls']:>10,}  {e['function']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--_worker":
        return _worker_main(*sys.argv[2:5])
    ap = argparse.ArgumentParser(description="Benchmark graphkit's build against a naive rdflib baseline.")
    ap.add_argument("--synthetic", type=int, default=10_000, metavar="N", help="synthetic digests (default 10000; 0 to skip)")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS) if DEFAULT_CORPUS.is_dir() else "",
                    help=f"a real digest folder (default {DEFAULT_CORPUS} if it exists; '' to skip)")
    ap.add_argument("--skip-baseline", action="store_true", help="do not run the naive rdflib baseline")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--profile", action="store_true", help="also profile the build with cProfile")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus (default 1)")
    ap.add_argument("--table-scale", type=float, default=1.0, help="rows per table relative to the real corpus (default 1.0)")
    ap.add_argument("--converter", choices=("fast", "from_n3"), default="fast",
                    help="baseline's N-Triples term → rdflib term conversion (default: a cached hand-written one)")
    ap.add_argument("--keep-outputs", action="store_true", help="keep the exported .nt and the baseline's .ttl")
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    report = {"environment": environment(), "corpora": []}
    corpora: list[tuple[str, Path]] = []
    if args.corpus:
        corpora.append((Path(args.corpus).name or "corpus", Path(args.corpus)))
    if args.synthetic > 0:
        corpora.append((f"synthetic-{args.synthetic}" + (f"-x{args.table_scale:g}" if args.table_scale != 1.0 else ""),
                        ensure_synthetic(args.synthetic, args.seed, args.table_scale, log)))
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
