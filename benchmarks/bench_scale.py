"""Growth curve of graphkit's build, and the issue's targets, through the CLI only.

    python benchmarks/bench_scale.py [--sizes 1000,3500,10000] [--kinds real,synth] [--variants]
                                     [--skip-queries] [--skip-rdflib] [--skip-update] [--keep] [--json]

For each corpus size and kind (``synth``: ``benchmarks/synth.py OUT -n N --seed 1``; ``real``:
``benchmarks/realshaped.py`` with 35 real digests copied until there are N), each step in a fresh
process so that peak memory figures never mix:

* build      ``graphkit build CORPUS --out KG --json`` (default options; ``--variants`` adds
             ``--no-analysis --no-actors``, ``--no-analysis`` and ``--no-actors``): wall time of the
             command, peak RSS, and the report's per-stage times if it has a ``stages`` key;
* rdflib     ``graphkit export --format nt -o FILE``, then ``rdflib.Graph().parse(FILE, format="nt")``
             timed inside a fresh interpreter: the yardstick (default build ≤ 1.0x that parse);
* update     real kind at ``--update-size`` (3500 = 35 x 100): the 37 next real digests added to the
             built graph (``graphkit build CORPUS CORPUS-extra --out KG``): the weekly update (≤ 5 s);
* queries    every named query (``graphkit query --list --json``): ``graphkit query --name …`` in a
             fresh process, first run then best of 3; and in one process that opens
             ``KnowledgeGraph`` once, ``kg.named(name)`` first run then best of 3 (target ≤ 0.3 s).

Corpora are generated once into ``benchmarks/out/scale/corpora/`` and reused; graph folders go to
``benchmarks/out/scale/runs/`` and are removed unless ``--keep``. Results: a table (or ``--json``)
and ``benchmarks/out/scale-results.json``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SCALE = OUT / "scale"
CORPORA = SCALE / "corpora"
RUNS = SCALE / "runs"
RESULTS = OUT / "scale-results.json"
DEFAULT_SOURCE = REPO.parent / "shared" / "corpus"
GNU_TIME = "/usr/bin/time"

REAL_DIGESTS = 35
REAL_EXTRA = 37

#: Targets from the project issue.
TARGETS = {
    "build_over_rdflib_parse": 1.0,  # default build wall ≤ 1.0 x rdflib's N-Triples parse
    "weekly_update_seconds": 5.0,  # 37 new digests on the 3,500-digest graph
    "named_query_seconds": 0.3,  # each named query, on 10,000 digests
}

VARIANTS = {
    "default": [],
    "no-analysis+no-actors": ["--no-analysis", "--no-actors"],
    "no-analysis": ["--no-analysis"],
    "no-actors": ["--no-actors"],
}

# Runs CMD... and writes its peak RSS (KiB, from getrusage(RUSAGE_CHILDREN): the only child) to
# RESULT: the fallback when GNU time is not installed.
RUSAGE_WRAPPER = """\
import json, resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": rc, "maxrss": ru.ru_maxrss}, open(sys.argv[1], "w"))
sys.exit(rc)
"""

# rdflib's N-Triples parse, timed after the imports.
RDFLIB_PARSE = """\
import json, sys, time
import rdflib
t0 = time.perf_counter()
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
t1 = time.perf_counter()
json.dump({"parse_seconds": t1 - t0, "triples": len(g), "rdflib": rdflib.__version__}, open(sys.argv[2], "w"))
"""

# Every named query in one process that opens the graph once: first run, then best of N.
INPROCESS_QUERIES = """\
import json, sys, time
spec = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
from graphkit.graph import KnowledgeGraph
t1 = time.perf_counter()
kg = KnowledgeGraph(spec["kg"])
t2 = time.perf_counter()
out = {"import_seconds": t1 - t0, "open_seconds": t2 - t1, "queries": {}}
for name, params in spec["queries"]:
    times, rows, error = [], None, None
    try:
        for _ in range(1 + spec["repeat"]):
            t = time.perf_counter()
            r = kg.named(name, params or None)
            times.append(time.perf_counter() - t)
            rows = len(r.rows) if r.kind == "select" else None
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
    out["queries"][name] = {"first_seconds": times[0] if times else None,
                            "best_seconds": min(times[1:]) if len(times) > 1 else None,
                            "rows": rows, "error": error}
