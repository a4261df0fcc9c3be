"""Helpers shared by the tests (a plain module: pyproject puts tests/ on pytest's pythonpath)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "digests"


def corpus_path() -> Path:
    """The shared real corpus: $GRAPHKIT_CORPUS or ../shared/corpus/futures beside the repo.

    Missing corpus is a failure, not a skip: every test run must parse all real digests.
    """
    path = Path(os.environ.get("GRAPHKIT_CORPUS") or REPO.parent / "shared" / "corpus" / "futures")
    if not path.is_dir() or not any(path.glob("*.md")):
        raise AssertionError(f"real corpus not found at {path}; set GRAPHKIT_CORPUS to the folder of digests")
    return path
