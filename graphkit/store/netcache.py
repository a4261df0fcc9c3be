"""The build's projection cache: per-digest fragments and texts, one JSON line per digest.

A generation holds ``network.json`` (the merged concepts and the topic links, rewritten by every
build), ``fragments.jsonl`` and ``texts.jsonl`` (``["digest id", {...}]`` per line, in digest id
order). Lines, not one document, so that an update writes the lines of unchanged digests back as
they were read instead of serialising the whole corpus again (0.5 s of a weekly update at 3,500
digests).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_lines(folder / FRAGMENTS_FILE, {"b": {"x": 1}, "a": {"y": 2}}, {})
>>> parsed, raw = read_lines(folder / FRAGMENTS_FILE)
>>> parsed, raw["a"]
({'a': {'y': 2}, 'b': {'x': 1}}, b'["a",{"y":2}]\\n')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from graphkit.store.files import FRAGMENTS_FILE, NETWORK_FILE, TEXTS_FILE
from graphkit.store.folder import atomic_write


def _line(did: str, value) -> bytes:
    return (json.dumps([did, value], ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_lines(path: Path, values: Mapping[str, object], raw: Mapping[str, bytes]) -> None:
    """Write one line per digest id, in id order: ``raw[did]`` when given (a line read from the
    previous generation, whose value has not changed), else the value serialised."""
    atomic_write(path, b"".join(raw.get(did) or _line(did, values[did]) for did in sorted(values)))


def read_lines(path: Path, keep=None) -> tuple[dict[str, dict], dict[str, bytes]]:
    """``(values, raw lines)`` by digest id, of the digests in ``keep`` (all when None).

    Raises OSError or ValueError when the file is missing or not what :func:`write_lines` writes.
    """
    parsed: dict[str, dict] = {}
    raw: dict[str, bytes] = {}
    with path.open("rb") as f:
        for line in f:
            did, value = json.loads(line)
            if keep is None or did in keep:
                parsed[did] = value
                raw[did] = line
    return parsed, raw


def write_network(folder: Path, concepts: dict, links: dict) -> None:
    atomic_write(
        folder / NETWORK_FILE,
        json.dumps({"concepts": concepts, "links": links}, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )


def read_network(folder: Path) -> tuple[dict[str, dict], dict, dict]:
    """``(fragments by digest id, concepts, links)`` of a generation; OSError or ValueError when
    it has no cache (a graph built by an older graphkit: rebuild with ``--full``)."""
    head = json.loads((folder / NETWORK_FILE).read_text("utf-8"))
    if "fragments" in head:  # the single-document cache of graphkit 0.x builds before this one
        return head["fragments"], head["concepts"], head.get("links", {})
    fragments, _ = read_lines(folder / FRAGMENTS_FILE)
    return fragments, head["concepts"], head.get("links", {})


def read_texts(folder: Path) -> dict[str, dict]:
    """Texts by digest id (``{}`` entries for digests without any)."""
    path = folder / TEXTS_FILE
    if not path.exists() and (folder / "texts.json").exists():  # a cache written before lines
        return json.loads((folder / "texts.json").read_text("utf-8"))
    return read_lines(path)[0]