json.dump(out, open(sys.argv[2], "w"))
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# =============================================================================================
# Running one command in a fresh process: wall time and peak RSS
# =============================================================================================


def graphkit_cmd() -> list[str]:
    """The ``graphkit`` console script of this interpreter's environment."""
    exe = Path(sys.executable).parent / "graphkit"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("graphkit")
    if not found:
        raise SystemExit("graphkit is not on PATH: pip install -e . first")
    return [found]


def _has_gnu_time() -> bool:
    if not os.access(GNU_TIME, os.X_OK):
        return False
    try:
        r = subprocess.run([GNU_TIME, "-v", "-o", os.devnull, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


HAS_GNU_TIME: bool | None = None


def measure(
    cmd: list[str], stdout_path: Path | None = None, stderr_path: Path | None = None, timeout: float | None = None
) -> dict:
    """Run ``cmd`` in a fresh process: wall seconds (measured here, so interpreter start and
    imports included), peak RSS in bytes (GNU ``time -v``, else ``getrusage(RUSAGE_CHILDREN)`` in
    a wrapper process) and exit status. On timeout the process group we started is killed."""
    global HAS_GNU_TIME
    if HAS_GNU_TIME is None:
        HAS_GNU_TIME = _has_gnu_time()
    SCALE.mkdir(parents=True, exist_ok=True)
    fd, info = tempfile.mkstemp(prefix="measure-", suffix=".txt", dir=SCALE)
    os.close(fd)
    if HAS_GNU_TIME:
        full = [GNU_TIME, "-v", "-o", info, *cmd]
    else:
        full = [sys.executable, "-c", RUSAGE_WRAPPER, info, *cmd]
    res: dict = {"cmd": cmd, "rss_method": "GNU time -v" if HAS_GNU_TIME else "getrusage(RUSAGE_CHILDREN) wrapper"}
    with contextlib.ExitStack() as stack:
        stack.callback(Path(info).unlink, missing_ok=True)
        out = stack.enter_context(open(stdout_path, "wb")) if stdout_path else subprocess.DEVNULL
        err = stack.enter_context(open(stderr_path, "wb")) if stderr_path else subprocess.DEVNULL
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=err, cwd=str(REPO), start_new_session=True)
        # A blocking wait: Popen.wait(timeout=…) polls every 50 ms, which would round the times.
        # The timeout is a timer that kills the process group this call started, by its id.
        fired = threading.Event()

        def kill():
            fired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        rc = proc.wait()
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        if fired.is_set():
            res.update(timeout=timeout, wall_seconds=wall, returncode=None, peak_rss_bytes=None)
            return res
        res["wall_seconds"] = wall
        res["returncode"] = rc
        text = Path(info).read_text(errors="replace")
    if HAS_GNU_TIME:
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
        res["peak_rss_bytes"] = int(m[1]) * 1024 if m else None
        m = re.search(r"^\s*Elapsed \(wall clock\).*\s(\d[\d:.]*)\s*$", text, re.M)
        if m:
            secs = 0.0
            for part in m[1].split(":"):
                secs = secs * 60 + float(part)
            res["time_elapsed_seconds"] = secs
    else:
        data = json.loads(text) if text.strip() else {}
        res["peak_rss_bytes"] = data.get("maxrss", 0) * (1 if sys.platform == "darwin" else 1024) or None
    return res


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def _load_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"load average {loadavg()}"


# =============================================================================================
# Corpora (generated once, reused while the generator and its arguments are unchanged)
# =============================================================================================


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_corpus(kind: str, size: int, args) -> tuple[Path, Path | None, dict]:
    """(corpus folder, extra folder or None, generation info)."""
    folder = CORPORA / f"{kind}-{size}"
    marker = folder / ".bench-scale.json"
    if kind == "synth":
        cmd = [sys.executable, str(HERE / "synth.py"), str(folder), "-n", str(size), "--seed", str(args.seed)]
        want = {"kind": kind, "size": size, "seed": args.seed, "generator_sha256": _sha(HERE / "synth.py")}
    else:
        cmd = [
            sys.executable,
            str(HERE / "realshaped.py"),
            str(folder),
            "--digests",
            str(REAL_DIGESTS),
            "--total",
            str(size),
            "--extra",
            str(REAL_EXTRA),
            "--source",
            str(args.source),
        ]
        want = {
            "kind": kind,
            "size": size,
            "source": str(Path(args.source).resolve()),
            "generator_sha256": _sha(HERE / "realshaped.py"),
        }
    extra = folder.parent / (folder.name + "-extra") if kind == "real" else None
    if marker.exists() and _load_json(marker) == want and (extra is None or extra.is_dir()):
        return folder, extra, {"reused": True}
    log(f"  generating the {kind} corpus of {size:,} digests into {folder} …")
    if kind == "synth":
        shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=str(REPO), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"corpus generation failed: {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    secs = time.perf_counter() - t0
    for line in r.stdout.strip().splitlines():
        log(f"    {line}")
    marker.write_text(json.dumps(want))
    return folder, extra, {"reused": False, "seconds": secs, "cmd": cmd}


# =============================================================================================
# Steps
# =============================================================================================


def stages_of(report) -> dict[str, float] | None:
    """The report's per-stage seconds: ``stages`` as {name: seconds} or [{name, seconds}]."""
    if not isinstance(report, dict) or "stages" not in report:
        return None
    st = report["stages"]
    out: dict[str, float] = {}
    if isinstance(st, dict):
        for k, v in st.items():
            if isinstance(v, dict):  # {name: {"seconds": …}}
                v = v.get("seconds")
            if isinstance(v, (int, float)):
                out[str(k)] = float(v)
    elif isinstance(st, list):
        for i, e in enumerate(st):
            if isinstance(e, dict):
                name = e.get("name", e.get("stage", f"stage {i}"))
                v = e.get("seconds", e.get("time"))
                if isinstance(v, (int, float)):
                    out[str(name)] = float(v)
            elif isinstance(e, (list, tuple)) and len(e) == 2 and isinstance(e[1], (int, float)):
                out[str(e[0])] = float(e[1])
    return out


def run_build(paths: list[Path], kg: Path, flags: list[str], logdir: Path, tag: str, fresh: bool = True) -> dict:
    if fresh:
        shutil.rmtree(kg, ignore_errors=True)
    stdout, stderr = logdir / f"build-{tag}.json", logdir / f"build-{tag}.stderr"
    load = loadavg()
    m = measure([*graphkit_cmd(), "build", *map(str, paths), "--out", str(kg), "--json", *flags], stdout, stderr)
    m["loadavg_before"] = load
    if m.get("returncode") != 0:
        raise RuntimeError(f"graphkit build failed (exit {m.get('returncode')}):\n{_tail(stderr)}")
    report = _load_json(stdout)
    if not isinstance(report, dict):
        raise RuntimeError(f"graphkit build --json did not print a JSON object; see {stdout}")
    m["report"] = {k: v for k, v in report.items() if k != "problems"}
    m["problems"] = len(report.get("problems", []))
    m["stages"] = stages_of(report)
    return m


def run_export_and_rdflib(kg: Path, logdir: Path, args) -> tuple[dict, dict | None]:
    nt = logdir / "export.nt"
    nt.unlink(missing_ok=True)
    ex = measure(
        [*graphkit_cmd(), "export", "--format", "nt", "-o", str(nt), "--store", str(kg)],
        stderr_path=logdir / "export.stderr",
    )
    if ex.get("returncode") != 0:
        raise RuntimeError(f"graphkit export failed:\n{_tail(logdir / 'export.stderr')}")
    ex["nt_bytes"] = nt.stat().st_size
    with open(nt, "rb") as fh:
        ex["nt_lines"] = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))
    rd = None
    if not args.skip_rdflib:
        res_path = logdir / "rdflib.json"
        rd = measure(
            [sys.executable, "-c", RDFLIB_PARSE, str(nt), str(res_path)],
            stderr_path=logdir / "rdflib.stderr",
            timeout=args.rdflib_timeout,
        )
        if rd.get("timeout"):
            rd["parse_seconds"] = None
        elif rd.get("returncode") != 0:
            raise RuntimeError(f"rdflib parse failed:\n{_tail(logdir / 'rdflib.stderr')}")
        else:
            rd.update(_load_json(res_path) or {})
            res_path.unlink(missing_ok=True)
    if not args.keep:
        nt.unlink(missing_ok=True)
    return ex, rd


