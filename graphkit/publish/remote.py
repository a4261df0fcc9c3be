"""A remote SPARQL 1.1 store: push the graph into it, and query it like the local one.

Pushing (``graphkit push``) sends each named graph of the build — one per digest, plus the shared,
ontology and analysis graphs — with the SPARQL 1.1 Graph Store HTTP Protocol (``PUT`` replaces a
whole graph in one request, ``DELETE`` drops one), or with SPARQL 1.1 Update
(``DROP SILENT GRAPH … ; INSERT DATA { GRAPH … }`` in one request) where the server has no graph
store. The bodies are the build's N-Triples cache (``nt/*.nt``), sent as they are.

Consistency: one request replaces one graph (or, with Update, a batch of whole graphs) and every
store this was tried on applies a request as one transaction, so a digest is never half-pushed.
A push state file in the graph folder (``push-state.json``) records, per remote store, the
SHA-256 of the N-Triples last acknowledged for each graph; an acknowledgement is appended to a
journal right after the server answered, never before, and the journal is folded into the state
file (temporary file + rename) at the end. An interrupted push therefore resumes where it
stopped: what was acknowledged is not sent again, what was not is sent again (``PUT`` is
idempotent). Before each push the remote's list of graphs is read back, so a graph the state
believes is there but is not (a wiped server) is sent again, and a stale graph of ours that the
remote still has is dropped.

Querying (``graphkit query --endpoint URL``): Oxigraph's substitutions do not exist on a remote
server, so parameters are bound with a SPARQL ``VALUES`` block placed at the start of every
(sub-)query's WHERE clause, built from literals escaped by :func:`sparql_string` — digest or user
text never reaches the query text unescaped.

Only the standard library talks HTTP (urllib): Basic and Digest authentication (Virtuoso's
``/sparql-auth`` uses Digest), retries with exponential back-off for refused connections, time-outs
and 5xx/429 answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import netrc
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from graphkit.core.namespaces import PREFIXES
from graphkit.graph import QueryResult, prepare_named
from graphkit.store.folder import GraphFolder, StoreError, atomic_write, default_store_path, exclusive_lock

USER_ENV = "GRAPHKIT_ENDPOINT_USER"
PASSWORD_ENV = "GRAPHKIT_ENDPOINT_PASSWORD"
STATE_FILE = "push-state.json"
JOURNAL_FILE = "push-state.journal"
STATE_VERSION = 1
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
#: With SPARQL Update, graphs are sent in batches of about this many bytes (one request each).
UPDATE_BATCH_BYTES = 500_000
_RETRY_STATUS = {429, 502, 503, 504}


class RemoteError(Exception):
    """The remote store cannot be reached, refused a request or answered wrongly.

    The message is one line that says what happened and what to try.
    """

    def __init__(self, message: str, kind: str = "http", status: int | None = None):
        super().__init__(message)
        self.kind = kind  # connect, timeout, auth, http, protocol
        self.status = status


# -- SPARQL text: escaping and parameter binding ------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ECHAR = re.compile(r"[\\\"'\x00-\x1f\x7f]")


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal (double quotes), safe to put into any query text.

    Quotes, backslashes and line breaks are escaped (``\\"``, ``\\\\``, ``\\n``), other control
    characters written as ``\\uXXXX``; everything else stays as it is. Every backslash of the
    value is doubled, so even a server that expands ``\\u`` escapes before parsing (as SPARQL
    1.1 §19.2 allows) cannot end the string early: a quote produced that way is always preceded
    by an odd number of backslashes.

    >>> sparql_string('say "hi" } # \\\\')
    '"say \\\\"hi\\\\" } # \\\\\\\\"'
    """
    if not isinstance(value, str):
        raise TypeError(f"a parameter value must be a string, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a parameter value is not valid Unicode text (lone surrogate)") from None

    def escape(m: re.Match) -> str:
        c = m.group(0)
        return _ECHAR.get(c) or f"\\u{ord(c):04X}"

    return '"' + _NEEDS_ECHAR.sub(escape, value) + '"'


