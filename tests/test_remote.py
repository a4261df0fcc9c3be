"""Pushing to and querying remote SPARQL stores: real Oxigraph and Virtuoso servers on loopback.

Each round trip pushes the real corpus, checks that the remote quads equal the local ones, changes
one digest and deletes another, pushes again and checks again. Fault cases: server down, server
killed mid-push, wrong credentials, a query that times out. The servers come from
tests/remote_servers.py (free ports; skipped without the binaries, failed under CI).
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from remote_servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, Virtuoso, same_quads, start_oxigraph

from graphkit.build import build
from graphkit.cli import main
from graphkit.graph import KnowledgeGraph
from graphkit.publish.remote import (
    PushError,
    PushState,
    RemoteError,
    RemoteGraph,
    bind_values,
    endpoint,
    local_graphs,
    push,
    query_form,
    sparql_string,
    with_prefixes,
)
from graphkit.store.queries import named_queries
from graphkit_testutil import EXAMPLES, corpus_path

PREFIX = "https://w3id.org/graphkit/id/graph/"

HOSTILE = [
    'say "hi"',
    "it's",
    "back\\slash",
    "\\",
    "ends with backslash \\",
    "line\nbreak\r\nand\ttab",
    "} } ; DROP ALL ; #",
    '" } UNION { ?s ?p ?o } #',
    "\\u0022 } ?x",
    "\\\\u0022",
    '"""',
    "'''",
    "\\'",
    "control \x01\x07\x1f\x7f",
    "Zürich ☃ 𝄞 ‮ ",
    "<http://evil.example/> ; ?theme",
    "",
]


# -- escaping and binding -------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_sparql_string_round_trips_hostile_text(value):
    from pyoxigraph import Store

    result = list(Store().query(f"SELECT ?v WHERE {{ VALUES ?v {{ {sparql_string(value)} }} }}"))
    assert len(result) == 1 and result[0]["v"].value == value
    # Through bind_values, in a query that uses the value as a parameter.
    q = bind_values("SELECT ?theme (1 AS ?one) WHERE { }", {"theme": value})
    rows = list(Store().query(q))
    assert len(rows) == 1 and rows[0]["theme"].value == value and rows[0]["one"].value == "1"


def test_sparql_string_refuses_what_is_not_text():
    with pytest.raises(ValueError):
        sparql_string("lone \ud800 surrogate")
    with pytest.raises(TypeError):
        sparql_string(3)  # type: ignore[arg-type]
    assert sparql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert "\n" not in sparql_string("x\ny") and "\r" not in sparql_string("x\ry")


def test_bind_values_reaches_every_subquery_and_ignores_text_that_looks_like_sparql():
    text = named_queries()["signals-of-theme"].text
    bound = bind_values(text, {"theme": "climate change"})
    assert bound.count('VALUES (?theme) { ("climate change") }') == 2  # outer and inner WHERE
    tricky = (
        "PREFIX ex: <http://ex/WHERE#SELECT> # SELECT { not a brace\n"
        "SELECT ?theme ?s WHERE { ?s ex:p \"WHERE { SELECT\", '}' . FILTER(?s != <http://ex/#SELECT>) }"
    )
    out = bind_values(tricky, {"theme": "t"})
    assert out.count("VALUES") == 1
    assert out.index("VALUES") > out.index("WHERE {")
    from pyoxigraph import Store

    Store().query(out)  # still a valid query
    ask = bind_values("ASK { ?s ?p ?theme }", {"theme": "x"})
    assert ask.startswith('ASK { VALUES (?theme) { ("x") }')
    construct = bind_values("CONSTRUCT { ?s ?p ?theme } WHERE { ?s ?p ?theme }", {"theme": "x"})
    assert construct.index("VALUES") > construct.index("WHERE")


def test_bind_values_errors():
    with pytest.raises(ValueError, match="no variable"):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"theme": "x"})
    with pytest.raises(ValueError, match="not a SPARQL variable"):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"o } #": "x"})
    assert bind_values("SELECT * WHERE { ?s ?p ?o }", {}) == "SELECT * WHERE { ?s ?p ?o }"


def test_prefixes_and_query_form():
    q = "PREFIX gk: <http://other/>\nSELECT ?x WHERE { ?x a gk:Theme }"
    out = with_prefixes(q)
    assert out.count("PREFIX gk:") == 1 and "PREFIX schema: <https://schema.org/>" in out
    assert out.count("\n") == q.count("\n")  # the server's error line numbers stay right
    assert query_form("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }") == "construct"
    assert query_form("PREFIX a: <x:> ASK {}") == "ask"
    assert query_form("DROP ALL") == "update"


