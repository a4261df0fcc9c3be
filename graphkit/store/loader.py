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
        while (item := self.queue.get()) is not None:
            remove, data = item
            if self.error is None:
                try:
                    if remove:
                        self._remove(data)
                    else:
                        self.store.bulk_load(data, format=self.format)
                except BaseException as exc:
                    self.error = exc

    def _remove(self, data: bytes) -> None:
        from pyoxigraph import parse

        for quad in parse(data, format=self.format):
            self.store.remove(quad)

    def put(self, data: bytes) -> None:
        """Queue a batch of N-Quads (blocks while two batches are already waiting)."""
        self._put((False, data))

    def remove(self, data: bytes) -> None:
        """Queue N-Quads to remove from the store, in order with the batches to load: a bulk load
        must not run beside other writes."""
        self._put((True, data))

    def _put(self, item: tuple[bool, bytes]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self, raise_error: bool = True) -> None:
        """Wait for every queued batch; re-raise the loader's error unless told not to."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if raise_error and self.error is not None:
            raise self.error