_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()<>"'\#,;]*)?|:[^\s{}()<>"'\#,;]*)
    | (?P<open>\{)
    | (?P<other>.)
    """,
    re.X | re.S,
)
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _tokens(query: str):
    for m in _TOKEN.finditer(query):
        yield m.lastgroup, m.group(0), m.end()


def query_form(query: str) -> str | None:
    """``select``, ``ask``, ``construct``, ``describe`` — the first query form keyword — or None."""
    for kind, text, _ in _tokens(query):
        if kind == "word" and text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return text.lower()
        if kind == "word" and text.upper() in (
            "INSERT",
            "DELETE",
            "LOAD",
            "CLEAR",
            "DROP",
            "CREATE",
            "ADD",
            "MOVE",
            "COPY",
            "WITH",
        ):
            return "update"
    return None


def bind_values(query: str, params: dict[str, str]) -> str:
    """The query with each parameter bound by a ``VALUES`` block, for a remote endpoint.

    The block goes right after the opening brace of every (sub-)query's WHERE clause, so a
    sub-select that uses the parameter sees it bound before its own ORDER BY/LIMIT, as with
    Oxigraph's substitutions. Values are plain string literals escaped by :func:`sparql_string`.

    >>> bind_values('SELECT ?x WHERE { ?x ?p ?theme }', {"theme": 'a"b'})
    'SELECT ?x WHERE { VALUES (?theme) { ("a\\\\"b") } ?x ?p ?theme }'
    """
    if not params:
        return query
    for name in params:
        if not _PARAM_NAME.match(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name (letters, digits and _)")
    used = {text[1:] for kind, text, _ in _tokens(query) if kind == "var"}
    missing = [n for n in params if n not in used]
    if missing:
        raise ValueError(f"the query has no variable ?{missing[0]} to bind")
    names = sorted(params)
    block = (
        " VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(sparql_string(params[n]) for n in names)
        + ") }"
    )
    points: list[int] = []
    pending = None  # "brace": the next { opens a WHERE clause; "where": wait for WHERE (CONSTRUCT)
    for kind, text, end in _tokens(query):
        if kind == "word":
            word = text.upper()
            if word in ("SELECT", "ASK", "DESCRIBE"):
                pending = "brace"
            elif word == "CONSTRUCT":
                pending = "where"
            elif word == "WHERE" and pending == "where":
                pending = "brace"
        elif kind == "open" and pending == "brace":
            points.append(end)
            pending = None
    if not points:
        raise ValueError("cannot find the query's WHERE clause to bind parameters in")
    out, last = [], 0
    for p in points:
        out.append(query[last:p])
        out.append(block)
        last = p
    out.append(query[last:])
    return "".join(out)


def with_prefixes(query: str) -> str:
    """Declare graphkit's usual prefixes (``gk:``, ``schema:``…) that the query uses but does not declare."""
    declared, after_prefix = set(), False
    for kind, text, _ in _tokens(query):
        if kind == "word":
            if after_prefix:
                declared.add(text.split(":", 1)[0])
                after_prefix = False
            elif text.upper() == "PREFIX":
                after_prefix = True
    missing = [p for p in PREFIXES if p not in declared]
    # On the query's first line, so the server's error positions keep their line numbers.
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing) + query


# -- endpoints, credentials, HTTP ---------------------------------------------------------------


def _netrc_credentials(host: str) -> tuple[str, str] | None:
    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise RemoteError(f"cannot read {path}: {exc}", "auth") from None
    if not entry:
        return None
    login, _account, password = entry
    return (login or "", password or "")


def _is_loopback(host: str) -> bool:
    from graphkit.publish.serve import is_loopback

    return is_loopback(host)


@dataclass
class Endpoint:
    """Where a remote store answers: its query URL, update URL and Graph Store Protocol URL.

    Build one with :func:`endpoint`, which guesses the usual layouts (Oxigraph, Fuseki,
    Virtuoso) and finds credentials.
    """

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed, logged or recorded
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5
    #: How the default graph of a query is made the union of all graphs: "auto" (probe once),
    #: "server" (the server already does: Virtuoso, GraphDB, Neptune, `graphkit serve`),
    #: "union-param" (Oxigraph's `union-default-graph` parameter) or "graphs" (list them).
    dataset: str = "auto"
    credentials_from: str | None = None
    _opener: threading.local | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """What the push state is recorded under: where graphs are written."""
        return self.graph_store_url or self.update_url or self.query_url

    def opener(self):
        """This thread's urllib opener (the Digest handler counts nonces: one per thread)."""
        if self._opener is None:
            self._opener = threading.local()
        opener = getattr(self._opener, "opener", None)
        if opener is None:
            handlers = []
            if self.user is not None:
                # Credentials are sent when the server asks (401 + WWW-Authenticate), in the scheme it
                # asks for. Not up front: Virtuoso answers an unrequested Basic header with a bare 401.
                mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for url in sorted(u for u in (self.query_url, self.update_url, self.graph_store_url) if u):
                    mgr.add_password(None, url, self.user, self.password or "")
                handlers += [urllib.request.HTTPBasicAuthHandler(mgr), urllib.request.HTTPDigestAuthHandler(mgr)]
            # No proxy: nothing but the endpoint the user named is ever contacted.
            handlers.append(urllib.request.ProxyHandler({}))
            opener = self._opener.opener = urllib.request.build_opener(*handlers)
        return opener


