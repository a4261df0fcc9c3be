"""What a build did: counts, problems, and the time each stage took."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from graphkit.ingest.model import Problem


@dataclass
class BuildReport:
    """What a build did; ``as_dict`` is the CLI's ``--json`` output.

    ``stages`` maps each stage that ran (in order) to its wall-clock seconds; see
    :data:`graphkit.build.STAGES`.
    """

    store: str
    files: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    quads: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    noop: bool = False
    full: bool = False
    stages: dict[str, float] = field(default_factory=dict)
    jobs: int = 1  # worker processes that parsed and found actors (1: this process)

    @property
    def digests(self) -> int:
        return self.added + self.changed + self.unchanged

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def as_dict(self) -> dict:
        return {
            "store": self.store,
            "files": self.files,
            "digests": self.digests,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": self.skipped,
            "quads": self.quads,
            "entities": self.entities,
            "warnings": len(self.warnings),
            "problems": [p.as_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
            "stages": {name: round(s, 3) for name, s in self.stages.items()},
            "noop": self.noop,
            "full": self.full,
            "jobs": self.jobs,
        }


class StageClock:
    """Times named stages into a report; tells an observer when each stage starts.

    A stage may be entered several times (parse and map alternate digest by digest): its times
    add up.
    """

    def __init__(self, report: BuildReport, on_stage: Callable[[str], None] | None = None):
        self.report = report
        self.on_stage = on_stage

    @contextmanager
    def stage(self, name: str, announce: bool = True) -> Iterator[None]:
        if announce and self.on_stage is not None:
            self.on_stage(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.report.stages[name] = self.report.stages.get(name, 0.0) + time.perf_counter() - started

    def add(self, name: str, seconds: float) -> None:
        self.report.stages[name] = self.report.stages.get(name, 0.0) + seconds
