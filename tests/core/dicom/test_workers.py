"""Decoding workers kept between studies: reused, and replaced after a crash."""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import JPEG2000Lossless

from core.dicom import scan
from core.dicom.study import load_phases
from core.dicom.volume import decode_process_pool
from core.dicom.workers import DecodeWorkers
from core.errors import DecoderCrashedError


def _jpeg_2000_study(write_image, folder: Path) -> Path:
    rng = np.random.default_rng(7)
    for z in range(3):
        path = write_image(folder=folder, position=(0.0, 0.0, float(z)),
                           RescaleIntercept=-1024,
                           pixels=rng.integers(0, 4096, (64, 64), dtype=np.uint16))
        ds = pydicom.dcmread(path)
        ds.compress(JPEG2000Lossless)
        ds.save_as(path)
    return folder


def test_the_same_workers_decode_study_after_study(write_image, tmp_path):
    result = scan(_jpeg_2000_study(write_image, tmp_path / "study"))
    (on_threads,) = load_phases(result, decode_processes=0)
    with DecodeWorkers(2) as workers:
        assert not workers.is_running  # nothing started before a study needs it
        (first,) = load_phases(result, decode_processes=2, decode_workers=workers)
        pool = workers.executor()
        (second,) = load_phases(result, decode_processes=2, decode_workers=workers)
        assert workers.executor() is pool  # kept, not started again
    assert not workers.is_running
    assert np.array_equal(first.voxels, on_threads.voxels)
    assert np.array_equal(second.voxels, on_threads.voxels)


def test_a_crash_replaces_the_workers_for_the_next_study(write_image, tmp_path):
    # Real processes that die at start, as a decoder crash leaves them: the first study
    # fails with a reason, the next one gets new workers and loads.
    result = scan(_jpeg_2000_study(write_image, tmp_path / "study"))
    started: list[str] = []

    def start(workers: int) -> Executor:
        if not started:
            started.append("crashing")
            return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                       initializer=os._exit, initargs=(70,))
        started.append("working")
        return decode_process_pool(workers)

    with DecodeWorkers(1, start=start) as workers:
        with pytest.raises(DecoderCrashedError, match="decoding worker process stopped"):
            load_phases(result, decode_processes=1, decode_workers=workers)
        assert not workers.is_running
        (volume,) = load_phases(result, decode_processes=1, decode_workers=workers)
    assert started == ["crashing", "working"]
    assert volume.voxels.max() > 2000


def test_stopped_workers_do_not_start_again_and_old_pools_are_not_discarded_twice():
    # A load still running when the application quits must not start workers nobody
    # stops; a crash in an old load must not stop the pool a newer load runs on.
    started: list[Executor] = []

    def start(workers: int) -> Executor:
        started.append(decode_process_pool(workers))
        return started[-1]

    workers = DecodeWorkers(1, start=start)
    first = workers.executor()
    workers.discard(first)
    second = workers.executor()
    workers.discard(first)  # the old pool again: the current one stays
    assert workers.executor() is second
    workers.close()
    with pytest.raises(RuntimeError, match="stopped"):
        workers.executor()
    assert len(started) == 2
