"""The persistent graph folder: an Oxigraph store plus a manifest, swapped in atomically.

Layout of a graph folder (default ``./kg``)::

    kg/
      CURRENT                 JSON naming the live generation, replaced by rename
      gen-000003/store/       Oxigraph (RocksDB) database
      gen-000003/manifest.json  what was built from which file (hashes, surface forms, problems)
      .lock                   held by a build

A build writes a new generation next to the live one (starting from a cheap hard-link backup of
it) and only then points ``CURRENT`` at it, so an interrupted build leaves the previous graph
intact and readers never see a half-written store.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

DEFAULT_STORE = "kg"
STORE_ENV = "GRAPHKIT_STORE"
MANIFEST_VERSION = 5  # 3: actors per digest; 4: +shared.nt names for the shared graphs' files; 5: acronyms, topics
_GEN_RE = re.compile(r"^gen-(\d{6})$")


class StoreError(Exception):
    """The graph folder is missing, locked or unreadable; the message says what to do."""


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


# Read once at import (os.umask can only be read by setting it, which is not thread-safe later).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_output(path: str | Path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds.

    A failed or interrupted write never leaves a truncated file where the old one was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); give it the mode a plain open() would (umask), so
        # a page or export meant to be shared stays readable.
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes | memoryview) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


class GraphFolder:
    """Generations of a graph folder: which is live, where the next goes, and cleaning up."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def current_file(self) -> Path:
        return self.path / "CURRENT"

    def current(self) -> Path | None:
        """The live generation's folder, or None when nothing was built yet."""
        try:
            info = json.loads(self.current_file.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{self.current_file} is unreadable ({exc}); rebuild with 'graphkit build --full'"
            ) from None
        gen = self.path / info["generation"]
        if not (gen / "store").is_dir():
            raise StoreError(f"{gen} is missing; rebuild with 'graphkit build --full'")
        return gen

    def live(self) -> Path:
        """The live generation's folder; :class:`StoreError` with what to do when there is none."""
        gen = self.current()
        if gen is None:
            raise StoreError(
                f"no graph in {self.path}; build one first with 'graphkit build DIGESTS_DIR --out {self.path}'"
            )
        return gen

    def manifest(self, gen: Path | None = None) -> dict | None:
        gen = gen or self.current()
        if gen is None:
            return None
        try:
            data = json.loads((gen / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if data.get("version") == MANIFEST_VERSION else None

    def next_generation(self) -> Path:
        numbers = [int(m[1]) for p in self.path.glob("gen-*") if (m := _GEN_RE.match(p.name))]
        gen = self.path / f"gen-{max(numbers, default=0) + 1:06d}"
        gen.mkdir(parents=True)
        return gen

    def publish(self, gen: Path, manifest: dict) -> None:
        """Make ``gen`` the live generation: manifest first, then the ``CURRENT`` pointer."""
        atomic_write(
            gen / "manifest.json", json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
        atomic_write(self.current_file, json.dumps({"generation": gen.name}).encode("utf-8"))

    def remove_stale(self) -> None:
        """Delete every generation but the live one (left by older or interrupted builds)."""
        live = self.current()
        for p in self.path.glob("gen-*"):
            if p.is_dir() and (live is None or p.resolve() != live.resolve()):
                shutil.rmtree(p, ignore_errors=True)

    def lock(self):
        """Hold an exclusive lock for a build; a second concurrent build fails at once."""
        return exclusive_lock(self.path / ".lock", f"another build is running on {self.path}; wait for it to finish")


@contextlib.contextmanager
def exclusive_lock(path: Path, busy: str):
    """Hold an exclusive lock on ``path`` (created if needed), or raise StoreError(busy) at once.

    filelock takes an OS-level lock (``flock`` on Linux and macOS, ``msvcrt.locking`` on
    Windows) that the OS drops when the process dies, so a killed build never leaves the folder
    locked.
    """
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(busy) from None
    try:
        yield
    finally:
        lock.release()


def open_store(path: str | Path | None = None):
    """Open the live store of a graph folder read-only (a ``pyoxigraph.Store``)."""
    from pyoxigraph import Store

    folder = GraphFolder(path or default_store_path())
    gen = folder.current()
    if gen is None:
        raise StoreError(
            f"no graph in {folder.path}; build one first with 'graphkit build DIGESTS_DIR --out {folder.path}'"
        )
    try:
        return Store.read_only(str(gen / "store"))
    except OSError as exc:
        raise StoreError(f"cannot open the store in {gen}: {exc}") from None
