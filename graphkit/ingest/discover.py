"""Find digest files under the folders and files a user names."""

from __future__ import annotations

from collections.abc import Iterable
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
    found: dict[Path, Path] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if (
                    f.is_file()
                    and f.suffix.lower() in DIGEST_SUFFIXES
                    and not any(part.startswith(".") for part in rel.parts)
                ):
                    found.setdefault(f, p)
        elif p.is_file():
            found.setdefault(p, p.parent)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return sorted(found.items(), key=lambda fr: (fr[0].relative_to(fr[1]).as_posix(), str(fr[1])))
