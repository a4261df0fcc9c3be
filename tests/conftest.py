"""Fixtures shared by the parser tests: write a digest into tmp_path and parse it on a fixed date."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest

from graphkit.ingest.parse import parse_file

# The tests' own per-user cache (see graphkit.core.cache), set before graphkit is used: a run
# neither reads nor fills the user's ~/.cache. Subprocesses (CLI tests) inherit it.
os.environ["GRAPHKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="graphkit-test-cache-")


@pytest.fixture
def today() -> dt.date:
    """A fixed build date, so page-date plausibility does not depend on when the tests run."""
    return dt.date(2026, 11, 27)


@pytest.fixture
def write_file(tmp_path):
    """Write ``content`` (str → UTF-8, or raw bytes, written byte for byte) into tmp_path."""

    def write(content: str | bytes, name: str = "digest.md"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


@pytest.fixture
def parse_text(write_file, today):
    """Write ``content`` to a file and parse it with :func:`parse_file` on the fixed date."""

    def parse(content: str | bytes, name: str = "digest.md", **kwargs):
        kwargs.setdefault("today", today)
        return parse_file(write_file(content, name), **kwargs)

    return parse
