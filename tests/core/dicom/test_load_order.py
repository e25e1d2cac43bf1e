"""An arterial image comes first; volumes come back in display order."""

from __future__ import annotations

import dataclasses

import numpy as np
import pydicom
import pytest

from core.dicom import load_volume, scan
from core.dicom.phases import phase_from_description
from core.dicom.study import in_load_order, load_study_phases, phase_series
from core.errors import DicomImportError
from core.model.imaging import Phase


def _load_recording(folder):
    events = []
    volumes = load_study_phases(folder, progress=lambda f, m: events.append((m,)),
                                on_first_slice=lambda h, p: events.append(("first", h, p)),
                                on_volume=lambda v: events.append(("volume", v)))
    return volumes, events


def _slice_of(volumes, header):
    for volume in volumes:
        if header.sop_instance_uid in volume.sop_instance_uids:
            return volume, volume.voxels[volume.sop_instance_uids.index(header.sop_instance_uid)]
    raise AssertionError("image not loaded")


def test_an_arterial_image_is_shown_during_the_scan_then_volumes_load(small_ct_study):
    volumes, events = _load_recording(small_ct_study.dicom_folder)
    kind, header, pixels = events[0]
    assert kind == "first"
    assert phase_from_description(header.series_description) is Phase.ARTERIAL
    # Each volume is handed over as soon as it is loaded, arterial first.
    assert [e[0] if e[0] != "volume" else e[1].phase for e in events[1:9]] == [
        "Loading Arterial phase", Phase.ARTERIAL,
        "Loading Portal venous phase", Phase.PORTAL_VENOUS,
        "Loading Delayed phase", Phase.DELAYED,
        "Loading Pre-contrast phase", Phase.PRE_CONTRAST]
    handed = [e[1] for e in events if e[0] == "volume"]
    assert sorted(map(id, handed)) == sorted(map(id, volumes))  # the same objects
    assert sum(e[0] == "first" for e in events) == 1
    assert [v.phase for v in volumes] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED]
    volume, expected = _slice_of(volumes, header)
    assert volume.phase is Phase.ARTERIAL
    assert np.array_equal(pixels, expected)


def test_without_named_phases_the_middle_slice_of_the_first_phase_comes_first(
        write_image, tmp_path):
    for n, time in enumerate(("101000", "101040"), start=1):
        for z in (0.0, 2.0, 4.0):
            write_image(series_uid=f"1.2.3.{n}", SeriesDescription="Abdomen",
                        position=(0, 0, z), AcquisitionTime=time, ContrastBolusAgent="Iomeprol",
                        pixels=np.full((8, 6), n * 10 + z, dtype=np.int16))
    volumes, events = _load_recording(tmp_path)
    _, header, pixels = events[0]
    assert header.position == (0.0, 0.0, 2.0)  # the middle of the arterial (first) series
    assert pixels[0, 0] == 12.0
    assert [v.phase for v in volumes] == [Phase.ARTERIAL, Phase.PORTAL_VENOUS]


def test_load_order_puts_arterial_first(small_ct_study):
    chosen = phase_series(scan(small_ct_study.dicom_folder))
    assert [s.phase.phase for s in in_load_order(chosen)][:2] == [
        Phase.ARTERIAL, Phase.PORTAL_VENOUS]
    assert load_volume(chosen[0]).phase is Phase.PRE_CONTRAST


def test_preview_volume_places_the_one_image_where_its_header_says(small_ct_study):
    from core.dicom.pixels import read_frame
    from core.dicom.volume import preview_volume

    series = next(s for s in scan(small_ct_study.dicom_folder).series
                  if s.phase.phase is Phase.ARTERIAL)
    header = series.headers[5]
    preview = preview_volume(header, read_frame(header))
    assert preview.n_slices == 1
    assert preview.phase is Phase.ARTERIAL
    assert preview.patient_position((0, 0, 0)) == pytest.approx(header.position)
    assert not preview.is_measurable  # a preview is for looking, not measuring
    assert np.array_equal(preview.voxels[0], load_volume(series).voxels[5])