def list_queries(logdir: Path) -> list[dict]:
    """``graphkit query --list --json``: [{name, title, description, params: {name: description}}]."""
    r = subprocess.run([*graphkit_cmd(), "query", "--list", "--json"], cwd=str(REPO), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"graphkit query --list --json failed:\n{r.stderr}")
    data = json.loads(r.stdout)
    out = []
    for q in data if isinstance(data, list) else [{"name": k, **v} for k, v in data.items()]:
        params = q.get("params") or {}
        if isinstance(params, list):  # a list of names, or of {name, description}
            params = {(p["name"] if isinstance(p, dict) else p): "" for p in params}
        out.append({"name": q["name"], "params": params})
    return out


def _cli_records(kg: Path, *args: str) -> list[dict]:
    r = subprocess.run(
        [*graphkit_cmd(), "query", *args, "--json", "--store", str(kg)], cwd=str(REPO), capture_output=True, text=True
    )
    if r.returncode != 0:
        return []
    try:
        data = json.loads(r.stdout)
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def query_params(kg: Path) -> dict[str, str]:
    """Plausible values: the top theme and top technology (preferred labels), the first article IRI,
    the topic (below a top concept) that most articles reach."""
    params: dict[str, str] = {}
    rows = _cli_records(kg, "--name", "top-themes")
    if rows:
        params["theme"] = str(rows[0].get("label") or rows[0].get("theme"))
    rows = _cli_records(kg, "--name", "top-technologies")
    if rows:
        params["technology"] = str(rows[0].get("label") or rows[0].get("technology"))
    rows = _cli_records(kg, "SELECT ?article WHERE { ?article a schema:NewsArticle } ORDER BY ?article LIMIT 1")
    if rows:
        params["article"] = str(rows[0].get("article"))
    rows = _cli_records(kg, "--name", "topic-tree")  # the topic reached by the most articles
    reached = [r for r in rows if (r.get("articles") or 0) > 0 and r.get("broader")]
    if reached:
        params["topic"] = str(max(reached, key=lambda r: (r["articles"], r["id"]))["id"])
    return params


