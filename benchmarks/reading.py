"""Benchmark the reading station (issue #11, "Speed"): scrolling, saving a caliper, the response.

    QT_QPA_PLATFORM=offscreen python benchmarks/reading.py [--frames 600] [--saves 300]

1. ``scroll_fps``: the 2x2 linked ``PhaseGrid`` of the demo phantom's four CT phases (512²,
   65 slices, int16 HU, rendered in memory as ``core.phantom`` writes them) in a 1920x1080
   grid. One *frame* is ``PhaseGrid.step_slice(±1)`` on the active (first) viewer (the other
   three follow by patient position), ``processEvents()`` (where the application paints),
   then ``repaint()`` of the grid, which paints synchronously whatever is still dirty; a
   Paint-event count on every viewport checks that each frame painted all four (the run
   fails otherwise). Frames bounce between the first and last slice.
   Beside it: the same frame closed by ``grab()`` of the grid (a full render
   into a pixmap), and a peer of four bare pyqtgraph ``ImageItem`` viewports (no overlays,
   no linking) stepped the same way.
2. ``caliper_save_ms``: ``ReadingSession.save_caliper`` on a real trial store (the demo
   subject HCC-001, baseline signed, week 6 read by a perfect reader), moving the total
   caliper of target T1 a little each time: the median from the call to its transaction
   having committed (``COMMIT`` with ``synchronous=FULL``, the audit row inside it, the
   anchor line written). Beside it the whole call (engine result and undo push included),
   and, interleaved save by save, a bare durable SQLite insert (WAL, ``synchronous=FULL``,
   ``BEGIN IMMEDIATE``/``INSERT``/``COMMIT``) on the same disk.
3. ``response_update_ms``: the saves go through a real ``ReadingView`` (its reading
   session, 1400x900, the four phantom phases in its grid): from the ``save_caliper`` call
   to the view having shown the saved read — lesion panel, warnings, finding form,
   response panel with the engine's result, the calipers handed to all four viewports —
   which it does in its slot of ``changed``; a slot connected after it takes the time.
   Beside it, ``response_result_ms``: to ``changed`` delivering the ``ReadUpdate``
   (the engine's result, before any widget).

Figures go to stdout with their targets; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests" / "core" / "store"))  # after the repo root

from store_demo_reading import caliper, demo_truth, read_subject, setup_demo  # noqa: E402
from store_trial import make_trial  # noqa: E402

from core.actions import ReadUpdate, get_read, my_tasks  # noqa: E402
from core.model.imaging import Modality  # noqa: E402
from core.model.reading import MeasurementKind  # noqa: E402
from core.model.volume import Volume  # noqa: E402
from core.phantom.anatomy import texture_field  # noqa: E402
from core.phantom.demo import demo_studies  # noqa: E402
from core.phantom.dicom_writer import make_uid  # noqa: E402
from core.phantom.grid import PhantomSize  # noqa: E402
from core.phantom.render import CT_RESCALE_INTERCEPT, render_phase  # noqa: E402
from core.phantom.study import _context, _series_plan, label_volume  # noqa: E402
from desktop.reading_view import ReadingView  # noqa: E402
from widgets.phase_grid import PhaseGrid  # noqa: E402

TARGETS = {"scroll_fps": (60.0, ">="), "caliper_save_ms": (5.0, "<="),
           "response_update_ms": (100.0, "<=")}
GRID_SIZE = (1920, 1080)


# -- 1. scrolling ---------------------------------------------------------------------------

def phantom_volumes(size: PhantomSize) -> list[Volume]:
    """The four CT phases of demo subject 1's baseline, as loaded from its DICOM (int16 HU)."""
    spec = demo_studies(size)[0].spec
    grid, ctx = spec.grid, _context(spec)
    labels = label_volume(spec)
    texture = texture_field(grid, spec.seed)
    rng = np.random.default_rng([spec.seed, 17])
    affine = np.eye(4)
    affine[:3, 0] = (0.0, 0.0, -grid.slice_spacing_mm)  # slice 0 is the most cranial
    affine[:3, 1] = (0.0, grid.pixel_spacing_mm, 0.0)
    affine[:3, 2] = (grid.pixel_spacing_mm, 0.0, 0.0)
    affine[:3, 3] = grid.position_mm(0)
    volumes = []
    for phase, series in _series_plan(spec, ctx):
        stored = render_phase(labels, texture, Modality.CT, phase, rng)
        voxels = (stored.astype(np.int32) + int(CT_RESCALE_INTERCEPT)).astype(np.int16)
        volumes.append(Volume(
            voxels=voxels, affine=affine.copy(),
            spacing_mm=(grid.slice_spacing_mm, grid.pixel_spacing_mm, grid.pixel_spacing_mm),
            sop_instance_uids=tuple(make_uid(series.series_uid, None, k)
                                    for k in range(grid.n_slices)),
            series_instance_uid=series.series_uid, study_instance_uid=ctx.study_uid,
            modality=Modality.CT, phase=phase, series_description=series.description,
            window=(40.0, 400.0)))
    return volumes