def endpoint(
    url: str,
    *,
    graph_store: str | None = None,
    update: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    retries: int = 4,
    backoff: float = 0.5,
    dataset: str = "auto",
) -> Endpoint:
    """An :class:`Endpoint` from a query URL, with the update and graph store URLs guessed.

    * ``…/query`` (Oxigraph, Fuseki): update ``…/update``; graph store ``…/store`` (Oxigraph's;
      give ``--graph-store …/data`` for Fuseki).
    * ``…/sparql`` / ``…/sparql-auth`` (Virtuoso): update on the same URL, graph store
      ``…/sparql-graph-crud`` / ``…/sparql-graph-crud-auth``.
    * anything else: update on the same URL, no graph store (SPARQL Update is used).

    Credentials: ``user``/``password``, else ``$GRAPHKIT_ENDPOINT_USER`` /
    ``$GRAPHKIT_ENDPOINT_PASSWORD``, else the ``~/.netrc`` (or ``$NETRC``) entry of the host.
    """
    try:
        parsed = urllib.parse.urlsplit(url)
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise RemoteError(
            f"not a valid URL ({exc}); give the SPARQL query endpoint, e.g. http://127.0.0.1:7878/query", "protocol"
        ) from None
    if "@" in parsed.netloc:
        # Credentials in the URL would end up in messages, logs and the push state file.
        raise RemoteError(
            "the endpoint URL holds a user name or password; give them with --user and "
            f"${PASSWORD_ENV} (or ~/.netrc) instead",
            "protocol",
        )
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise RemoteError(
            f"{url!r} is not an http(s) URL; give the SPARQL query endpoint, e.g. http://127.0.0.1:7878/query",
            "protocol",
        )
    path = parsed.path.rstrip("/")
    base = urllib.parse.urlunsplit(
        (parsed.scheme, parsed.netloc, path.rsplit("/", 1)[0] if "/" in path else "", "", "")
    )
    last = path.rsplit("/", 1)[-1]
    guess_update, guess_store = url, None
    if last == "query":
        guess_update, guess_store = f"{base}/update", f"{base}/store"
    elif last in ("sparql", "sparql-auth"):
        guess_store = f"{base}/sparql-graph-crud" + ("-auth" if last.endswith("-auth") else "")
    source = None
    if user is not None:
        source = "--user"
    elif os.environ.get(USER_ENV):
        # An explicit --password wins over the environment.
        user, source = os.environ[USER_ENV], f"${USER_ENV}"
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
    elif parsed.hostname and (found := _netrc_credentials(parsed.hostname)):
        user, password = found
        source = "~/.netrc"
    if user is not None and password is None:
        password = os.environ.get(PASSWORD_ENV, "")
    return Endpoint(
        url,
        update or guess_update,
        graph_store if graph_store is not None else guess_store,
        user,
        password,
        timeout,
        retries,
        backoff,
        dataset,
        source,
    )


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _short(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    text = re.sub(r"<[^>]+>", " ", text).strip() if text.startswith("<") else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def request(
    ep: Endpoint,
    method: str,
    url: str,
    data: bytes | None = None,
    headers: dict | None = None,
    *,
    retry: bool = True,
    ok: Iterable[int] = (),
    what: str = "request",
) -> Response:
    """One HTTP request with retries and exponential back-off; errors as one-line :class:`RemoteError`.

    Retried: refused or reset connections, time-outs and 429/502/503/504 answers (``retry=False``
    retries only refused connections: a query that timed out is not run again). Statuses in
    ``ok`` are returned instead of raised (e.g. 404 for deleting a graph that is not there).
    """
    attempts = 1 + max(0, ep.retries)
    last_error: RemoteError | None = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(ep.backoff * (2 ** (attempt - 1)))
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        try:
            with ep.opener().open(req, timeout=ep.timeout) as resp:
                return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as exc:
            body = b""
            with contextlib.suppress(Exception):
                body = exc.read()
            if exc.code in ok:
                return Response(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, body)
            last_error = _http_error(ep, url, exc.code, body, what)
            if exc.code not in _RETRY_STATUS or not retry:
                raise last_error from None
        except (urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, (socket.timeout, TimeoutError)):
                last_error = RemoteError(
                    f"no answer from {url} within {ep.timeout:g} s ({what}); the server is busy or down, or the "
                    "query is too heavy: raise --timeout or try again later",
                    "timeout",
                )
                if not retry:
                    raise last_error from None
            elif isinstance(reason, ConnectionRefusedError):
                last_error = RemoteError(
                    f"cannot connect to {url}: connection refused (is the server running? "
                    "check --endpoint and the port)",
                    "connect",
                )
            elif isinstance(reason, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)) or (
                isinstance(exc, (ConnectionError,)) or "RemoteDisconnected" in type(exc).__name__
            ):
                last_error = RemoteError(
                    f"the connection to {url} was cut ({what}): the server stopped or "
                    "restarted; run the same command again",
                    "connect",
                )
            elif isinstance(reason, socket.gaierror):
                raise RemoteError(
                    f"cannot resolve the host of {url} ({reason.strerror}); check --endpoint", "connect"
                ) from None
            else:
                last_error = RemoteError(f"cannot reach {url}: {reason}", "connect")
    assert last_error is not None
    if attempts > 1:
        last_error.args = (f"{last_error.args[0]} [gave up after {attempts} attempts]",)
    raise last_error