def run_queries(kg: Path, logdir: Path, args) -> tuple[dict, dict]:
    queries = list_queries(logdir)
    params = query_params(kg)
    results: dict[str, dict] = {}
    runnable: list[tuple[str, dict]] = []
    for q in queries:
        missing = [p for p in q["params"] if p not in params]
        if missing:
            results[q["name"]] = {"skipped": f"no value for parameter {missing[0]!r}"}
            continue
        bound = {p: params[p] for p in q["params"]}
        runnable.append((q["name"], bound))
        results[q["name"]] = {"params": bound}
    # Fresh process per run: `graphkit query --name NAME [--param k=v] --json`.
    for name, bound in runnable:
        cmd = [*graphkit_cmd(), "query", "--name", name, "--json", "--store", str(kg)]
        for k, v in bound.items():
            cmd += ["--param", f"{k}={v}"]
        times, rows = [], None
        out_path = logdir / f"query-{name}.json"
        for i in range(1 + args.query_repeat):
            m = measure(cmd, out_path, logdir / f"query-{name}.stderr", timeout=args.query_timeout)
            if m.get("timeout"):
                results[name]["cli_timeout"] = args.query_timeout
                break
            if m.get("returncode") != 0:
                results[name]["cli_error"] = _tail(logdir / f"query-{name}.stderr", 3)
                break
            times.append(m["wall_seconds"])
            if i == 0:
                data = _load_json(out_path)
                rows = len(data) if isinstance(data, list) else None
                results[name]["cli_peak_rss_bytes"] = m.get("peak_rss_bytes")
        out_path.unlink(missing_ok=True)
        results[name].update(
            cli_first_seconds=times[0] if times else None,
            cli_best_seconds=min(times[1:]) if len(times) > 1 else None,
            rows=rows,
        )
        log(
            f"    {name}: CLI first {_s(results[name]['cli_first_seconds'])} s, best {_s(results[name]['cli_best_seconds'])} s"
        )
    # One process, graph opened once: kg.named(name) first run, best of N.
    spec_path, res_path = logdir / "inprocess-spec.json", logdir / "inprocess.json"
    spec_path.write_text(json.dumps({"kg": str(kg), "queries": runnable, "repeat": args.query_repeat}))
    m = measure(
        [sys.executable, "-c", INPROCESS_QUERIES, str(spec_path), str(res_path)],
        stderr_path=logdir / "inprocess.stderr",
        timeout=args.query_timeout * (1 + args.query_repeat) * max(1, len(runnable)),
    )
    inproc = {"peak_rss_bytes": m.get("peak_rss_bytes"), "wall_seconds": m.get("wall_seconds")}
    if m.get("returncode") == 0:
        data = _load_json(res_path) or {}
        inproc.update(import_seconds=data.get("import_seconds"), open_seconds=data.get("open_seconds"))
        for name, r in (data.get("queries") or {}).items():
            results[name].update(inproc_first_seconds=r["first_seconds"], inproc_best_seconds=r["best_seconds"])
            if r.get("error"):
                results[name]["inproc_error"] = r["error"]
            if results[name].get("rows") is None:
                results[name]["rows"] = r.get("rows")
    else:
        inproc["error"] = "timeout" if m.get("timeout") else _tail(logdir / "inprocess.stderr", 5)
    for p in (spec_path, res_path):
        p.unlink(missing_ok=True)
    for r in results.values():
        best = r.get("inproc_best_seconds")
        r["over_target"] = bool("cli_timeout" in r or (best is not None and best > TARGETS["named_query_seconds"]))
    return {"params": params, "inprocess": inproc}, results


