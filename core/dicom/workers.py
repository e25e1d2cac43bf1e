"""Decoding worker processes kept between studies.

Starting the workers costs ~0.5-1 s (each spawned process imports numpy, pydicom and the
decoders afresh), about what they save on one JPEG 2000 study on two cores. A reading
station opens study after study, so the application keeps one set of workers for its
lifetime (:class:`DecodeWorkers`) and passes it to
:func:`~core.dicom.study.load_phases`; they start with the first study that needs them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor

from core.dicom.volume import decode_process_pool


class DecodeWorkers:
    """A pool of decoding processes, started on first use, replaced after a crash.

    Parameters
    ----------
    workers
        Processes to start (default: one per core, at most 8).
    start
        Makes the pool (default :func:`~core.dicom.volume.decode_process_pool`); tests
        pass one whose workers crash.
    """

    def __init__(self, workers: int | None = None,
                 start: Callable[[int], Executor] = decode_process_pool) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 8)
        self._start = start
        self._pool: Executor | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def is_running(self) -> bool:
        """True once a pool has been started (and not closed or discarded since)."""
        return self._pool is not None

    def executor(self) -> Executor:
        """The pool, started now if it is not running.

        Raises
        ------
        RuntimeError
            After :meth:`close` (a load still running when the application quits must
            not start new workers that nobody stops).
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the decoding workers were stopped")
            if self._pool is None:
                self._pool = self._start(self.workers)
            return self._pool

    def discard(self, pool: Executor) -> None:
        """Drop *pool* if it is still the current one (a crashed worker breaks it for good);
        the next use starts anew. Another load may already run on a newer pool: kept."""
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers for good; call when the application quits."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._closed = True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DecodeWorkers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
