"""A build interrupted at any stage (Ctrl-C, or killed with SIGKILL) leaves the previous graph
served, unchanged, and the next build works."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from graphkit.build import STAGES, build
from graphkit.graph import KnowledgeGraph
from graphkit.store.folder import GraphFolder
from graphkit_testutil import EXAMPLES

# Stages that announce themselves (the per-digest ones after the first call do not).
ANNOUNCED = [s for s in STAGES if s not in ("actors", "map", "store")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The bundled examples built once; each test copies the graph folder and edits a digest."""
    root = tmp_path_factory.mktemp("interrupt")
    src = root / "digests"
    shutil.copytree(EXAMPLES, src)
    kg = root / "kg"
    build([src], kg)
    return src, kg


def _copy(built, tmp_path):
    src, kg = built
    s, k = tmp_path / "digests", tmp_path / "kg"
    shutil.copytree(src, s)
    shutil.copytree(kg, k)
    first = sorted(s.glob("*.md"))[0]
    first.write_text(first.read_text("utf-8").replace("__", "__Edited ", 1), "utf-8")
    return s, k


def _state(kg):
    folder = GraphFolder(kg)
    graph = KnowledgeGraph(kg)
    return folder.current().name, sorted(graph.named("top-themes").rows), len(graph.store)


@pytest.mark.parametrize("stage", ANNOUNCED)
def test_ctrl_c_at_any_stage_keeps_the_previous_graph(built, tmp_path, stage):
    src, kg = _copy(built, tmp_path)
    before = _state(kg)

    def on_stage(name):
        if name == stage:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([src], kg, on_stage=on_stage)
    assert _state(kg) == before
    report = build([src], kg)  # the next build is not blocked and applies the edit
    assert report.changed == 1


@pytest.mark.parametrize("stage", ["parse", "topics", "analysis", "index", "publish"])
def test_kill_9_at_a_stage_keeps_the_previous_graph(built, tmp_path, stage):
    src, kg = _copy(built, tmp_path)
    before = _state(kg)
    script = textwrap.dedent(
        f"""
        import os, signal
        from graphkit.build import build

        def on_stage(name):
            if name == {stage!r}:
                os.kill(os.getpid(), signal.SIGKILL)

        build([{str(src)!r}], {str(kg)!r}, on_stage=on_stage)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert _state(kg) == before
    report = build([src], kg)  # the lock died with the process; leftovers are cleaned up
    assert report.changed == 1
    leftovers = [p.name for p in kg.iterdir() if p.name.startswith("gen-") and p != GraphFolder(kg).current()]
    assert len(leftovers) <= 1, leftovers


def test_sigint_to_the_cli_is_a_clean_stop(built, tmp_path):
    src, kg = _copy(built, tmp_path)
    before = _state(kg)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import graphkit.build as gb
        real = gb.build

        def build(*a, **kw):
            def on_stage(name):
                if name == "analysis":
                    os.kill(os.getpid(), signal.SIGINT)
            kw["on_stage"] = on_stage
            return real(*a, **kw)

        gb.build = build
        from graphkit.cli import main
        sys.argv = ["graphkit", "build", {str(src)!r}, "--out", {str(kg)!r}]
        main()
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, env=dict(os.environ))
    assert proc.returncode != 0
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert _state(kg) == before
