"""Load a study off the GUI thread, handing each phase over as soon as it is ready.

mRECIST is read on the arterial phase, so the reader should be scrolling it while the
portal venous, delayed and pre-contrast phases are still decoding (a JPEG 2000 study takes
seconds). The loading itself is ``core`` (:func:`core.dicom.study.load_phases`); this
module runs it on a :class:`~desktop.workers.Worker` and turns its callbacks into Qt
signals, which Qt delivers in the GUI thread (queued: the receiver lives there).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from core.dicom.study import FirstSlice
from core.model.volume import Volume
from core.progress import Cancelled, Progress
from desktop.workers import Worker

# The loading job: called with (progress, on_first_slice, on_volume) callbacks, returns the
# volumes in display order. Runs on the worker thread.
Job = Callable[[Progress, FirstSlice, Callable[[Volume], None]], list[Volume]]


class BackgroundLoad(Worker):
    """One study being loaded on a worker thread.

    :meth:`cancel` (for a study the reader no longer wants) stops it at the next progress
    report, every few slices; it then ends with ``failed`` carrying :class:`LoadCancelled`.

    Signals
    -------
    preview(ImageHeader, ndarray)   the first arterial image, while the scan runs
    volume_loaded(Volume)           each phase as soon as it is loaded, arterial first
    progress(float, str)            fraction done and what is being done
    finished(list[Volume])          every phase, in display order
    failed(Exception)               why it stopped (a CoreError names the file;
                                    :class:`LoadCancelled` after :meth:`cancel`)
    """

    preview = Signal(object, object)
    volume_loaded = Signal(object)

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(partial(self._load, job), name="study-load", parent=parent)

    def _load(self, job: Job, *, progress: Progress, is_cancelled: Cancelled) -> list[Volume]:
        # The loaders take no is_cancelled, but call back every few slices: a callback
        # that raises once cancelled stops them there.
        def unless_cancelled(emit: Callable[..., None]) -> Callable[..., None]:
            def report(*args: object) -> None:
                if is_cancelled():
                    raise LoadCancelled
                emit(*args)
            return report

        return job(unless_cancelled(progress), unless_cancelled(self.preview.emit),
                   unless_cancelled(self.volume_loaded.emit))


class LoadCancelled(Exception):
    """The load was cancelled (:meth:`BackgroundLoad.cancel`)."""