def bench_one(kind: str, size: int, args) -> dict:
    label = f"{kind}-{size}"
    log(f"[{label}]")
    corpus, extra, gen = ensure_corpus(kind, size, args)
    runs = RUNS / label
    runs.mkdir(parents=True, exist_ok=True)
    files = sorted(corpus.rglob("*.md"))
    res: dict = {
        "kind": kind,
        "size": size,
        "corpus": str(corpus),
        "files": len(files),
        "corpus_bytes": sum(p.stat().st_size for p in files),
        "generation": gen,
        "uptime_start": uptime(),
        "builds": {},
    }
    variants = list(VARIANTS) if args.variants else ["default"]
    try:
        for v in variants:
            log(f"  build ({v}) …")
            b = run_build([corpus], runs / f"kg-{v}", VARIANTS[v], runs, v)
            res["builds"][v] = b
            log(
                f"    {b['wall_seconds']:.2f} s, peak {_mb(b.get('peak_rss_bytes'))} MB, "
                f"{b['report'].get('digests', '?')} digests, {b['report'].get('quads', '?')} quads, "
                f"stages: {_stages_str(b['stages'])}"
            )
            if v != "default" and not args.keep:
                shutil.rmtree(runs / f"kg-{v}", ignore_errors=True)
        kg = runs / "kg-default"
        if not args.skip_rdflib:
            log("  export N-Triples + rdflib parse …")
            ex, rd = run_export_and_rdflib(kg, runs, args)
            res["export"], res["rdflib"] = ex, rd
            parse = rd.get("parse_seconds") if rd else None
            if parse:
                for b in res["builds"].values():
                    b["ratio_to_rdflib_parse"] = b["wall_seconds"] / parse
            log(
                f"    export {ex['wall_seconds']:.2f} s ({ex['nt_lines']:,} lines); rdflib parse "
                + (f"{parse:.2f} s" if parse else "timed out")
                + (f" → build/parse {res['builds']['default']['ratio_to_rdflib_parse']:.2f}x" if parse else "")
            )
        if not args.skip_queries:
            log("  named queries …")
            res["query_setup"], res["queries"] = run_queries(kg, runs, args)
        if kind == "real" and size in args.update_sizes and not args.skip_update:
            log(f"  weekly update: + {REAL_EXTRA} digests ({extra}) …")
            u = run_build([corpus, extra], kg, [], runs, "update", fresh=False)
            u["extra_dir"] = str(extra)
            res["update"] = u
            rep = u["report"]
            log(
                f"    {u['wall_seconds']:.2f} s (added {rep.get('added')}, changed {rep.get('changed')}, "
                f"unchanged {rep.get('unchanged')}, removed {rep.get('removed')})"
            )
    finally:
        res["uptime_end"] = uptime()
        if not args.keep:
            shutil.rmtree(runs, ignore_errors=True)
    return res


