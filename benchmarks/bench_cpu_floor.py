"""Where a default build's CPU time goes, and the wall time two cores cannot beat.

A build is CPU-bound: Python parses, finds actors, maps and analyses on one core while Oxigraph
loads the N-Quads on background threads, and ``--jobs`` workers share the same cores. The sum of
the CPU seconds divided by the cores is a floor for the wall time, however well the work overlaps.

This script builds a corpus once with ``--jobs 1`` and takes the CPU time of that process (user +
system, every thread: Python's stages and Oxigraph's loader); ``--jobs`` workers only add to it
(forking, passing parsed digests back). It then loads the graph's own N-Triples into a fresh
Oxigraph store the way the build does (batches of ``BATCH_LINES`` lines) to show the loader's part,
and prints the floor for 1, 2 and 4 cores.

Usage::

    python benchmarks/bench_cpu_floor.py benchmarks/out/scale/corpora/synth-10000
    python benchmarks/bench_cpu_floor.py DIGESTS --json

Build the corpora first with ``python benchmarks/bench_scale.py --sizes 10000 --kinds synth``
(they stay under ``benchmarks/out/scale/corpora/``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cpu_seconds(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def build_stages(corpus: Path, out: Path) -> dict:
    """A fresh ``graphkit build --jobs 1 --json`` in its own process: its report, wall and CPU."""
    before = cpu_seconds(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "graphkit", "build", str(corpus), "--out", str(out), "--jobs", "1", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    return {"wall": wall, "cpu": cpu_seconds(resource.RUSAGE_CHILDREN) - before, "stages": report["stages"]}


LOAD = """\
import resource, sys, time
from pathlib import Path
from pyoxigraph import NamedNode, RdfFormat, Store
from graphkit.build.stages import BATCH_LINES

nt_dir, store_dir = Path(sys.argv[1]), sys.argv[2]
if not any(nt_dir.glob("*.nt")):
    raise SystemExit(f"no N-Triples in {nt_dir}")
store = Store(store_dir)
t = time.perf_counter()
batch, lines = [], 0
for path in sorted(nt_dir.glob("*.nt")):
    for line in path.read_bytes().splitlines(keepends=True):
        batch.append(line)
        if len(batch) >= BATCH_LINES:
            store.bulk_load(b"".join(batch), format=RdfFormat.N_TRIPLES, to_graph=NamedNode("urn:x-bench:g"))
            lines += len(batch)
            batch = []
if batch:
    store.bulk_load(b"".join(batch), format=RdfFormat.N_TRIPLES, to_graph=NamedNode("urn:x-bench:g"))
    lines += len(batch)
r = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - t, r.ru_utime + r.ru_stime, lines)
"""


def oxigraph_load(nt_dir: Path, work: Path) -> dict:
    """CPU of loading the graph's N-Triples into Oxigraph in the build's batch size (own process)."""
    proc = subprocess.run(
        [sys.executable, "-c", LOAD, str(nt_dir), str(work / "store")], capture_output=True, text=True, check=True
    )
    wall, cpu, lines = proc.stdout.split()
    return {"wall": float(wall), "cpu": float(cpu), "triples": int(lines)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a folder of digests")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gk-cpu-") as tmp:
        work = Path(tmp)
        built = build_stages(args.corpus, work / "kg")
        from graphkit.store.folder import GraphFolder

        live = GraphFolder(work / "kg").live()
        loaded = oxigraph_load(live / "nt", work)
    python = sum(built["stages"].values())
    total = built["cpu"]
    result = {
        "corpus": str(args.corpus),
        "build_jobs1": built,
        "python_stage_seconds": python,
        "oxigraph_load": loaded,
        "cpu_seconds": total,
        "floor_wall_seconds": {str(c): total / c for c in (1, 2, 4)},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"corpus: {args.corpus}")
    print(f"build --jobs 1: {built['wall']:.1f} s wall, {built['cpu']:.1f} s CPU (all threads and children)")
    for name, seconds in sorted(built["stages"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:10s} {seconds:6.1f} s")
    print(f"stages, summed (main thread, wall): {python:.1f} s")
    print(
        f"of the CPU, Oxigraph loading the graph's {loaded['triples']:,} triples in build-sized batches, "
        f"alone: {loaded['wall']:.1f} s wall, {loaded['cpu']:.1f} s CPU"
    )
    print(
        f"CPU to spend: {total:.1f} s -> wall floor " + ", ".join(f"{total / c:.1f} s on {c} cores" for c in (1, 2, 4))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