def test_endpoint_guesses_and_credentials(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("GRAPHKIT_ENDPOINT_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    ep = endpoint("http://127.0.0.1:7878/query")
    assert (ep.update_url, ep.graph_store_url, ep.user) == (
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
        None,
    )
    ep = endpoint("http://h:8890/sparql-auth")
    assert (ep.update_url, ep.graph_store_url) == ("http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    ep = endpoint("http://h:3030/ds/query", graph_store="http://h:3030/ds/data")
    assert (ep.update_url, ep.graph_store_url) == ("http://h:3030/ds/update", "http://h:3030/ds/data")
    assert endpoint("https://h/repositories/kg").graph_store_url is None  # SPARQL Update only
    with pytest.raises(RemoteError, match="not an http"):
        endpoint("ftp://h/sparql")

    (tmp_path / "netrc").write_text("machine h login alice password from-netrc\n")
    (tmp_path / "netrc").chmod(0o600)
    ep = endpoint("http://h:8890/sparql")
    assert (ep.user, ep.password, ep.credentials_from) == ("alice", "from-netrc", "~/.netrc")
    monkeypatch.setenv("GRAPHKIT_ENDPOINT_USER", "bob")
    monkeypatch.setenv("GRAPHKIT_ENDPOINT_PASSWORD", "from-env")
    ep = endpoint("http://h:8890/sparql")
    assert (ep.user, ep.password) == ("bob", "from-env")
    ep = endpoint("http://h:8890/sparql", user="carol", password="given")
    assert (ep.user, ep.password, ep.credentials_from) == ("carol", "given", "--user")


def test_push_state_journal_survives_a_torn_line_and_saves_deterministically(tmp_path):
    state = PushState(tmp_path).load()
    state.record("http://e/store", "http://g/1", "aa")
    state.record("http://e/store", "http://g/2", "bb")
    state.record("http://e/store", "http://g/1", None)  # deleted
    state._fh.close()
    state._fh = None
    with open(tmp_path / "push-state.journal", "ab") as fh:
        fh.write(b'{"e":"http://e/store","g":"http://g/3","s":"c')  # a crash mid-line
    again = PushState(tmp_path).load()
    assert again.graphs("http://e/store") == {"http://g/2": "bb"}
    again.save()
    first = (tmp_path / "push-state.json").read_bytes()
    PushState(tmp_path).load().save()
    assert (tmp_path / "push-state.json").read_bytes() == first
    assert not (tmp_path / "push-state.journal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# -- fixtures: a writable copy of the real corpus, built ------------------------------------------


def built_copy(tmp: Path) -> tuple[Path, Path]:
    digests = tmp / "digests"
    shutil.copytree(corpus_path(), digests)
    kg = tmp / "kg"
    build([digests], kg)
    return digests, kg


def change_and_delete(digests: Path, kg: Path) -> tuple[str, str]:
    """Edit one digest's title, delete another, rebuild; their digest ids."""
    files = sorted(digests.glob("*.md"))
    edited, deleted = files[3], files[7]
    text = edited.read_text("utf-8")
    first, rest = text.split("\n", 1)
    edited.write_text(first.replace("__", "__Edited: ", 1) + "\n" + rest, "utf-8")
    deleted.unlink()
    build([digests], kg)
    return edited.stem, deleted.stem


def local_quads(kg: Path) -> set:
    return set(KnowledgeGraph(kg).store)


def sample_params(kg: Path) -> dict[str, str]:
    """A value for each named-query parameter, taken from the graph."""
    local = KnowledgeGraph(kg)
    theme = local.named("top-themes").records()[0]["label"]
    tech = local.named("top-technologies").records()[0]["label"]
    article = local.query("SELECT ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 1").rows[0][0]
    topic = local.query("SELECT ?t WHERE { ?l gk:linkTarget ?x . ?x skos:notation ?t } ORDER BY ?t LIMIT 1").rows[0][0]
    return {
        "theme": theme,
        "technology": tech,
        "article": article,
        "keyword": theme,
        "category": "technology",
        "topic": topic,
    }


def assert_named_queries_match(remote: RemoteGraph, kg: Path) -> None:
    local = KnowledgeGraph(kg)
    values = sample_params(kg)
    empty = []
    for name, q in named_queries().items():
        params = {p: values[p] for p in q.params}
        r, lq = remote.named(name, params), local.named(name, params)
        assert r.columns == lq.columns, name
        assert r.rows == lq.rows, name
        if not r.rows:
            empty.append(name)
    # The parameters are real: the queries that take one find something.
    assert empty == [], empty


@pytest.fixture(scope="module")
def oxigraph_kg(tmp_path_factory):
    """The real corpus built once, for the tests that do not change it."""
    return built_copy(tmp_path_factory.mktemp("remote-corpus"))


# -- Oxigraph round trip ---------------------------------------------------------------------------


def test_oxigraph_push_query_change_delete_push(tmp_path):
    digests, kg = built_copy(tmp_path)
    server = start_oxigraph(tmp_path / "remote")
    try:
        ep = endpoint(server.query_url)
        n_graphs = len(local_graphs(kg)[0])
        report = push(kg, ep)
        assert (len(report.added), len(report.changed), len(report.removed), report.graphs_sent) == (
            n_graphs,
            0,
            0,
            n_graphs,
        )
        remote = RemoteGraph(ep)
        assert remote.quads(PREFIX) == local_quads(kg)
        assert remote.graphs(PREFIX) == sorted(g.iri for g in local_graphs(kg)[0])

        # The server replaces a graph in one transaction: a PUT whose body breaks half-way leaves
        # the previous graph whole (what "a digest is never half-pushed" rests on).
        digest_graph = next(g for g in local_graphs(kg)[0] if g.digest)
        broken = digest_graph.path.read_bytes()[:2000] + b"<http://broken> <http://x> .\n"
        req = urllib.request.Request(
            f"{server.store_url}?graph={urllib.parse.quote(digest_graph.iri, safe='')}",
            data=broken,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(req)
        assert remote.quads(PREFIX) == local_quads(kg)

        # A query restricted to some graphs (SPARQL Protocol default-graph-uri/named-graph-uri).
        one = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graphs=[digest_graph.iri])
        assert one.rows == [[digest_graph.path.read_bytes().count(b"\n")]]

        again = push(kg, ep)  # nothing changed: nothing sent
        assert (again.graphs_sent, again.requests, again.unchanged) == (0, 0, n_graphs)

        assert_named_queries_match(remote, kg)

        edited, deleted = change_and_delete(digests, kg)
        result = CliRunner().invoke(main, ["push", "--store", str(kg), "--endpoint", server.query_url, "--json"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        changed = set(out["graphs"]["changed"])
        assert f"{PREFIX}article/{edited}" in changed
        assert f"{PREFIX}shared" in changed  # the edited title's labels and pages are shared
        assert out["graphs"]["removed"] == [f"{PREFIX}article/{deleted}"]
        assert out["added"] == 0 and out["unchanged"] == n_graphs - 1 - len(changed)
        assert out["bytes"] > 0 and out["seconds"] >= 0
        assert remote.quads(PREFIX) == local_quads(kg)
        assert_named_queries_match(RemoteGraph(ep), kg)
    finally:
        server.stop()


def test_update_method_on_a_server_without_union_default_graph(oxigraph_kg, tmp_path):
    _, kg = oxigraph_kg
    server = start_oxigraph(None, union=False)  # in memory, default graph = the default graph only
    try:
        ep = endpoint(server.query_url, graph_store="")  # no graph store: SPARQL Update
        report = push(kg, ep, method="auto", batch_bytes=1_000_000)
        assert report.method == "update" and 1 < report.requests < report.graphs_sent
        remote = RemoteGraph(ep)
        assert remote.quads(PREFIX) == local_quads(kg)
        assert remote.dataset_mode() == "union-param"  # Oxigraph's union-default-graph parameter
        assert_named_queries_match(remote, kg)
    finally:
        server.stop()


def test_update_pieces_a_graph_too_large_for_one_request(oxigraph_kg, monkeypatch):
    # A stand-in for Virtuoso's limit: it refuses any update of more than 300 KB ("Maximum size of
    # a code vector exceeded"); the topic scheme (~20,000 triples) must arrive whole anyway, in
    # pieces sent in order, and each graph is recorded once, after its last piece.
    from pyoxigraph import Store

    import graphkit.publish.remote as remote

    _, kg = oxigraph_kg
    target = Store()
    sizes: list[int] = []

    def fake_request(ep, method, url, body=None, headers=None, ok=(), what=""):
        if len(body) > 300_000:
            raise RemoteError(
                f"{url} answered HTTP 500 to the {what}: Virtuoso 42000 Error SQ199: Maximum size (32767) of a "
                "code vector exceeded",
                "http",
                500,
            )
        sizes.append(len(body))
        target.update(body.decode())

    monkeypatch.setattr(remote, "request", fake_request)
    ep = endpoint("http://127.0.0.1:9/sparql", graph_store="", retries=0)
    report = push(kg, ep, method="update", check_remote=False, batch_bytes=1_000_000)
    graphs = local_graphs(kg)[0]
    assert report.graphs_sent == len(graphs) and report.requests == len(sizes) > 1
    assert max(sizes) <= 300_000
    topics = next(g for g in graphs if g.iri == f"{PREFIX}topics")
    assert topics.path.stat().st_size > 300_000  # the scheme alone is more than one request holds
    assert set(target) == local_quads(kg)
    # Nothing changed: nothing sent again.
    sizes.clear()
    again = push(kg, ep, method="update", check_remote=False)
    assert again.graphs_sent == 0 and sizes == []


def test_graphs_the_remote_lost_are_sent_again(oxigraph_kg, tmp_path):
    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    server = start_oxigraph(None)
    try:
        ep = endpoint(server.query_url)
        push(kg, ep)
        lost = f"{PREFIX}shared"
        req = urllib.request.Request(f"{server.store_url}?graph={urllib.parse.quote(lost, safe='')}", method="DELETE")
        urllib.request.urlopen(req).close()
        stray = f"{PREFIX}article/not-ours"
        req = urllib.request.Request(
            f"{server.store_url}?graph={urllib.parse.quote(stray, safe='')}",
            method="PUT",
            data=b"<http://a> <http://b> <http://c> .\n",
            headers={"Content-Type": "application/n-triples"},
        )
        urllib.request.urlopen(req).close()
        report = push(kg, ep)
        assert report.resent == [lost] and report.graphs_sent == 1 and report.removed == [stray]
        assert RemoteGraph(ep).quads(PREFIX) == local_quads(kg)
    finally:
        server.stop()


# -- faults ---------------------------------------------------------------------------------------


def test_a_second_push_from_the_same_folder_waits_its_turn(oxigraph_kg, tmp_path):
    from graphkit.store.folder import StoreError

    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    with PushState(kg).lock(), pytest.raises(StoreError, match="another push"):
        push(kg, endpoint("http://127.0.0.1:9/query", retries=0))


def test_server_down(oxigraph_kg, tmp_path):
    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    from graphkit.publish.serve import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    with pytest.raises(RemoteError) as info:
        push(kg, endpoint(url, retries=2, backoff=0.05))
    assert info.value.kind == "connect" and "connection refused" in str(info.value)
    assert "gave up after 3 attempts" in str(info.value) and "\n" not in str(info.value)
    assert time.monotonic() - started < 5
    assert PushState(kg).load().graphs(endpoint(url).key) == {}
    result = CliRunner().invoke(main, ["push", "--store", str(kg), "--endpoint", url, "--retries", "0"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot connect to") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["query", "--endpoint", url, "--name", "top-themes"])
    assert result.exit_code == 1 and "connection refused" in result.output and "Traceback" not in result.output


def test_server_killed_mid_push_then_restarted(oxigraph_kg, tmp_path):
    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    location = tmp_path / "remote"
    server = start_oxigraph(location)
    port = server.port
    ep = endpoint(server.query_url, retries=1, backoff=0.05)
    total = len(local_graphs(kg)[0])
    acked: list[str] = []

    def kill_after_20(action, iri):
        acked.append(iri)
        if len(acked) == 20:
            server.stop(kill=True)  # SIGKILL: no clean shutdown

    with pytest.raises(PushError) as info:
        push(kg, ep, progress=kill_after_20, jobs=1)  # one request at a time: exactly 20 acknowledged
    assert info.value.kind == "connect" and "run the same command again" in str(info.value)
    assert info.value.report.graphs_sent == 20
    assert len(PushState(kg).load().graphs(ep.key)) == 20

    restarted = start_oxigraph(location, port=port)  # the same URL, so the same push state
    try:
        report = push(kg, ep)
        assert report.graphs_sent == total - 20 and not report.resent
        assert RemoteGraph(ep).quads(PREFIX) == local_quads(kg)
    finally:
        restarted.stop()


def test_server_killed_during_requests_leaves_whole_graphs(oxigraph_kg, tmp_path):
    """SIGKILL at an arbitrary moment of a push (timer): after a restart and a second push, equal."""
    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    location = tmp_path / "remote"
    server = start_oxigraph(location)
    ep = endpoint(server.query_url, retries=0)
    timer = threading.Timer(0.15, lambda: server.stop(kill=True))
    timer.start()
    try:
        push(kg, ep)
    except RemoteError as exc:
        # A PushError once graphs went out; a plain RemoteError when the kill lands before the
        # first one (a loaded machine: still listing the remote graphs at 0.15 s). Connection lost
        # either way.
        assert exc.kind == "connect"
    timer.join()
    acked = PushState(kg).load().graphs(ep.key)
    server.start()  # same location, same port
    try:
        remote = RemoteGraph(ep)
        by_graph: dict = {}
        for q in remote.quads(PREFIX):
            by_graph.setdefault(q.graph_name.value, set()).add(q)
        local = {}
        for q in local_quads(kg):
            local.setdefault(q.graph_name.value, set()).add(q)
        # Every graph on the server is whole: a digest is never half-pushed.
        for g, quads in by_graph.items():
            assert quads == local[g], g
        assert set(acked) <= set(by_graph)
        push(kg, ep)
        assert remote.quads(PREFIX) == local_quads(kg)
    finally:
        server.stop()


class _BasicAuthHandler(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint stand-in that wants Basic credentials u:p (answers every query with true)."""

    def do_POST(self):
        import base64

        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"u:p").decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="kg"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head":{},"boolean":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


def test_credentials_basic(monkeypatch, tmp_path):
    monkeypatch.delenv("GRAPHKIT_ENDPOINT_USER", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BasicAuthHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/query"
    try:
        with pytest.raises(RemoteError, match="needs credentials") as info:
            RemoteGraph(endpoint(url, dataset="server")).query("ASK {}")
        assert info.value.kind == "auth"
        with pytest.raises(RemoteError, match="refused the credentials of user 'u'"):
            RemoteGraph(endpoint(url, user="u", password="wrong", dataset="server")).query("ASK {}")
        assert RemoteGraph(endpoint(url, user="u", password="p", dataset="server")).query("ASK {}").boolean is True
        monkeypatch.setenv("GRAPHKIT_ENDPOINT_USER", "u")
        monkeypatch.setenv("GRAPHKIT_ENDPOINT_PASSWORD", "p")
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "ASK {}"])
        assert result.exit_code == 0 and result.output.strip() == "true"
        monkeypatch.setenv("GRAPHKIT_ENDPOINT_PASSWORD", "bad")
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "ASK {}"])
        assert result.exit_code == 1 and "refused the credentials" in result.output and "Traceback" not in result.output
    finally:
        srv.shutdown()
        srv.server_close()


def test_client_timeout_on_a_server_that_never_answers():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections (the kernel does) but never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    try:
        started = time.monotonic()
        with pytest.raises(RemoteError) as info:
            RemoteGraph(endpoint(url, timeout=0.5, dataset="server")).query("SELECT * WHERE { ?s ?p ?o }")
        assert info.value.kind == "timeout" and "within 0.5 s" in str(info.value)
        assert time.monotonic() - started < 3  # a query that timed out is not retried
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "--timeout", "0.5", "ASK {}"])
        assert result.exit_code == 1 and "no answer from" in result.output and "Traceback" not in result.output
    finally:
        listener.close()


def test_query_stopped_by_the_server_time_limit(oxigraph_kg):
    _, kg = oxigraph_kg
    server = start_oxigraph(None, timeout=1)
    try:
        ep = endpoint(server.query_url)
        push(kg, ep)
        started = time.monotonic()
        with pytest.raises(RemoteError) as info:
            RemoteGraph(ep).query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert info.value.kind == "timeout" and "time limit" in str(info.value)
        assert time.monotonic() - started < 10
    finally:
        server.stop()


# -- Virtuoso (another family of store) -----------------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


def _assert_rows_close(a, b, name):
    assert len(a) == len(b), name
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            if isinstance(x, float) or isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-5), name
            else:
                assert x == y, name


def test_virtuoso_push_query_change_delete_push(virtuoso, tmp_path):
    digests, kg = built_copy(tmp_path)
    ep = endpoint(f"{virtuoso.base}/sparql-auth", user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD)
    assert ep.graph_store_url == f"{virtuoso.base}/sparql-graph-crud-auth"
    report = push(kg, ep)
    assert report.method == "gsp" and report.graphs_sent == len(local_graphs(kg)[0])
    remote = RemoteGraph(ep)
    # Virtuoso prints xsd:double values with 6 significant digits; all else must be identical.
    assert same_quads(remote.quads(PREFIX), local_quads(kg), double_tolerance=1e-5) == (set(), set())
    assert remote.dataset_mode() == "server"  # Virtuoso's default graph is the union of all graphs
    local = KnowledgeGraph(kg)
    values = sample_params(kg)
    for name, q in named_queries().items():
        params = {p: values[p] for p in q.params}
        r, lq = remote.named(name, params), local.named(name, params)
        assert r.columns == lq.columns, name
        _assert_rows_close(r.rows, lq.rows, name)

    edited, deleted = change_and_delete(digests, kg)
    report = push(kg, ep)
    assert f"{PREFIX}article/{edited}" in report.changed and report.removed == [f"{PREFIX}article/{deleted}"]
    assert same_quads(remote.quads(PREFIX), local_quads(kg), double_tolerance=1e-5) == (set(), set())


def test_virtuoso_update_method_and_hostile_values(virtuoso, tmp_path):
    # The bundled examples: Virtuoso compiles SPARQL Update text slowly (~20 s for the real corpus).
    kg = tmp_path / "kg"
    build([EXAMPLES], kg)
    ep = endpoint(f"{virtuoso.base}/sparql-auth", user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD, graph_store="")
    report = push(kg, ep, full=True)
    assert report.method == "update"
    remote = RemoteGraph(ep)
    assert same_quads(remote.quads(PREFIX), local_quads(kg), double_tolerance=1e-5) == (set(), set())
    for value in HOSTILE:
        if any(ord(c) < 0x20 and c not in "\n\r\t" for c in value):
            continue  # Virtuoso turns other control characters into escapes of its own
        result = remote.query("SELECT ?theme WHERE { }", {"theme": value})
        assert result.rows == [[value]], repr(value)


def test_virtuoso_wrong_credentials(virtuoso, oxigraph_kg):
    _, kg = oxigraph_kg
    ep = endpoint(f"{virtuoso.base}/sparql-auth", user=VIRTUOSO_USER, password="wrong", retries=0)
    with pytest.raises(RemoteError) as info:
        push(kg, ep)
    assert info.value.kind == "auth" and info.value.status == 401
    assert "refused the credentials of user 'dba'" in str(info.value)
    result = CliRunner().invoke(
        main,
        [
            "push",
            "--store",
            str(kg),
            "--endpoint",
            f"{virtuoso.base}/sparql-auth",
            "--user",
            "dba",
            "--password",
            "wrong",
            "--retries",
            "0",
        ],
    )
    assert result.exit_code == 1 and result.output.startswith("Error:") and "credentials" in result.output
    assert "Traceback" not in result.output


def test_cli_remote_output_equals_local_and_dry_run(oxigraph_kg, tmp_path):
    _, kg0 = oxigraph_kg
    kg = tmp_path / "kg"
    shutil.copytree(kg0, kg)
    server = start_oxigraph(None, union=False)
    try:
        runner = CliRunner()
        dry = runner.invoke(main, ["push", "--store", str(kg), "--endpoint", server.query_url, "--dry-run", "--json"])
        assert dry.exit_code == 0, dry.output
        out = json.loads(dry.output)
        assert out["dry_run"] and out["added"] == len(local_graphs(kg)[0]) and out["requests"] == 0
        assert RemoteGraph(endpoint(server.query_url)).graphs(PREFIX) == []  # nothing was sent
        text = runner.invoke(main, ["push", "--store", str(kg), "--endpoint", server.query_url])
        assert text.exit_code == 0 and text.output.startswith(f"Pushed {kg} to {server.store_url} (gsp)")
        theme = sample_params(kg)["theme"]
        for args in (
            ["--name", "signals-of-theme", "-p", f"theme={theme}", "--format", "csv"],
            ["--name", "top-themes", "--json"],
            ["SELECT ?l WHERE { ?t a gk:Theme ; skos:prefLabel ?l } ORDER BY ?l LIMIT 5", "--format", "csv"],
            ["ASK { ?a a schema:NewsArticle }"],
        ):
            remote = runner.invoke(main, ["query", "--endpoint", server.query_url, *args])
            local = runner.invoke(main, ["query", "--store", str(kg), *args])
            assert remote.exit_code == 0 and remote.output == local.output, args
        # The last-resort dataset: every graph named as a default-graph-uri.
        listed = RemoteGraph(endpoint(server.query_url, dataset="graphs"))
        assert listed.named("top-themes").rows == KnowledgeGraph(kg).named("top-themes").rows
    finally:
        server.stop()