def test_compressed_phases_decoded_on_worker_processes_are_identical(tmp_path):
    from core.dicom.study import load_phases
    from core.phantom import PhantomSize, demo_scenarios, write_study
    from core.phantom.demo import scenario_study_spec

    spec = scenario_study_spec(demo_scenarios()[0], 1, 0, PhantomSize.SMALL, compress=True)
    result = scan(write_study(spec, tmp_path).dicom_folder)
    in_threads = load_phases(result, decode_processes=0)
    in_processes = load_phases(result, decode_processes=2)
    assert [v.phase for v in in_processes] == [v.phase for v in in_threads]
    for a, b in zip(in_processes, in_threads, strict=True):
        assert np.array_equal(a.voxels, b.voxels)


def test_a_file_the_worker_cannot_decode_names_itself(small_ct_study, tmp_path):
    from core.dicom.pixels import decode_in_worker, rescale_into

    (tmp_path / "IM").write_bytes(b"")
    header = scan(small_ct_study.dicom_folder).series[0].headers[0]
    broken = dataclasses.replace(header, path=tmp_path / "IM", pixel_data_offset=None)
    frames = decode_in_worker([broken])
    assert isinstance(frames, str)
    with pytest.raises(DicomImportError, match="IM: the file ends before its pixel data"):
        rescale_into(frames, [broken], [np.empty((128, 128), np.float32)])


def test_worker_processes_are_started_only_for_enough_slow_to_decode_images(small_ct_study):
    # JPEG 2000 / JPEG-LS take 10-16 ms a slice and decode in parallel only in processes;
    # RLE (1 ms) is faster on threads than the ~1 s it costs to start workers.
    from pydicom.uid import JPEG2000Lossless, JPEGLSLossless, RLELossless

    from core.dicom.study import MIN_SLOW_IMAGES_FOR_PROCESSES, auto_decode_processes

    series = scan(small_ct_study.dicom_folder).series[0]
    header = series.headers[0]

    def study(syntax: str, n: int) -> list:
        headers = tuple(dataclasses.replace(header, transfer_syntax_uid=syntax)
                        for _ in range(n))
        return [dataclasses.replace(series, headers=headers)]

    enough = MIN_SLOW_IMAGES_FOR_PROCESSES
    assert auto_decode_processes(study(JPEG2000Lossless, enough), cpus=4) == 4
    assert auto_decode_processes(study(JPEGLSLossless, enough), cpus=32) == 8
    assert auto_decode_processes(study(JPEG2000Lossless, enough - 1), cpus=4) == 0
    assert auto_decode_processes(study(JPEG2000Lossless, 10 * enough), cpus=1) == 0
    assert auto_decode_processes(study(RLELossless, 10 * enough), cpus=4) == 0
    assert auto_decode_processes(study(header.transfer_syntax_uid, 10 * enough), cpus=4) == 0


def test_jpeg_2000_decoded_on_worker_processes_equals_decoding_on_threads(write_image,
                                                                        tmp_path):
    from pydicom.uid import JPEG2000Lossless

    from core.dicom.study import load_phases

    rng = np.random.default_rng(5)
    for z in range(3):
        path = write_image(position=(0.0, 0.0, float(z)), RescaleIntercept=-1024,
                           pixels=rng.integers(0, 4096, (64, 64), dtype=np.uint16))
        ds = pydicom.dcmread(path)
        ds.compress(JPEG2000Lossless)
        ds.save_as(path)
    result = scan(tmp_path)
    (in_threads,) = load_phases(result, decode_processes=0)
    (in_processes,) = load_phases(result, decode_processes=2)
    assert in_processes.voxels.dtype == np.int16
    assert np.array_equal(in_processes.voxels, in_threads.voxels)
    assert in_threads.voxels.max() > 2000  # the random image, not a blank


def test_a_crashed_decoding_worker_stops_the_load_with_a_reason(write_image, tmp_path):
    # A decoder is native code: a damaged file can kill its process. The workers are real
    # processes that die at start (os._exit), as a crash would leave them.
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from pydicom.uid import RLELossless

    path = write_image(position=(0.0, 0.0, 0.0))
    ds = pydicom.dcmread(path)
    ds.compress(RLELossless)
    ds.save_as(path)
    (series,) = scan(tmp_path).series
    crashing = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                   initializer=os._exit, initargs=(70,))
    try:
        with pytest.raises(DicomImportError, match="decoding worker process stopped") as info:
            load_volume(series, processes=crashing)
        assert info.value.path == path
    finally:
        crashing.shutdown(wait=True, cancel_futures=True)
