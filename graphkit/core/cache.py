"""A per-user cache of what graphkit derives from its own shipped data (the parsed topic scheme).

Derived data only, keyed by a digest of everything it was made from (input texts, graphkit's and
its libraries' versions), so a stale entry is never read: it is simply not found. The folder is
``$GRAPHKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/graphkit``, else ``~/.cache/graphkit``;
``GRAPHKIT_CACHE_DIR=off`` turns the cache off. A missing, unwritable or corrupt cache costs the
time it would have saved, nothing else.

Entries are pickles: they are written and read by graphkit only, under the user's own cache
folder (like pip's or matplotlib's), never from a graph folder or anything a digest can reach.

>>> import os, tempfile
>>> os.environ["GRAPHKIT_CACHE_DIR"] = tempfile.mkdtemp()
>>> key = cache_key(b"some input", "v1")
>>> load("demo", key) is None
True
>>> store("demo", key, {"parsed": [1, 2]})
>>> load("demo", key)
{'parsed': [1, 2]}
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

#: Bumped when what an entry holds changes shape.
FORMAT = 1


def cache_dir() -> Path | None:
    """The cache folder, or None when the user turned the cache off."""
    chosen = os.environ.get("GRAPHKIT_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "graphkit"


def cache_key(*parts: bytes | str) -> str:
    """A digest of ``parts`` and of the Python and graphkit versions."""
    h = hashlib.sha256(f"{FORMAT}\0{package_version('graphkit')}\0{sys.version}\0".encode())
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def package_version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def load(name: str, key: str):
    """The value stored under ``name`` and ``key``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{name}-{key}.pickle").open("rb") as f:
            return pickle.load(f)
    except Exception:  # missing, truncated by a crash, written by another Python: recompute
        return None


def store(name: str, key: str, value) -> None:
    """Keep ``value`` under ``name`` and ``key`` (written whole or not at all; errors ignored)."""
    folder = cache_dir()
    if folder is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{name}-{key}.pickle")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for old in folder.glob(f"{name}-*.pickle"):  # one entry per name: the others are stale
            if old.name != f"{name}-{key}.pickle":
                with contextlib.suppress(OSError):
                    old.unlink()