class PaintCounter(QObject):
    """Counts Paint events on the widgets it is installed on."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[int, int] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.Paint:
            self.counts[id(watched)] = self.counts.get(id(watched), 0) + 1
        return False


class Bouncer:
    """±1 steps that run from the first slice to the last and back."""

    def __init__(self, n_slices: int, start: int) -> None:
        self.n, self.index, self.delta = n_slices, start, 1

    def next(self) -> int:
        if not 0 <= self.index + self.delta < self.n:
            self.delta = -self.delta
        self.index += self.delta
        return self.delta


def run_frames(app: QApplication, widget: QWidget, viewports: list[QWidget],
               step: Callable[[int], None], n_slices: int, start: int, frames: int,
               close: Callable[[], object]) -> tuple[float, float, float]:
    """Frames per second, the 90th percentile frame time (ms) and the viewport paints per
    frame, of *frames* frames. Raises if a frame did not paint every viewport.
    """
    counter = PaintCounter()
    for viewport in viewports:
        viewport.installEventFilter(counter)
    bounce = Bouncer(n_slices, start)
    times = []
    try:
        for _ in range(20):  # warm-up: caches, first paints
            step(bounce.next())
            app.processEvents()
            close()
        counter.counts.clear()
        begin = time.perf_counter()
        for _ in range(frames):
            started = time.perf_counter()
            step(bounce.next())
            app.processEvents()
            close()
            times.append(time.perf_counter() - started)
        total = time.perf_counter() - begin
    finally:
        for viewport in viewports:
            viewport.removeEventFilter(counter)
    painted = [counter.counts.get(id(v), 0) for v in viewports]
    if min(painted) < frames:
        raise RuntimeError(f"viewports painted {painted} times in {frames} frames")
    return (frames / total, statistics.quantiles(times, n=10)[-1] * 1000,
            sum(painted) / len(painted) / frames)


def bench_scroll(app: QApplication, volumes: list[Volume], frames: int) -> dict[str, float]:
    """The PhaseGrid's linked scrolling, closed by repaint() and by grab(); and the peer."""
    grid = PhaseGrid(columns=2)
    grid.resize(*GRID_SIZE)
    grid.set_volumes(volumes, "HCC-001\nBaseline")
    grid.show()
    for _ in range(5):
        app.processEvents()
    viewports = [viewer._graphics.viewport() for viewer in grid.viewers]
    n, start = volumes[0].n_slices, grid.viewers[0].current_slice
    fps, p90, paints = run_frames(app, grid, viewports, grid.step_slice, n, start, frames,
                                  grid.repaint)
    grab_fps, grab_p90, _ = run_frames(app, grid, viewports, grid.step_slice, n,
                                       grid.viewers[0].current_slice, frames, grid.grab)
    # What the application does: the event loop alone paints what the step made dirty.
    loop_fps, _, loop_paints = run_frames(app, grid, viewports, grid.step_slice, n,
                                          grid.viewers[0].current_slice, frames, lambda: None)
    viewport_size = grid.viewers[0]._graphics.viewport().size()
    grid.close()
    grid.deleteLater()

    # Peer: four bare pyqtgraph viewports, one ImageItem each, the same slices and window.
    peer = QWidget()
    layout = QGridLayout(peer)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    items, views = [], []
    for i, volume in enumerate(volumes):
        view = pg.GraphicsView(background="k")
        box = pg.ViewBox(lockAspect=True, invertY=True)
        view.setCentralItem(box)
        item = pg.ImageItem(axisOrder="row-major")
        box.addItem(item)
        item.setImage(volume.voxels[start], autoLevels=False, levels=(-160, 240))
        box.autoRange(padding=0)
        layout.addWidget(view, i // 2, i % 2)
        items.append(item)
        views.append(view)
    peer.resize(*GRID_SIZE)
    peer.show()
    for _ in range(5):
        app.processEvents()
    shown = [start]

    def peer_step(delta: int) -> None:
        shown[0] += delta
        for item, volume in zip(items, volumes, strict=True):
            item.setImage(volume.voxels[shown[0]], autoLevels=False, levels=(-160, 240))

    peer_fps, peer_p90, _ = run_frames(app, peer, [v.viewport() for v in views], peer_step, n,
                                    start, frames, peer.repaint)
    peer.close()
    peer.deleteLater()
    return {"scroll_fps": fps, "scroll_frame_p90_ms": p90, "scroll_paints_per_frame": paints,
            "scroll_event_loop_only_fps": loop_fps,
            "scroll_event_loop_only_paints_per_frame": loop_paints,
            "scroll_grab_fps": grab_fps,
            "scroll_grab_frame_p90_ms": grab_p90, "peer_bare_pyqtgraph_fps": peer_fps,
            "peer_bare_pyqtgraph_frame_p90_ms": peer_p90,
            "viewport_px": f"{viewport_size.width()}x{viewport_size.height()}",
            "slice_px": f"{volumes[0].voxels.shape[2]}x{volumes[0].voxels.shape[1]}",
            "frames": frames}


# -- 2 and 3. saving a caliper, and the response ------------------------------------------

@contextmanager
def _timed(inner: Any, ends: list[float]) -> Iterator[None]:
    with inner:
        yield
    ends.append(time.perf_counter())  # after COMMIT and the anchor line


def bench_save(folder: Path, saves: int, volumes: list[Volume]) -> dict[str, float]:
    """Medians (ms) of a caliper saved through the reading view, the response, the peer."""
    trial = make_trial(folder / "trial.sqlite")
    store, reader = trial.store, trial.reader1
    setup_demo(store, trial.admin, ("HCC-001",))
    read_subject(store, reader, "HCC-001", upto=2, sign_last=False)
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-001")
    tp = demo_truth()["HCC-001"][1]
    timepoint_id = get_read(store, reader, task.task_id).timepoint(tp.label).timepoint_id
    view = ReadingView(store, reader, task.task_id, timepoint_id, load_in_background=False)
    view.resize(1400, 900)
    view.show()
    view.set_volumes(volumes)
    QApplication.processEvents()
    session = view.reading
    truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    lesion_id = next(les.lesion_id for les in session.read.lesions if les.label == truth["id"])
    total = truth["total_longest_diameter_mm"]
    # Moves of the total caliper by up to 0.4 mm (never shorter than the viable one).
    drawn = [caliper(tp, truth, MeasurementKind.TOTAL, lesion_id, timepoint_id,
                     total + 0.1 * (i % 5))[3] for i in range(5)]

    commit_ends: list[float] = []
    original = store.transaction
    store.transaction = lambda: _timed(original(), commit_ends)  # type: ignore[method-assign]
    delivered: list[tuple[float, float, bool]] = []

    results: list[float] = []

    def on_result(update: ReadUpdate[Any]) -> None:
        del update
        results.append(time.perf_counter())

    def on_shown(update: ReadUpdate[Any]) -> None:
        # Connected after the view's own slot: the panels have been shown the read.
        if not view.response.lines():
            raise RuntimeError("the response panel shows nothing")
        delivered.append((results[-1], time.perf_counter(), update.result is not None))

    session.changed.disconnect(view._show)
    session.changed.connect(on_result)
    session.changed.connect(view._show)
    session.changed.connect(on_shown)
    audit_before = _audit_rows(store)

    peer = sqlite3.connect(folder / "peer.sqlite", isolation_level=None)
    peer.execute("PRAGMA journal_mode=WAL")
    peer.execute("PRAGMA synchronous=FULL")
    peer.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, length_mm TEXT, geometry TEXT)")

    commit, call, response, strings, peer_times = [], [], [], [], []
    for number in range(saves):
        commit_ends.clear()
        delivered.clear()
        started = time.perf_counter()
        if not session.save_caliper(lesion_id, timepoint_id, MeasurementKind.TOTAL,
                                    drawn[(number + 1) % 5]):
            raise RuntimeError("the store refused the benchmark's caliper")
        ended = time.perf_counter()
        if not delivered[0][2]:
            raise RuntimeError("the update carried no engine result")
        commit.append(commit_ends[-1] - started)
        call.append(ended - started)
        strings.append(delivered[0][0] - started)
        response.append(delivered[0][1] - started)

        started = time.perf_counter()  # the peer, interleaved: the same disk and load
        peer.execute("BEGIN IMMEDIATE")
        peer.execute("INSERT INTO m (length_mm, geometry) VALUES (?, ?)",
                     (str(20 + number / 10), "[100.0, 120.0, 130.0, 150.0]"))
        peer.execute("COMMIT")
        peer_times.append(time.perf_counter() - started)
    peer.close()
    audit_added = _audit_rows(store) - audit_before
    if audit_added < saves:
        raise RuntimeError(f"{saves} saves wrote {audit_added} measurement audit rows")
    view.key_images.wait()
    view.close()
    store.close()

    def ms(values: list[float]) -> float:
        return statistics.median(values) * 1000

    def p90(values: list[float]) -> float:
        return statistics.quantiles(values, n=10)[-1] * 1000 if len(values) > 1 else 0.0

    return {"caliper_save_ms": ms(commit), "caliper_save_p90_ms": p90(commit),
            "caliper_save_call_ms": ms(call), "caliper_save_call_p90_ms": p90(call),
            "peer_sqlite_insert_ms": ms(peer_times),
            "peer_sqlite_insert_p90_ms": p90(peer_times),
            "response_update_ms": ms(response), "response_update_p90_ms": p90(response),
            "response_result_ms": ms(strings), "saves": saves,
            "measurement_audit_rows_added": audit_added}


