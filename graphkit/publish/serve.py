"""``graphkit serve``: a SPARQL 1.1 Protocol endpoint over the built graph, run by Oxigraph's own server.

No HTTP code of ours: the ``oxigraph`` package from PyPI ships the Oxigraph server binary
(``oxigraph serve-read-only``), which answers SPARQL queries at ``/query`` (GET and POST, every
standard result format), serves the graph store at ``/store`` and a YASGUI query page at ``/``.

The server does not open the live generation itself: it serves a **snapshot** of it
(``Store.backup``, a RocksDB checkpoint — hard links, so instant and free on the same disk) in a
``.serve-*`` folder of the graph folder. A build can then replace and delete the generation it
came from without touching a store that another process has open, and when a build publishes a
new generation the server is restarted on a snapshot of it (a second or so without answers).

The ``oxigraph`` server must read the on-disk format pyoxigraph wrote: both are pinned to the
same 0.5 series (pyproject.toml), and :func:`check_version` refuses another series.

POSIX only (Linux, macOS): the server is stopped with SIGTERM/SIGKILL and dies with its parent
through ``prctl``. On Windows, run ``oxigraph serve-read-only --location KG/gen-…/store`` yourself;
``build``, ``query`` and every other command work there.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graphkit.store.folder import GraphFolder, StoreError, default_store_path

DEFAULT_BIND = "127.0.0.1:7878"
DEFAULT_TIMEOUT = 30.0
SNAPSHOT_PREFIX = ".serve-"


class ServeError(Exception):
    """The server cannot be found, started or kept running; the message says what to do."""


def find_server() -> str:
    """The ``oxigraph`` server binary: beside the running Python first, then on ``PATH``."""
    here = Path(sys.executable).parent
    for candidate in (shutil.which("oxigraph", path=str(here)), shutil.which("oxigraph")):
        if candidate:
            return candidate
    raise ServeError(
        "the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' "
        "(it is a dependency of graphkit: pip install -e . installs it)"
    )


def server_version(binary: str) -> str:
    """``0.5.13`` from ``oxigraph --version``."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ServeError(f"cannot run {binary} --version: {exc}") from None
    return out.strip().split()[-1] if out.strip() else "unknown"


def check_version(binary: str) -> str:
    """Refuse an ``oxigraph`` server whose series differs from pyoxigraph's (another on-disk format)."""
    import pyoxigraph

    version = server_version(binary)
    ours = pyoxigraph.__version__
    if version.split(".")[:2] != ours.split(".")[:2]:
        raise ServeError(
            f"{binary} is Oxigraph {version} but the graph was written by pyoxigraph {ours}; the store "
            f"formats differ: pip install 'oxigraph=={ours}'"
        )
    return version


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started the server dies (Linux)."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:7878`` for IPv6) as (host, port)."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ServeError(f"--bind {bind!r}: write HOST:PORT, e.g. 127.0.0.1:7878")
    if not 0 < int(port) < 65536:
        raise ServeError(f"--bind {bind!r}: the port must be between 1 and 65535")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    """Whether a host is this machine only: a loopback address, or the name ``localhost``.

    Any other name is not trusted, since it may resolve anywhere ("127.example.com").

    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("127.example.com"), is_loopback("0.0.0.0")
    (True, True, False, False)
    """
    import ipaddress

    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def snapshot(gen: Path, dest: Path) -> Path:
    """A checkpoint of a generation's store in ``dest`` (hard links where the disk allows)."""
    from pyoxigraph import Store

    try:
        Store.read_only(str(gen / "store")).backup(str(dest))
    except OSError as exc:
        raise StoreError(f"cannot snapshot the store of {gen}: {exc}") from None
    return dest