# =============================================================================================
# Report
# =============================================================================================


def _s(x) -> str:
    return "—" if x is None else (f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _mb(b) -> str:
    return "—" if b is None else f"{b / 2**20:,.0f}"


def _stages_str(st, top: int | None = None) -> str:
    """Stage seconds in build order; with ``top``, only the slowest ``top`` ones (and how many more)."""
    if not st:
        return "none"
    items = list(st.items())
    if top is not None and len(items) > top:
        shown = sorted(items, key=lambda kv: -kv[1])[:top]
        return ", ".join(f"{k} {_s(v)}" for k, v in shown) + f" (+{len(items) - top})"
    return ", ".join(f"{k} {_s(v)}" for k, v in items)


def _table(headers: list[str], rows: list[list[str]], left: int = 3) -> list[str]:
    widths = [
        max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i]) for i in range(len(headers))
    ]
    fmt = lambda cells: "  ".join(c.ljust(widths[i]) if i < left else c.rjust(widths[i]) for i, c in enumerate(cells))  # noqa: E731
    return [fmt(headers), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]


def render(report: dict) -> str:
    env = report["environment"]
    lines = [
        f"graphkit {env.get('graphkit')}, Python {env['python']}, rdflib {env.get('rdflib')}, {env['cpus']} CPUs, "
        f"peak RSS by {env['rss_method']}",
        f"uptime at start: {env['uptime_start']}",
        "",
    ]
    rows = []
    for r in report["runs"]:
        parse = (r.get("rdflib") or {}).get("parse_seconds")
        for v, b in r.get("builds", {}).items():
            rows.append(
                [
                    r["kind"],
                    f"{r['size']:,}",
                    v,
                    _s(b["wall_seconds"]),
                    _s(b["report"].get("seconds")),
                    _mb(b.get("peak_rss_bytes")),
                    _stages_str(b.get("stages"), 3),
                    _s(parse),
                    f"{b['ratio_to_rdflib_parse']:.2f}x" if "ratio_to_rdflib_parse" in b else "—",
                ]
            )
        if "update" in r:
            u = r["update"]
            rows.append(
                [
                    r["kind"],
                    f"{r['size']:,}",
                    f"weekly update (+{u['report'].get('added', '?')})",
                    _s(u["wall_seconds"]),
                    _s(u["report"].get("seconds")),
                    _mb(u.get("peak_rss_bytes")),
                    _stages_str(u.get("stages"), 3),
                    "—",
                    "—",
                ]
            )
        if "error" in r:
            rows.append([r["kind"], f"{r['size']:,}", "ERROR", r["error"][:60], "", "", "", "", ""])
    lines += _table(
        [
            "kind",
            "size",
            "variant",
            "wall s",
            "report s",
            "peak RSS MB",
            "stages (slowest 3)",
            "rdflib parse s",
            "ratio",
        ],
        rows,
        left=3,
    )
    lines.append("")
    lines.append(
        "wall s: the whole `graphkit build` command (interpreter start included); report s: the report's own "
        "`seconds`; rdflib parse s: Graph().parse(nt) inside its process, after imports; ratio: wall / rdflib parse."
    )
    staged = [
        (r, v, b)
        for r in report["runs"]
        for v, b in [*r.get("builds", {}).items(), ("weekly update", r.get("update"))]
        if b and b.get("stages")
    ]
    if staged:
        lines.append("Stages (seconds, in build order):")
        for r, v, b in staged:
            lines.append(f"  {r['kind']}-{r['size']} {v}: {_stages_str(b['stages'])}")
    for r in report["runs"]:
        if "export" in r:
            e, rd = r["export"], r.get("rdflib") or {}
            lines.append(
                f"  {r['kind']}-{r['size']}: export nt {_s(e['wall_seconds'])} s, {e['nt_lines']:,} triples, "
                f"{e['nt_bytes'] / 2**20:,.0f} MB; rdflib process {_s(rd.get('wall_seconds'))} s, peak {_mb(rd.get('peak_rss_bytes'))} MB"
            )
        if "update" in r:
            rep = r["update"]["report"]
            lines.append(
                f"  {r['kind']}-{r['size']} weekly update: added {rep.get('added')}, changed {rep.get('changed')}, "
                f"unchanged {rep.get('unchanged')}, removed {rep.get('removed')}"
            )
    qrows = []
    for r in report["runs"]:
        for name, q in sorted((r.get("queries") or {}).items()):
            if "skipped" in q:
                qrows.append([r["kind"], f"{r['size']:,}", name, "", "", "", "", "", "", "skipped: " + q["skipped"]])
                continue
            note = []
            if "cli_timeout" in q:
                note.append(f"CLI timeout {q['cli_timeout']:g} s")
            if "cli_error" in q:
                note.append("CLI error")
            if "inproc_error" in q:
                note.append("error: " + q["inproc_error"][:40])
            if q.get("over_target"):
                note.append(f"over {TARGETS['named_query_seconds']:g} s")
            param = ", ".join(f"{k}={v}" for k, v in q.get("params", {}).items())
            qrows.append(
                [
                    r["kind"],
                    f"{r['size']:,}",
                    name,
                    param[:40],
                    _s(q.get("cli_first_seconds")),
                    _s(q.get("cli_best_seconds")),
                    _s(q.get("inproc_first_seconds")),
                    _s(q.get("inproc_best_seconds")),
                    "—" if q.get("rows") is None else str(q["rows"]),
                    "; ".join(note),
                ]
            )
    if qrows:
        lines += [
            "",
            "Named queries (seconds; CLI = fresh `graphkit query` process, in-process = kg.named() with the graph open):",
        ]
        lines += _table(
            [
                "kind",
                "size",
                "query",
                "params",
                "CLI first",
                "CLI best",
                "in-proc first",
                "in-proc best",
                "rows",
                "note",
            ],
            qrows,
            left=4,
        )
        for r in report["runs"]:
            ip = (r.get("query_setup") or {}).get("inprocess") or {}
            if ip:
                lines.append(
                    f"  {r['kind']}-{r['size']}: in-process import graphkit {_s(ip.get('import_seconds'))} s, "
                    f"KnowledgeGraph() {_s(ip.get('open_seconds'))} s"
                    + (f"; error: {ip['error']}" if "error" in ip else "")
                )
    lines += ["", "Targets:"]
    for r in report["runs"]:
        b = r.get("builds", {}).get("default")
        tag = f"{r['kind']}-{r['size']}"
        if b and "ratio_to_rdflib_parse" in b:
            ok = b["ratio_to_rdflib_parse"] <= TARGETS["build_over_rdflib_parse"]
            lines.append(
                f"  {'MET   ' if ok else 'MISSED'}  {tag:<12} default build ≤ 1.0x rdflib parse: {b['ratio_to_rdflib_parse']:.2f}x"
            )
        if "update" in r:
            ok = r["update"]["wall_seconds"] <= TARGETS["weekly_update_seconds"]
            lines.append(
                f"  {'MET   ' if ok else 'MISSED'}  {tag:<12} weekly update ≤ 5 s: {r['update']['wall_seconds']:.2f} s"
            )
        qs = {k: v for k, v in (r.get("queries") or {}).items() if "skipped" not in v}
        if qs:
            over = sorted(k for k, v in qs.items() if v.get("over_target"))
            lines.append(
                f"  {'MET   ' if not over else 'MISSED'}  {tag:<12} named queries ≤ 0.3 s in-process (best of "
                f"{report['args']['query_repeat']}; the issue means 10k): {len(over)} of {len(qs)} over"
                + (f" ({', '.join(over)})" if over else "")
            )
    lines.append(f"\nuptime at end: {env.get('uptime_end', '')}")
    return "\n".join(lines)