def _audit_rows(store: Any) -> int:
    return int(store._rows("SELECT COUNT(*) AS n FROM audit WHERE entity = 'measurement'")[0]["n"])


# -- main -----------------------------------------------------------------------------------

def verdict(key: str, value: float) -> str:
    target, sense = TARGETS[key]
    met = value >= target if sense == ">=" else value <= target
    return f"target {sense} {target:g}: {'met' if met else 'NOT met'}"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three benchmarks, print the figures; the last line printed is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--small", action="store_true",
                        help="the small phantom (128²), for a smoke run")
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to put the stores (default: a temporary folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)

    started = time.perf_counter()
    volumes = phantom_volumes(PhantomSize.SMALL if args.small else PhantomSize.DEMO)
    print(f"phantom: 4 phases of {volumes[0].voxels.shape} int16 rendered in "
          f"{time.perf_counter() - started:.1f} s")
    figures: dict[str, Any] = bench_scroll(app, volumes, args.frames)
    print(f"scrolling 2x2 linked ({figures['slice_px']} slices, viewports "
          f"{figures['viewport_px']}): {figures['scroll_fps']:.1f} fps "
          f"(p90 frame {figures['scroll_frame_p90_ms']:.1f} ms) over {args.frames} frames; "
          f"{verdict('scroll_fps', figures['scroll_fps'])}")
    print(f"  each viewport painted {figures['scroll_paints_per_frame']:.2f} times a frame "
          f"(the event loop's paint, then repaint()); the event loop alone: "
          f"{figures['scroll_event_loop_only_fps']:.1f} fps, "
          f"{figures['scroll_event_loop_only_paints_per_frame']:.2f} paints a frame")
    print(f"  closed by grab(): {figures['scroll_grab_fps']:.1f} fps; peer, four bare "
          f"pyqtgraph ImageItems: {figures['peer_bare_pyqtgraph_fps']:.1f} fps")
    with tempfile.TemporaryDirectory(dir=args.folder) as name:
        figures.update(bench_save(Path(name), args.saves, volumes))
    print(f"caliper save to committed: median {figures['caliper_save_ms']:.2f} ms "
          f"(p90 {figures['caliper_save_p90_ms']:.2f}) over {args.saves} saves; "
          f"{verdict('caliper_save_ms', figures['caliper_save_ms'])}")
    print(f"  whole save_caliper call {figures['caliper_save_call_ms']:.2f} ms; peer, bare "
          f"durable SQLite insert {figures['peer_sqlite_insert_ms']:.2f} ms "
          f"(p90 {figures['peer_sqlite_insert_p90_ms']:.2f})")
    print(f"saved edit to the reading view's panels shown: median "
          f"{figures['response_update_ms']:.2f} ms (p90 "
          f"{figures['response_update_p90_ms']:.2f}); to the engine's result alone "
          f"{figures['response_result_ms']:.2f} ms; "
          f"{verdict('response_update_ms', figures['response_update_ms'])}")
    out = {key: round(value, 3) if isinstance(value, float) else value
           for key, value in figures.items()}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
