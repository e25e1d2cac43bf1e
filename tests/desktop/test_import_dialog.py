"""The import dialog: scan on a worker thread, report, phase override, cancel."""

from __future__ import annotations

from functools import partial

from core.dicom.scan import scan
from core.model.imaging import Phase
from desktop.import_dialog import ImportDialog
from desktop.main_window import MainWindow
from desktop.presets import load_window_presets
from desktop.workers import Worker


def _scanned(qtbot, paths):
    dialog = ImportDialog(paths)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.scan_finished, timeout=20000) as blocker:
        dialog.start_scan()
    return dialog, blocker.args[0]


def test_scan_fills_the_report_and_the_reader_overrides_a_phase(qtbot, small_ct_study):
    dialog, result = _scanned(qtbot, [small_ct_study.folder])
    study_item = dialog.series_tree.topLevelItem(0)
    assert study_item.childCount() == 4
    # ground_truth.json, and whatever other tests left in the shared study folder
    assert dialog.rejected_tree.topLevelItemCount() == len(result.rejected) >= 1
    delayed = result.series[3]
    assert dialog.overrides() == {}
    dialog.set_phase(delayed.key, Phase.HEPATOBILIARY)
    assert dialog.overrides() == {delayed.key: Phase.HEPATOBILIARY}
    reviewed = dialog.reviewed_result()
    assert reviewed.series[3].phase.phase is Phase.HEPATOBILIARY
    assert reviewed.series[3].phase.is_override


def test_cancelled_scan_reports_what_it_found(qtbot, small_ct_study):
    worker = Worker(partial(scan, [small_ct_study.folder]))  # as the dialog runs its scan
    worker.cancel()  # before the first file: the scan stops at once
    with qtbot.waitSignal(worker.finished, timeout=20000) as blocker:
        worker.start()
    result = blocker.args[0]
    assert not result.is_complete
    assert result.series == ()
    dialog = ImportDialog([small_ct_study.folder])
    qtbot.addWidget(dialog)
    dialog.show_result(result)
    assert dialog._label.text() == ("0 series found, 0 file(s) not imported "
                                    "(scan cancelled: partial)")


def test_main_window_opens_a_reviewed_scan_with_the_readers_phases(qtbot, small_ct_study):
    dialog, result = _scanned(qtbot, [small_ct_study.folder])
    dialog.set_phase(result.series[3].key, Phase.HEPATOBILIARY)
    window = MainWindow(load_window_presets(), interactive=False)
    qtbot.addWidget(window)
    assert window.open_scanned(dialog.reviewed_result(), "export")
    assert [v.volume.phase for v in window.grid.viewers] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.HEPATOBILIARY]
    assert window.windowTitle().endswith("export")


def test_main_window_shows_the_preview_at_once(qtbot, small_ct_study):
    from core.dicom import scan
    from core.dicom.pixels import read_frame

    header = next(s for s in scan(small_ct_study.dicom_folder).series
                  if s.phase.phase is Phase.ARTERIAL).headers[0]
    window = MainWindow(load_window_presets(), interactive=False)
    qtbot.addWidget(window)
    window.show_preview(header, read_frame(header), "HCC-002\nBaseline")
    (viewer,) = window.grid.viewers
    assert viewer.volume.phase is Phase.ARTERIAL
    assert window._status.text() == "Loading the study…"