def _http_error(ep: Endpoint, url: str, status: int, body: bytes, what: str) -> RemoteError:
    detail = _short(body)
    if status == 403 and ep.user is None:
        return RemoteError(
            f"{url} refused the {what} (HTTP 403{': ' + detail if detail else ''}): the store is read-only "
            "('graphkit serve' is, unless --read-write) or needs credentials (--user/--password)",
            "auth",
            status,
        )
    if status in (401, 403):
        if ep.user is None:
            return RemoteError(
                f"{url} needs credentials (HTTP {status}): give --user and --password (or set "
                f"{USER_ENV}/{PASSWORD_ENV}, or a ~/.netrc entry for the host)",
                "auth",
                status,
            )
        return RemoteError(
            f"{url} refused the credentials of user {ep.user!r} from {ep.credentials_from} "
            f"(HTTP {status}): check the user name and password",
            "auth",
            status,
        )
    if status == 404:
        return RemoteError(
            f"nothing answers at {url} (HTTP 404) for this {what}: check the URL (Oxigraph: …/query and "
            "…/store, Fuseki: …/DATASET/query and …/DATASET/data, Virtuoso: …/sparql and "
            "…/sparql-graph-crud)",
            "http",
            status,
        )
    if status in (405, 501):
        return RemoteError(
            f"{url} does not accept this {what} (HTTP {status}): it may be read-only, or not a graph store "
            "(try --graph-store URL, or --method update)",
            "http",
            status,
        )
    if status == 413:
        return RemoteError(
            f"{url} refused a body that large (HTTP 413): raise the server's request size limit", "http", status
        )
    if "timeout" in detail.lower() or "timed out" in detail.lower() or "time limit" in detail.lower():
        return RemoteError(
            f"the {what} timed out on the server (HTTP {status}: {detail}); make it lighter or raise the "
            "server's time limit",
            "timeout",
            status,
        )
    return RemoteError(f"{url} answered HTTP {status} to the {what}: {detail or 'no details'}", "http", status)


# -- queries ------------------------------------------------------------------------------------


