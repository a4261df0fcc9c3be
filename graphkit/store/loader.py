"""Loading N-Quads into an Oxigraph store on a background thread."""

from __future__ import annotations

import queue
import threading


class Loader:
    """Loads N-Quads batches into the store on a background thread.

    Oxigraph releases the GIL while it parses and writes a batch, so parsing and mapping the next
    digests in Python overlaps with storing the previous ones: on two cores the build takes
    about max(parse, load) instead of their sum.
    """

    def __init__(self, store):
        from pyoxigraph import RdfFormat

        self.store = store
        self.format = RdfFormat.N_QUADS
        self.queue: queue.Queue = queue.Queue(maxsize=2)  # bounds memory: two batches in flight
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="graphkit-loader", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.store.bulk_load(data, format=self.format)
                except BaseException as exc:
                    self.error = exc

    def put(self, data: bytes) -> None:
        """Queue a batch of N-Quads (blocks while two batches are already waiting)."""
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self, raise_error: bool = True) -> None:
        """Wait for every queued batch; re-raise the loader's error unless told not to."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if raise_error and self.error is not None:
            raise self.error