@dataclass
class OxigraphServer:
    """One ``oxigraph serve`` / ``serve-read-only`` process and its URLs.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. ``location`` None serves
    an in-memory store (read-write only).
    """

    location: Path | None
    host: str = "127.0.0.1"
    port: int = 7878
    read_only: bool = True
    timeout: float | None = DEFAULT_TIMEOUT
    cors: bool = False
    union_default_graph: bool = True
    binary: str | None = None
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def command(self) -> list[str]:
        binary = self.binary or find_server()
        cmd = [binary, "serve-read-only" if self.read_only else "serve"]
        if self.location is not None:
            cmd += ["--location", str(self.location)]
        elif self.read_only:
            raise ServeError("a read-only server needs a store location")
        host = f"[{self.host}]" if ":" in self.host else self.host
        cmd += ["--bind", f"{host}:{self.port}"]
        if self.timeout:
            cmd += ["--timeout-s", str(max(1, round(self.timeout)))]
        if self.cors:
            cmd.append("--cors")
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        return cmd

    def _port_taken(self) -> bool:
        """Whether something already accepts connections on host:port (another server)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            try:
                return probe.connect_ex((self.host, self.port)) == 0
            except OSError:
                return False

    def start(self, wait: float = 30.0) -> OxigraphServer:
        if os.name == "nt":
            raise ServeError(
                "graphkit serve runs on Linux and macOS; on Windows start 'oxigraph serve-read-only "
                "--location <graph folder>/gen-NNNNNN/store' yourself (see docs/sparql-server.md)"
            )
        # Checked first: otherwise the other server would answer our readiness probe, and we would
        # report its URL as ours.
        if self._port_taken():
            raise ServeError(
                f"cannot listen on {self.host}:{self.port}: the port is in use; choose another with --bind"
            )
        if self.log is None:
            fd, name = tempfile.mkstemp(prefix="graphkit-oxigraph-", suffix=".log")
            os.close(fd)
            self.log, self._own_log = Path(name), True
        # The server's messages go to a file, never to a pipe nobody reads (a full pipe blocks it).
        with open(self.log, "ab") as out:
            try:
                self.process = subprocess.Popen(
                    self.command(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            except OSError as exc:
                raise ServeError(f"cannot start the Oxigraph server: {exc}") from None
        try:
            self.wait_ready(wait)
        except BaseException:
            self.stop(kill=True)  # Ctrl-C or a failed start: no server left running, no log left behind
            raise
        return self

    def log_tail(self, chars: int = 300) -> str:
        try:
            text = self.log.read_bytes()[-4000:].decode("utf-8", "replace") if self.log else ""
        except OSError:
            return ""
        return " ".join(text.split())[-chars:]

    def wait_ready(self, wait: float = 30.0) -> None:
        deadline = time.monotonic() + wait
        url = f"{self.query_url}?query=ASK%7B%7D"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            if self.process is not None and self.process.poll() is not None:
                detail = self.log_tail()
                if "address" in detail.lower() and "in use" in detail.lower():
                    raise ServeError(
                        f"cannot listen on {self.host}:{self.port}: the port is in use; choose another with --bind"
                    )
                raise ServeError(
                    f"the Oxigraph server stopped at once (exit status {self.process.returncode})"
                    + (f": {detail}" if detail else "")
                )
            try:
                with opener.open(url, timeout=2) as resp:
                    if resp.status == 200 and (self.process is None or self.process.poll() is None):
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServeError(f"the Oxigraph server did not answer on {self.base_url} within {wait:g} s")
            time.sleep(0.05)

    def stop(self, kill: bool = False) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s; ``kill`` sends SIGKILL at once)."""
        p = self.process
        if p is None or p.poll() is not None:
            self._remove_own_log()
            return
        with contextlib.suppress(ProcessLookupError):
            p.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            p.wait(10)
        self._remove_own_log()

    def _remove_own_log(self) -> None:
        if getattr(self, "_own_log", False) and self.log is not None:
            with contextlib.suppress(OSError):
                self.log.unlink()

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _generation(folder: GraphFolder) -> Path:
    gen = folder.current()
    if gen is None:
        raise StoreError(
            f"no graph in {folder.path}; build one first with 'graphkit build DIGESTS_DIR --out {folder.path}'"
        )
    return gen