class RemoteGraph:
    """A remote SPARQL endpoint, queried like :class:`graphkit.graph.KnowledgeGraph`.

    ``query`` and ``named`` take the same arguments and return the same
    :class:`~graphkit.graph.QueryResult`; parameters are bound with ``VALUES`` (see
    :func:`bind_values`) and queries run over the union of all graphs.
    """

    def __init__(self, ep: Endpoint):
        self.endpoint = ep
        self._dataset: str | None = None if ep.dataset == "auto" else ep.dataset
        self._graphs: list[str] | None = None

    def named(self, name: str, params: dict[str, str] | None = None) -> QueryResult:
        """Run a named query shipped with graphkit, with the same checks as a local graph's."""
        text, bound = prepare_named(name, params)
        return self.query(text, bound)

    def _post_query(
        self, sparql: str, accept: str, dataset: str, retry: bool = True, graphs: list[str] | None = None
    ) -> Response:
        form = [("query", sparql)]
        if graphs is not None:
            # SPARQL 1.1 Protocol: the query's dataset is exactly these graphs.
            form += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        elif dataset == "union-param":
            form.append(("union-default-graph", ""))
        elif dataset == "graphs":
            form += [("default-graph-uri", g) for g in self._all_graphs()]
        data = urllib.parse.urlencode(form).encode("utf-8")
        return request(
            self.endpoint,
            "POST",
            self.endpoint.query_url,
            data,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            retry=retry,
            what="query",
        )

    def _ask(self, sparql: str, dataset: str) -> bool:
        from pyoxigraph import QueryResultsFormat, parse_query_results

        resp = self._post_query(sparql, SPARQL_JSON, dataset)
        return bool(parse_query_results(resp.body, format=QueryResultsFormat.JSON))

    def dataset_mode(self) -> str:
        """How queries see all graphs as their default graph (probed once, see :class:`Endpoint`)."""
        if self._dataset is None:
            probe = "ASK { ?s ?p ?o }"
            if self._ask(probe, "server"):
                self._dataset = "server"
            else:
                try:
                    union = self._ask(probe, "union-param")
                except RemoteError:
                    union = False
                self._dataset = "union-param" if union else "graphs"
        return self._dataset

    def _all_graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = self.graphs()
        return self._graphs

    def _select(self, sparql: str) -> list:
        from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

        resp = self._post_query(sparql, SPARQL_JSON, "server")
        result = parse_query_results(resp.body, format=QueryResultsFormat.JSON)
        return list(result) if isinstance(result, QuerySolutions) else []

    def select_all(self, projection: str, where: str, count: str = "*") -> list:
        """Every solution of ``SELECT projection WHERE { where }``, checked against a COUNT.

        Stores cap result sizes (Virtuoso: 10,000 rows by default, and it refuses to sort more),
        so when one answer falls short of the count the rest is read in unsorted pages of the
        size the server gave; if that still falls short, the cap is reported rather than hidden.
        """
        total_rows = self._select(f"SELECT (COUNT({count}) AS ?n) WHERE {{ {where} }}")
        total = int(total_rows[0]["n"].value) if total_rows and total_rows[0]["n"] is not None else 0
        rows = self._select(f"SELECT {projection} WHERE {{ {where} }}")
        if len(rows) >= total or not rows:
            return rows
        page, rows = len(rows), []
        while len(rows) < total:
            chunk = self._select(f"SELECT {projection} WHERE {{ {where} }} LIMIT {page} OFFSET {len(rows)}")
            if not chunk:
                break
            rows += chunk
        if len(rows) != total:
            raise RemoteError(
                f"{self.endpoint.query_url} returned {len(rows):,} of {total:,} rows: it caps result sizes "
                "(Virtuoso: raise ResultSetMaxRows in virtuoso.ini)",
                "protocol",
            )
        return rows

    def graphs(self, prefix: str = "") -> list[str]:
        """The named graphs of the remote store (those whose IRI starts with ``prefix``), sorted."""
        from pyoxigraph import NamedNode

        filt = f"FILTER(STRSTARTS(STR(?g), {sparql_string(prefix)}))" if prefix else ""
        out: set[str] = set()
        # GRAPH ?g {} is an index lookup on Oxigraph; Virtuoso answers it with nothing (or one
        # unbound row), so an empty answer is checked with a scan of the quads.
        for pattern in ("{}", "{ ?s ?p ?o }"):
            rows = self.select_all("DISTINCT ?g", f"GRAPH ?g {pattern} {filt}", "DISTINCT ?g")
            out = {r["g"].value for r in rows if isinstance(r["g"], NamedNode)}
            if out:
                break
        return sorted(out)

    def quads(self, prefix: str = "") -> set:
        """Every quad in the remote graphs whose IRI starts with ``prefix``, as pyoxigraph Quads."""
        from pyoxigraph import Quad

        filt = f"FILTER(STRSTARTS(STR(?g), {sparql_string(prefix)}))" if prefix else ""
        rows = self.select_all("?g ?s ?p ?o", f"GRAPH ?g {{ ?s ?p ?o }} {filt}")
        return {Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}

    def query(self, sparql: str, params: dict[str, str] | None = None, *, graphs: list[str] | None = None):
        """Run a SPARQL query on the endpoint, over the union of all graphs (or of ``graphs`` only)."""
        from pyoxigraph import QueryBoolean, QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize

        from graphkit.graph import QueryError, term_value

        try:
            text = with_prefixes(bind_values(sparql, params or {}))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        form = query_form(sparql)
        if form == "update":
            raise QueryError(
                "graphkit query runs queries, not updates (INSERT, DELETE, DROP…); use 'graphkit push' to load the graph"
            )
        graph_form = form in ("construct", "describe")
        accept = (
            f"{NTRIPLES}, text/turtle;q=0.8" if graph_form else f"{SPARQL_JSON}, application/sparql-results+xml;q=0.5"
        )
        try:
            resp = self._post_query(
                text, accept, self.dataset_mode() if graphs is None else "graphs", retry=False, graphs=graphs
            )
        except RemoteError as exc:
            if exc.status == 400:
                raise QueryError(f"the endpoint rejected the query: {exc}") from None
            raise
        try:
            if graph_form:
                if resp.content_type in (NTRIPLES, "text/plain"):
                    return QueryResult("graph", data=resp.body)
                fmt = RdfFormat.from_media_type(resp.content_type) or RdfFormat.TURTLE
                return QueryResult(
                    "graph", data=serialize(parse(resp.body, format=fmt), format=RdfFormat.N_TRIPLES) or b""
                )
            results_format = QueryResultsFormat.XML if "xml" in resp.content_type else QueryResultsFormat.JSON
            result = parse_query_results(resp.body, format=results_format)
            if isinstance(result, QueryBoolean):
                return QueryResult("ask", boolean=bool(result))
            columns = [v.value for v in result.variables]
            rows = [[term_value(v) for v in sol] for sol in result]  # parses as it goes; cells in column order
        except (SyntaxError, ValueError, OSError) as exc:
            tail = resp.body[-300:].decode("utf-8", "replace").lower()
            if "cancel" in tail or "timeout" in tail or "timed out" in tail:
                # Oxigraph streams results, and cuts the stream when its time limit is reached.
                raise RemoteError(
                    f"the query was stopped by the server's time limit ({_short(resp.body[-120:], 120)}); "
                    "make it lighter (LIMIT, fewer joins) or raise the limit ('graphkit serve --timeout')",
                    "timeout",
                ) from None
            raise RemoteError(
                f"{self.endpoint.query_url} sent an answer that is not SPARQL results "
                f"({resp.content_type or 'no content type'}): {exc}",
                "protocol",
            ) from None
        return QueryResult("select", columns, rows)


# -- the local side of a push -------------------------------------------------------------------


@dataclass(frozen=True)
class LocalGraph:
    iri: str
    path: Path
    digest: str | None  # digest id (file slug) for a digest's graph, None for shared graphs


def local_graphs(store: str | Path | None = None) -> tuple[list[LocalGraph], str]:
    """Every named graph of the built graph folder, from its N-Triples cache, and the graphs' IRI prefix."""
    from graphkit.store.files import NT_CACHE, shared_graphs

    folder = GraphFolder(store or default_store_path())
    gen = folder.current()
    if gen is None:
        raise StoreError(
            f"no graph in {folder.path}; build one first with 'graphkit build DIGESTS_DIR --out {folder.path}'"
        )
    manifest = folder.manifest(gen)
    if manifest is None or not (gen / NT_CACHE).is_dir():
        raise StoreError(
            f"{gen} has no N-Triples cache (built by an older graphkit); rebuild with 'graphkit build --full'"
        )
    base = manifest["settings"]["base"]
    special = shared_graphs(base)
    out = []
    for path in sorted((gen / NT_CACHE).iterdir()):
        if path.name in special:
            out.append(LocalGraph(special[path.name], path, None))
        elif path.suffix == ".nt":
            out.append(LocalGraph(f"{base}graph/article/{path.name[:-3]}", path, path.name[:-3]))
    return out, f"{base}graph/"