def environment() -> dict:
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=str(REPO)).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except OSError:
        pass
    global HAS_GNU_TIME
    if HAS_GNU_TIME is None:
        HAS_GNU_TIME = _has_gnu_time()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_bytes": mem,
        "graphkit": out([*graphkit_cmd(), "--version"]).rsplit(" ", 1)[-1] or "? (graphkit --version failed)",
        "rdflib": out([sys.executable, "-c", "import rdflib; print(rdflib.__version__)"]),
        "rss_method": "GNU time -v" if HAS_GNU_TIME else "getrusage(RUSAGE_CHILDREN) wrapper",
        "uptime_start": uptime(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Growth curve of graphkit's build and the issue's targets (CLI only).")
    ap.add_argument("--sizes", type=_ints, default=[1000, 3500, 10000], help="corpus sizes (default 1000,3500,10000)")
    ap.add_argument("--kinds", default="real,synth", help="comma-separated: real, synth (default both)")
    ap.add_argument(
        "--variants",
        action="store_true",
        help="also build with --no-analysis --no-actors, --no-analysis and --no-actors",
    )
    ap.add_argument("--skip-queries", action="store_true", help="do not time the named queries")
    ap.add_argument("--skip-rdflib", action="store_true", help="no N-Triples export and no rdflib parse")
    ap.add_argument("--skip-update", action="store_true", help="no weekly update (real kind)")
    ap.add_argument(
        "--keep", action="store_true", help="keep graph folders and the .nt export (benchmarks/out/scale/runs/)"
    )
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of tables")
    ap.add_argument(
        "--update-sizes",
        type=_ints,
        default=[3500],
        help="sizes of the real kind that get the weekly update (default 3500 = 35 x 100)",
    )
    ap.add_argument("--source", default=str(DEFAULT_SOURCE), help="real digests: folder with futures/ and closest/")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus (default 1)")
    ap.add_argument("--query-repeat", type=int, default=3, help="runs after the first, best kept (default 3)")
    ap.add_argument(
        "--query-timeout", type=float, default=60.0, metavar="S", help="stop one query run after S seconds (default 60)"
    )
    ap.add_argument(
        "--rdflib-timeout",
        type=float,
        default=3600.0,
        metavar="S",
        help="stop rdflib's parse after S seconds (default 3600)",
    )
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in ("real", "synth")]
    if bad:
        ap.error(f"unknown kind(s) {bad}: use real, synth")

    report = {"environment": environment(), "args": vars(args), "targets": TARGETS, "runs": []}
    OUT.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        for kind in kinds:
            try:
                report["runs"].append(bench_one(kind, size, args))
            except Exception as e:  # keep the other sizes' results
                log(f"  FAILED: {e}")
                report["runs"].append({"kind": kind, "size": size, "error": str(e)})
            RESULTS.write_text(json.dumps(report, indent=2, default=str))
    report["environment"]["uptime_end"] = uptime()
    RESULTS.write_text(json.dumps(report, indent=2, default=str))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render(report))
        log(f"\nJSON: {RESULTS}")
    return 1 if any("error" in r for r in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
