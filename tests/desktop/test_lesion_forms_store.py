"""The lesion forms against the demo trial store: a non-target added from AddLesionDialog's
request through core.actions.add_lesion, its state recorded from FindingForm's Finding
through core.actions.record_finding, and both read back as the store keeps them (#11)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from core.actions import add_lesion, get_read, my_tasks, record_finding
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.model.clinical import LesionCategory, NonTargetState
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from widgets.finding_form import FindingForm
from widgets.lesion_form import AddLesionDialog
from widgets.lesion_panel import LesionPanel


def test_a_non_target_from_the_forms_is_recorded_in_the_store(qtbot, demo_data_dir):
    store = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    try:
        reader = login(store, "reader1", DEMO_PASSWORD)
        task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-002")
        baseline = get_read(store, reader, task.task_id).timepoints[0].timepoint_id

        dialog = AddLesionDialog(LesionCategory.NON_TARGET, label="NT1")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.organ.lineEdit(), "Portal vein")
        dialog.kind.setFocus()
        while dialog.kind.currentData() != "tumour_thrombus":
            qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
        with qtbot.waitSignal(dialog.requested) as asked:
            qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
        request = asked.args[0]
        added = add_lesion(store, reader, task.task_id, baseline, request.category,
                           request.organ, **request.details())
        lesion = added.value
        assert lesion.label == "NT1"

        panel = LesionPanel()
        form = FindingForm()
        for widget in (panel, form):
            qtbot.addWidget(widget)
        panel.set_read(added.read, baseline)
        panel.lesion_selected.connect(
            lambda chosen: form.show_lesion(chosen, None, baseline, editable=True))
        panel.select(lesion.lesion_id)
        assert form.lesion == lesion
        form.show()
        qtbot.waitExposed(form)
        present = form.non_target.buttons[NonTargetState.PRESENT]
        with qtbot.waitSignal(form.finding_changed) as changed:
            qtbot.mouseClick(present, Qt.MouseButton.LeftButton,
                             pos=QPoint(8, present.height() // 2))
        update = record_finding(store, reader, changed.args[0])
        panel.set_read(update.read, baseline)
        panel.set_warnings([*(update.result.warnings if update.result else ()),
                            *map(str, update.problems)])

        read = get_read(store, reader, task.task_id)
        stored = read.lesion_with_id(lesion.lesion_id)
        assert stored is not None
        assert (stored.category, stored.organ, stored.kind, stored.is_node) == (
            LesionCategory.NON_TARGET, "portal_vein", "tumour_thrombus", False)
        finding = read.finding(lesion.lesion_id, baseline)
        assert finding is not None
        assert finding.state is NonTargetState.PRESENT
        assert panel.rows()[-1] == ["NT1", "Portal vein", "", "", "Present"]
    finally:
        store.close()