# -- push state ---------------------------------------------------------------------------------


class PushState:
    """What each remote store holds, as far as acknowledged pushes tell: graph IRI → SHA-256.

    ``push-state.json`` is rewritten whole (temporary file + rename, sorted keys: deterministic)
    at the end of a push; during a push each acknowledgement is appended to
    ``push-state.journal`` (one JSON line, written after the server's answer). Reading folds the
    journal in, ignoring a torn last line.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / STATE_FILE
        self.journal = self.folder / JOURNAL_FILE
        self.data: dict = {"version": STATE_VERSION, "endpoints": {}}
        self._fh: BinaryIO | None = None

    def load(self) -> PushState:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            if data.get("version") == STATE_VERSION:
                self.data = data
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            pass  # unreadable: treated as empty, the next push re-checks the remote's graphs
        try:
            lines = self.journal.read_bytes().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            try:
                rec = json.loads(line)
                self._apply(rec["e"], rec["g"], rec["s"])
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash: that graph is simply sent again
        return self

    def graphs(self, key: str) -> dict[str, str]:
        return self.data["endpoints"].get(key, {}).get("graphs", {})

    def _apply(self, key: str, graph: str, sha: str | None) -> None:
        graphs = self.data["endpoints"].setdefault(key, {"graphs": {}})["graphs"]
        if sha is None:
            graphs.pop(graph, None)
        else:
            graphs[graph] = sha

    def record(self, key: str, graph: str, sha: str | None) -> None:
        """Remember that the remote acknowledged ``graph`` with this content (None: deleted)."""
        self._apply(key, graph, sha)
        if self._fh is None:
            self._fh = open(self.journal, "ab")  # noqa: SIM115 - held open across records, closed by save()
        fh = self._fh
        fh.write(json.dumps({"e": key, "g": graph, "s": sha}, separators=(",", ":")).encode("utf-8") + b"\n")
        fh.flush()

    def forget(self, key: str) -> None:
        self.data["endpoints"].pop(key, None)

    def save(self) -> None:
        """Fold everything into ``push-state.json`` atomically, then drop the journal."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        for entry in self.data["endpoints"].values():
            entry["graphs"] = dict(sorted(entry["graphs"].items()))
        self.data["endpoints"] = dict(sorted(self.data["endpoints"].items()))
        atomic_write(self.path, (json.dumps(self.data, sort_keys=True, indent=1) + "\n").encode("utf-8"))
        with contextlib.suppress(FileNotFoundError):
            self.journal.unlink()

    @contextlib.contextmanager
    def lock(self):
        busy = f"another push from {self.folder} is running; wait for it to finish"
        with exclusive_lock(self.folder / ".push.lock", busy):
            try:
                yield self
            finally:
                if self._fh is not None:
                    self._fh.close()
                    self._fh = None


# -- push ---------------------------------------------------------------------------------------


@dataclass
class PushReport:
    """What a push sent; ``as_dict`` is the CLI's ``--json`` output."""

    endpoint: str
    method: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    resent: list[str] = field(default_factory=list)  # in the state but missing on the remote
    graphs_sent: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    full: bool = False

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "method": self.method,
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "resent": len(self.resent),
            "graphs_sent": self.graphs_sent,
            "requests": self.requests,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "full": self.full,
            "graphs": {"added": self.added, "changed": self.changed, "removed": self.removed, "resent": self.resent},
        }


class PushError(RemoteError):
    """A push stopped part-way; ``report`` tells what was acknowledged before it stopped."""

    def __init__(self, error: RemoteError, report: PushReport, todo: int):
        super().__init__(
            f"{error} — {report.graphs_sent} of {todo} graph(s) were pushed and recorded; run the same "
            "command again to push the rest",
            error.kind,
            error.status,
        )
        self.report = report


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _graph_url(gsp: str, iri: str) -> str:
    return f"{gsp}{'&' if '?' in gsp else '?'}graph={urllib.parse.quote(iri, safe='')}"


