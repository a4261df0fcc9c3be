"""The ``graphkit`` command line: a thin layer over the library API.

One module per command group, registered on :func:`~graphkit.cli.common.main`:
``build``; ``query`` (query, export, validate, stats); ``network`` (rank, clusters, related);
``timeline`` (trends, signals-map); ``publish`` (viz, serve, push); ``actors``. Every command reads
the graph folder from ``--store``, has a machine-readable output option, and reports errors as one
line with a hint — never a traceback (set ``GRAPHKIT_DEBUG=1`` to see one).
"""

from __future__ import annotations

from graphkit.cli import actors, build, network, publish, query, timeline, topics  # noqa: F401 - registers the commands
from graphkit.cli.common import UserError, main

__all__ = ["UserError", "main"]
