"""Real SPARQL servers for the tests, on free loopback ports: Oxigraph (PyPI) and Virtuoso (Debian).

A missing server binary skips the tests that need it on a developer's machine, and fails them
when ``CI`` is set: CI must run every server test (``.ci/run`` installs both).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from graphkit.publish.serve import OxigraphServer, ServeError, find_server, free_port

VIRTUOSO_BIN = "virtuoso-t"
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh Virtuoso database's administrator


def missing(what: str) -> None:
    """Skip, or fail under CI, for a server that is not installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, and CI must run the server tests (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def oxigraph_binary() -> str:
    try:
        return find_server()
    except ServeError:
        missing("the Oxigraph server (pip install 'oxigraph>=0.5,<0.6')")


def start_oxigraph(
    location: Path | None, *, union: bool = True, timeout: float | None = None, port: int | None = None
) -> OxigraphServer:
    """A read-write Oxigraph server on a free port (``location`` None: in memory)."""
    return OxigraphServer(
        location,
        port=port or free_port(),
        read_only=False,
        timeout=timeout,
        union_default_graph=union,
        binary=oxigraph_binary(),
    ).start()


_VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
ThreadsPerQuery    = 2
DirsAllowed        = .

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = /var/lib/virtuoso-opensource-7/vsp
ServerThreads      = 4
MaxKeepAlives      = 4
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 60
MaxQueryCostEstimationTime = 400
"""


class Virtuoso:
    """A throw-away Virtuoso Open Source server (fresh database in ``folder``)."""

    def __init__(self, folder: Path):
        if not shutil.which(VIRTUOSO_BIN):
            missing("Virtuoso Open Source (apt-get install virtuoso-opensource)")
        self.folder = folder
        self.http_port = free_port()
        self.sql_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, wait: float = 60.0) -> Virtuoso:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_VIRTUOSO_INI.format(d=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        with open(self.folder / "stdout.log", "ab") as log:
            self.process = subprocess.Popen(
                [VIRTUOSO_BIN, "+foreground", "+configfile", str(ini)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.folder,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"Virtuoso stopped at once: {(self.folder / 'stdout.log').read_text()[-800:]}")
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                opener.open(f"{self.base}/sparql?query=ASK%7B%7D", timeout=2) as resp,
            ):
                if resp.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"Virtuoso did not answer within {wait} s")

    def stop(self) -> None:
        p = self.process
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


def same_quads(remote: set, local: set, double_tolerance: float | None = None) -> tuple[set, set]:
    """(local-only, remote-only) quads.

    With ``double_tolerance``, xsd:double values are compared as numbers with that relative
    tolerance (Virtuoso prints doubles with 9 significant digits); everything else stays exact.
    """
    if double_tolerance is None:
        return local - remote, remote - local

    from pyoxigraph import Literal

    xsd_double = "http://www.w3.org/2001/XMLSchema#double"

    def split(quads):
        exact, doubles = set(), {}
        for q in quads:
            o = q.object
            if isinstance(o, Literal) and o.datatype.value == xsd_double:
                doubles.setdefault((q.subject, q.predicate, q.graph_name), []).append((float(o.value), q))
            else:
                exact.add(q)
        return exact, doubles

    le, ld = split(local)
    re_, rd = split(remote)
    only_local, only_remote = le - re_, re_ - le
    for key in set(ld) | set(rd):
        a, b = sorted(ld.get(key, [])), sorted(rd.get(key, []))
        if len(a) != len(b) or any(
            not math.isclose(x, y, rel_tol=double_tolerance, abs_tol=1e-300) for (x, _), (y, _) in zip(a, b)
        ):
            only_local |= {q for _, q in a}
            only_remote |= {q for _, q in b}
    return only_local, only_remote