def _iri_ok(iri: str) -> str:
    from pyoxigraph import NamedNode

    NamedNode(iri)  # raises ValueError on anything that is not an IRI
    if re.search(r'[<>"{}|^`\\\x00-\x20]', iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return iri


def push(
    store: str | Path | None,
    ep: Endpoint,
    *,
    method: str = "auto",
    full: bool = False,
    dry_run: bool = False,
    check_remote: bool = True,
    batch_bytes: int = UPDATE_BATCH_BYTES,
    progress: Callable[[str, str], None] | None = None,
    jobs: int = 4,
) -> PushReport:
    """Push the built graph folder ``store`` to a remote store: only what changed since the last push.

    Parameters
    ----------
    method : "auto", "gsp" or "update"
        Graph Store Protocol (one ``PUT``/``DELETE`` per graph), SPARQL Update (batches of whole
        graphs, one request each), or GSP when the endpoint has a graph store URL.
    full : bool
        Send every graph again and drop every remote graph of ours that the build does not have.
    check_remote : bool
        Read the remote's list of graphs first, to re-send graphs it lost and drop stale ones.
    progress : callable, optional
        Called as ``progress(action, graph_iri)`` after each acknowledged graph.
    jobs : int
        Graph Store Protocol requests in flight at once.
    """
    started = time.perf_counter()
    folder = GraphFolder(store or default_store_path())
    graphs, prefix = local_graphs(folder.path)
    if method == "auto":
        method = "gsp" if ep.graph_store_url else "update"
    if method == "gsp" and not ep.graph_store_url:
        raise RemoteError("--method gsp needs a graph store URL: give --graph-store URL", "protocol")
    if method == "update" and not ep.update_url:
        raise RemoteError("--method update needs an update URL: give --update URL", "protocol")
    report = PushReport(ep.key, method, dry_run=dry_run, full=full)
    state = PushState(folder.path)
    with state.lock():
        state.load()
        known = {} if full else dict(state.graphs(ep.key))
        local = {g.iri: g for g in graphs}
        remote_list: set[str] | None = None
        if check_remote or full:
            remote_list = set(RemoteGraph(ep).graphs(prefix))
            for iri in list(known):
                if iri not in remote_list:
                    known.pop(iri)
                    if iri in local:
                        report.resent.append(iri)
        shas = {iri: _sha256(g.path) for iri, g in local.items()}
        to_send = [iri for iri in local if known.get(iri) != shas[iri]]
        for iri in to_send:
            (report.changed if iri in known or (remote_list and iri in remote_list) else report.added).append(iri)
        stale = set(known) | ({i for i in remote_list if i.startswith(prefix)} if remote_list is not None else set())
        report.removed = sorted(i for i in stale if i not in local)
        report.unchanged = len(local) - len(to_send)
        # Digests first, then the graphs every digest feeds (shared labels, analysis).
        to_send.sort(key=lambda i: (local[i].digest is None, i))
        if dry_run:
            report.bytes = sum(local[i].path.stat().st_size for i in to_send)
            report.seconds = time.perf_counter() - started
            return report
        if full:
            state.forget(ep.key)
        todo = len(to_send) + len(report.removed)
        try:
            if method == "gsp":
                _push_gsp(ep, state, local, shas, to_send, report, progress, jobs)
            else:
                _push_update(ep, state, local, shas, to_send, report, progress, batch_bytes)
        except RemoteError as exc:
            report.seconds = time.perf_counter() - started
            state.save()
            raise PushError(exc, report, todo) from None
        except FileNotFoundError as exc:
            state.save()
            raise StoreError(
                f"{exc.filename} vanished during the push (a build replaced the graph); push again"
            ) from None
        state.save()
    report.seconds = time.perf_counter() - started
    return report


def _push_gsp(ep, state, local, shas, to_send, report, progress, jobs: int = 1) -> None:
    """PUT each graph (``jobs`` requests in flight), then DELETE the removed ones.

    Acknowledgements are recorded by this thread as requests finish; after a failure no new
    request starts, the ones in flight finish (and are recorded if acknowledged), then the
    first error is raised.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    def put(iri: str) -> int:
        body = local[iri].path.read_bytes()
        request(
            ep,
            "PUT",
            _graph_url(ep.graph_store_url, _iri_ok(iri)),
            body,
            {"Content-Type": NTRIPLES},
            what=f"upload of graph <{iri}>",
        )
        return len(body)

    error: BaseException | None = None
    pending: dict = {}
    queue = iter(to_send)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="graphkit-push") as pool:
        while True:
            while error is None and len(pending) < max(1, jobs):
                iri = next(queue, None)
                if iri is None:
                    break
                pending[pool.submit(put, iri)] = iri
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                iri = pending.pop(fut)
                try:
                    size = fut.result()
                except BaseException as exc:
                    error = error or exc
                    continue
                state.record(ep.key, iri, shas[iri])
                report.graphs_sent += 1
                report.requests += 1
                report.bytes += size
                if progress:
                    progress("put", iri)
    if error is not None:
        raise error
    for iri in report.removed:
        request(
            ep, "DELETE", _graph_url(ep.graph_store_url, _iri_ok(iri)), ok=(404,), what=f"deletion of graph <{iri}>"
        )
        state.record(ep.key, iri, None)
        report.requests += 1
        if progress:
            progress("delete", iri)


#: Triples per INSERT DATA block: Virtuoso's SPARQL parser runs out of stack ("memory exhausted")
#: at about 5,000 triples in one block; a graph is several blocks of the same request.
UPDATE_BLOCK_TRIPLES = 1000


def _update_units(iri: str, sha: str | None, nt: bytes, batch_bytes: int) -> list[_Unit]:
    """One graph as SPARQL Update text, in pieces of at most about ``batch_bytes`` each.

    The first piece drops the graph; a graph larger than one request (the topic scheme is about
    20,000 triples, and Virtuoso refuses ~12,000 in one request: "Maximum size of a code vector
    exceeded") goes on in further INSERT DATA pieces, sent in order. The push state records the
    graph only once its last piece is in, so an interrupted push sends it again from the DROP.
    """
    # N-Triples written by graphkit is valid SPARQL: literals escaped by ntriples.lit, IRIs checked
    # by Oxigraph's parser and percent-encoded where SPARQL forbids a character (and every line
    # is checked against the N-Triples grammar by _check_ntriples before it gets here).
    g = _iri_ok(iri).encode()
    lines = nt.splitlines(keepends=True)
    blocks = [
        b"INSERT DATA { GRAPH <" + g + b"> {\n" + b"".join(lines[i : i + UPDATE_BLOCK_TRIPLES]) + b"} } ;\n"
        for i in range(0, len(lines), UPDATE_BLOCK_TRIPLES)
    ]
    units = [_Unit(iri, sha, [b"DROP SILENT GRAPH <" + g + b"> ;\n"], last=False)]
    for block in blocks:
        if units[-1].blocks and units[-1].size + len(block) > batch_bytes and len(units[-1].blocks) > 1:
            units.append(_Unit(iri, sha, [], last=False))
        units[-1].blocks.append(block)
    units[-1].last = True
    return units


class _Unit:
    """A piece of one graph's update text: some INSERT DATA blocks (the first piece starts with the DROP)."""

    def __init__(self, iri: str, sha: str | None, blocks: list[bytes], last: bool) -> None:
        self.iri, self.sha, self.blocks, self.last = iri, sha, blocks, last

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.blocks)

    def halves(self) -> tuple[_Unit, _Unit] | None:
        """The piece cut in two (in order), or None when it is one block and cannot be cut."""
        if len(self.blocks) < 2:
            return None
        half = len(self.blocks) // 2
        return _Unit(self.iri, self.sha, self.blocks[:half], False), _Unit(
            self.iri, self.sha, self.blocks[half:], self.last
        )


def _too_big(exc: RemoteError) -> bool:
    text = str(exc).lower()
    return exc.status == 413 or (
        exc.status in (400, 500)
        and ("memory" in text or "too large" in text or "too long" in text or "code vector" in text)
    )


def _push_update(ep, state, local, shas, to_send, report, progress, batch_bytes) -> None:
    def send(units: list[_Unit]) -> None:
        body = b"".join(b for u in units for b in u.blocks).rstrip(b"; \n")
        try:
            request(
                ep,
                "POST",
                ep.update_url,
                body,
                {"Content-Type": "application/sparql-update"},
                what=f"update of {len({u.iri for u in units})} graph(s)",
            )
        except RemoteError as exc:
            # Virtuoso's SPARQL compiler runs out of memory on ~20,000 triples in one update, and
            # of code space on ~12,000: halve the request (pieces stay in order) until it fits.
            if _too_big(exc):
                if len(units) > 1:
                    half = len(units) // 2
                    send(units[:half])
                    send(units[half:])
                    return
                cut = units[0].halves()
                if cut is not None:
                    send([cut[0]])
                    send([cut[1]])
                    return
                raise RemoteError(
                    f"{exc} — {UPDATE_BLOCK_TRIPLES:,} triples are too many for this server's SPARQL "
                    "Update; push with the Graph Store Protocol (--graph-store URL) instead",
                    exc.kind,
                    exc.status,
                ) from None
            raise
        report.requests += 1
        for u in units:
            if not u.last:
                continue
            state.record(ep.key, u.iri, u.sha)
            if u.sha is not None:
                report.graphs_sent += 1
            if progress:
                progress("put" if u.sha is not None else "delete", u.iri)

    batch: list[_Unit] = []
    size = 0
    for iri in to_send:
        nt = local[iri].path.read_bytes()
        _check_ntriples(nt, iri)
        for unit in _update_units(iri, shas[iri], nt, batch_bytes):
            if batch and size + unit.size > batch_bytes:
                send(batch)
                batch, size = [], 0
            batch.append(unit)
            size += unit.size
        report.bytes += len(nt)
    for iri in report.removed:
        batch.append(_Unit(iri, None, [f"DROP SILENT GRAPH <{_iri_ok(iri)}> ;\n".encode()], last=True))
    if batch:
        send(batch)


_NT_LINE = re.compile(
    rb'^(?:<[^<>"{}|^`\\\x00-\x20]*>|_:[A-Za-z0-9_.\-]+) <[^<>"{}|^`\\\x00-\x20]*> '
    rb'(?:<[^<>"{}|^`\\\x00-\x20]*>|_:[A-Za-z0-9_.\-]+|"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"'
    rb'(?:\^\^<[^<>"{}|^`\\\x00-\x20]*>|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?) \.$'
)


def _check_ntriples(nt: bytes, iri: str) -> None:
    """Refuse to paste anything but plain N-Triples lines into SPARQL Update text."""
    for n, line in enumerate(nt.splitlines(), 1):
        if line and not _NT_LINE.match(line):
            raise RemoteError(
                f"line {n} of graph <{iri}> is not plain N-Triples; not sent with SPARQL Update "
                "(rebuild with 'graphkit build --full', or use the graph store)",
                "protocol",
            )


__all__ = [
    "Endpoint",
    "PushError",
    "PushReport",
    "PushState",
    "RemoteError",
    "RemoteGraph",
    "bind_values",
    "endpoint",
    "local_graphs",
    "push",
    "query_form",
    "sparql_string",
    "with_prefixes",
]