def _snapshot_dir(folder: GraphFolder) -> Path:
    """A fresh folder for a snapshot: in the graph folder (same disk: hard links), else the temp dir."""
    try:
        return Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX, dir=folder.path))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="graphkit-serve-"))


def remove_stale_snapshots(folder: GraphFolder) -> None:
    """Delete snapshots left by a server that was killed (none of them is in use: each has a pid file)."""
    for p in folder.path.glob(f"{SNAPSHOT_PREFIX}*"):
        try:
            pid = int((p / "pid").read_text())
            os.kill(pid, 0)
            continue  # its server still runs
        except (OSError, ValueError):
            shutil.rmtree(p, ignore_errors=True)


class Served:
    """The running server of ``graphkit serve``: a snapshot of the live generation and its process."""

    def __init__(
        self,
        store: str | Path | None,
        host: str,
        port: int,
        *,
        read_only: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
        cors: bool = False,
        binary: str | None = None,
    ):
        self.folder = GraphFolder(store or default_store_path())
        self.host, self.port = host, port
        self.read_only, self.timeout, self.cors = read_only, timeout, cors
        self.binary = binary or find_server()
        self.generation: Path | None = None
        self.server: OxigraphServer | None = None
        self.snap: Path | None = None

    def start(self) -> OxigraphServer:
        remove_stale_snapshots(self.folder)
        gen = _generation(self.folder)
        snap = _snapshot_dir(self.folder)
        try:
            (snap / "pid").write_text(str(os.getpid()))
            snapshot(gen, snap / "store")
            server = OxigraphServer(
                snap / "store",
                self.host,
                self.port,
                read_only=self.read_only,
                timeout=self.timeout,
                cors=self.cors,
                binary=self.binary,
                log=snap / "server.log",
            )
            server.start()
        except BaseException:
            shutil.rmtree(snap, ignore_errors=True)
            raise
        self.generation, self.server, self.snap = gen, server, snap
        return server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.snap is not None:
            shutil.rmtree(self.snap, ignore_errors=True)
            self.snap = None

    def reload_if_rebuilt(self) -> bool:
        """Restart on the new generation if a build published one; True when it did."""
        try:
            gen = _generation(self.folder)
        except StoreError:
            return False
        if self.generation is not None and gen.resolve() == self.generation.resolve():
            return False
        self.stop()
        self.start()
        return True

    def alive(self) -> bool:
        return self.server is not None and self.server.process is not None and self.server.process.poll() is None


def serve_forever(served: Served, on_event: Callable[[str], None], poll: float = 2.0) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM): restart on rebuilds, report a crashed server."""
    stop = {"flag": False}

    def handler(signum, frame):
        stop["flag"] = True

    old = signal.signal(signal.SIGTERM, handler)
    try:
        while not stop["flag"]:
            time.sleep(poll)
            if not served.alive():
                raise ServeError("the Oxigraph server stopped unexpectedly; start 'graphkit serve' again")
            if served.reload_if_rebuilt() and served.generation is not None:
                on_event(f"The graph was rebuilt: now serving {served.generation.name}.")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old)
        served.stop()


def describe(served: Served) -> dict:
    """What ``graphkit serve --json`` prints once the server answers."""
    manifest = served.folder.manifest(served.generation) or {}
    s = served.server
    return {
        "store": str(served.folder.path),
        "generation": served.generation.name if served.generation else None,
        "quads": manifest.get("quads"),
        "digests": len(manifest.get("digests", {})),
        "query_url": s.query_url if s else None,
        "ui_url": f"{s.base_url}/" if s else None,
        "read_only": served.read_only,
        "timeout_s": served.timeout,
        "pid": s.process.pid if s and s.process else None,
        "server": served.binary,
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps({"server": find_server()}))
