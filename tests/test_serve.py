"""``graphkit serve``: Oxigraph's server over a snapshot of the built graph, read-only, on loopback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from remote_servers import oxigraph_binary

from graphkit.build import build
from graphkit.cli import main
from graphkit.graph import KnowledgeGraph
from graphkit.publish.remote import RemoteError, RemoteGraph, endpoint, push
from graphkit.publish.serve import (
    SNAPSHOT_PREFIX,
    Served,
    ServeError,
    check_version,
    free_port,
    is_loopback,
    parse_bind,
    remove_stale_snapshots,
)
from graphkit.store.folder import GraphFolder
from graphkit_testutil import corpus_path

PREFIX = "https://w3id.org/graphkit/id/graph/"


@pytest.fixture(scope="module")
def corpus_kg(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    digests = tmp / "digests"
    shutil.copytree(corpus_path(), digests)
    build([digests], tmp / "kg")
    return digests, tmp / "kg"


def test_server_binary_matches_pyoxigraph():
    import pyoxigraph

    version = check_version(oxigraph_binary())
    assert version.split(".")[:2] == pyoxigraph.__version__.split(".")[:2]


def test_bind_parsing():
    assert parse_bind("127.0.0.1:7878") == ("127.0.0.1", 7878)
    assert parse_bind("[::1]:8000") == ("::1", 8000)
    for bad in ("7878", "host:", "host:x", "h:70000"):
        with pytest.raises(ServeError):
            parse_bind(bad)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_served_snapshot_answers_like_the_local_graph_and_refuses_writes(corpus_kg):
    _, kg = corpus_kg
    served = Served(kg, "127.0.0.1", free_port(), binary=oxigraph_binary())
    server = served.start()
    try:
        assert served.snap is not None and served.snap.parent == kg  # a checkpoint beside the generations
        remote = RemoteGraph(endpoint(server.query_url))
        assert remote.dataset_mode() == "server"  # served with the union of all graphs as default
        local = KnowledgeGraph(kg)
        assert remote.quads(PREFIX) == set(local.store)
        assert remote.named("top-themes").rows == local.named("top-themes").rows
        with urllib.request.urlopen(f"{server.base_url}/") as resp:
            page = resp.read().decode("utf-8", "replace")
        assert resp.status == 200 and "<html" in page.lower()  # the query page (YASGUI)
        with pytest.raises(RemoteError) as info:
            push(kg, endpoint(server.query_url, retries=0), check_remote=False)
        assert info.value.status == 403 and "read-only" in str(info.value)
    finally:
        served.stop()
    assert not list(kg.glob(f"{SNAPSHOT_PREFIX}*"))


def test_served_graph_follows_a_rebuild(tmp_path):
    digests = tmp_path / "digests"
    shutil.copytree(corpus_path(), digests)
    kg = tmp_path / "kg"
    build([digests], kg)
    served = Served(kg, "127.0.0.1", free_port(), binary=oxigraph_binary())
    served.start()
    try:
        first = served.generation
        assert served.reload_if_rebuilt() is False
        sorted(digests.glob("*.md"))[0].unlink()
        build([digests], kg)  # publishes a new generation and deletes the served one's source
        assert not first.exists()
        assert served.reload_if_rebuilt() is True and served.generation != first
        remote = RemoteGraph(endpoint(served.server.query_url))
        assert remote.quads(PREFIX) == set(KnowledgeGraph(kg).store)
        assert len(list(kg.glob(f"{SNAPSHOT_PREFIX}*"))) == 1  # the old snapshot is gone
    finally:
        served.stop()


def test_query_time_limit(corpus_kg):
    _, kg = corpus_kg
    served = Served(kg, "127.0.0.1", free_port(), timeout=1, binary=oxigraph_binary())
    server = served.start()
    try:
        started = time.monotonic()
        with pytest.raises(RemoteError) as info:
            RemoteGraph(endpoint(server.query_url)).query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert info.value.kind == "timeout" and time.monotonic() - started < 10
    finally:
        served.stop()


def test_stale_snapshots_are_removed(tmp_path):
    folder = GraphFolder(tmp_path)
    dead = tmp_path / f"{SNAPSHOT_PREFIX}dead"
    dead.mkdir()
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (dead / "pid").write_text(proc.stdout.strip())  # that process has exited
    alive = tmp_path / f"{SNAPSHOT_PREFIX}alive"
    alive.mkdir()
    (alive / "pid").write_text(str(os.getpid()))
    remove_stale_snapshots(folder)
    assert not dead.exists() and alive.exists()


def test_cli_refuses_other_addresses_without_allow_remote(corpus_kg):
    _, kg = corpus_kg
    result = CliRunner().invoke(main, ["serve", "--store", str(kg), "--bind", "0.0.0.0:7878"])
    assert result.exit_code == 1 and "--allow-remote" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["serve", "--store", str(kg), "--bind", "nonsense"])
    assert result.exit_code == 1 and "HOST:PORT" in result.output


def test_cli_serve_runs_until_interrupted(corpus_kg):
    _, kg = corpus_kg
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphkit.cli", "serve", "--store", str(kg), "--bind", f"127.0.0.1:{port}", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode()
            if not line:
                break
            lines.append(line)
            if line.startswith("}"):
                break
        info = json.loads("".join(lines))
        assert info["query_url"] == f"http://127.0.0.1:{port}/query" and info["read_only"] is True
        assert info["digests"] == len(list(corpus_path().glob("*.md")))
        remote = RemoteGraph(endpoint(info["query_url"]))
        assert remote.query("ASK { ?a a schema:NewsArticle }").boolean is True
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        with pytest.raises(RemoteError):
            RemoteGraph(endpoint(info["query_url"], retries=0)).query("ASK {}")
        assert not list(kg.glob(f"{SNAPSHOT_PREFIX}*"))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_read_write_serves_a_scratch_copy(corpus_kg, tmp_path):
    _, kg0 = corpus_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg, ignore=shutil.ignore_patterns(f"{SNAPSHOT_PREFIX}*"))
    before = sorted(p.name for p in (GraphFolder(kg).current() / "store").iterdir())
    served = Served(kg, "127.0.0.1", free_port(), read_only=False, binary=oxigraph_binary())
    server = served.start()
    try:
        ep = endpoint(server.query_url)
        RemoteGraph(ep)  # writes are accepted (into the snapshot)
        req = urllib.request.Request(
            f"{server.store_url}?graph=http%3A%2F%2Fexample.org%2Fscratch",
            method="PUT",
            data=b"<http://a> <http://b> <http://c> .\n",
            headers={"Content-Type": "application/n-triples"},
        )
        with urllib.request.urlopen(req) as resp:
            assert resp.status in (201, 204)
        assert RemoteGraph(ep).query("ASK { GRAPH <http://example.org/scratch> { ?s ?p ?o } }").boolean is True
    finally:
        served.stop()
    assert sorted(p.name for p in (GraphFolder(kg).current() / "store").iterdir()) == before
    assert KnowledgeGraph(kg).query("ASK { GRAPH <http://example.org/scratch> { ?s ?p ?o } }").boolean is False
