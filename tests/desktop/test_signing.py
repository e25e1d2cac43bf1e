"""Signing and amending a timepoint in the GUI (#11 item 3): the sign dialog shows what the
store signs, refuses a wrong password with the store's message, says when the account is
locked, and signs with the right one; the amend dialog asks for a reason.

The real demo trial store (``demo_data_dir``), its baseline signed by the store's helper, its
week 6 read through the ``ReadingSession`` with the phantom's true calipers; passwords are
typed into the dialog and its buttons clicked as a reader would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from store_demo_reading import caliper, demo_truth

from core.actions import get_read, my_tasks, unlock_user
from core.actions.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_STORE_NAME
from core.errors import AccountLockedError, PermissionDeniedError
from core.model.clinical import LesionCategory
from core.model.reading import Finding, MeasurementKind
from core.reading import AMEND_MEANING, SIGN_MEANING
from core.store import MAX_FAILED_LOGINS, login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.reading_session import ReadingSession
from widgets.response_panel import format_mm, format_pct
from widgets.sign_dialog import AmendDialog, SignDialog

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SUBJECT = "HCC-002"  # two targets and a portal-vein thrombus (a non-target)
WRONG = "not my password at all"
REFUSED = f"{SUBJECT} Week 6: password does not match the signer's; not signed"


class Reading:
    """reader1's session on HCC-002, the baseline signed and week 6 complete, unsigned."""

    def __init__(self, store, reader, session, updates):
        self.store, self.reader, self.session, self.updates = store, reader, session, updates
        self.week6 = session.read.timepoint("Week 6").timepoint_id
        self.baseline = session.read.timepoints[0].timepoint_id

    def stored(self):
        return get_read(self.store, self.reader, self.session.task_id)


@pytest.fixture
def reading(qtbot, demo_data_dir, monkeypatch):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    store = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    reader = login(store, "reader1", DEMO_PASSWORD)
    store_demo_reading.read_subject(store, reader, SUBJECT, upto=1)
    task = next(t for t in my_tasks(store, reader) if t.subject == SUBJECT)
    session = ReadingSession(store, reader, task.task_id)
    updates = []
    session.changed.connect(updates.append)
    truth = demo_truth()[SUBJECT][1]
    week6 = session.read.timepoint(truth.label).timepoint_id
    for lesion in truth.truth["lesions"]:
        lesion_id = session.read.lesion(lesion["id"]).lesion_id
        if lesion["role"] == "non_target":
            assert session.record_finding(Finding(lesion_id, week6, "present"))
            continue
        for kind in (MeasurementKind.VIABLE, MeasurementKind.TOTAL):
            assert session.save_caliper(*caliper(truth, lesion, kind, lesion_id, week6))
    assert session.undo_stack.count() == 5
    yield Reading(store, reader, session, updates)
    store.close()


def sign_dialog(qtbot, reading: Reading) -> SignDialog:
    preview = reading.session.sign_preview(reading.week6)
    assert preview is not None
    dialog = SignDialog(preview.summary, preview.signer,
                        lambda password: reading.session.sign(reading.week6, password),
                        login=preview.login)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_and_sign(qtbot, dialog: SignDialog, password: str) -> None:
    qtbot.keyClicks(dialog.password_field, password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_the_dialog_shows_the_read_s_lesions_response_signer_and_meaning(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    read = reading.session.read
    rows = []
    for lesion in read.lesions:
        viable = read.measurement(lesion.lesion_id, reading.week6, MeasurementKind.VIABLE)
        total = read.measurement(lesion.lesion_id, reading.week6, MeasurementKind.TOTAL)
        if lesion.category is LesionCategory.TARGET:
            rows.append([lesion.label, "Target", "liver", f"{viable.length_mm} mm",
                         f"{total.length_mm} mm", ""])
        else:
            rows.append([lesion.label, "Non-target", "portal vein", "", "", "present"])
    assert dialog.lesion_rows() == rows
    # The figures and decisions are the engine's, as the response panel formats them.
    result = reading.updates[-1].result
    engine = result.timepoints[1]
    shown = dict(dialog.response_rows())
    assert shown["Sum of viable diameters"] == format_mm(engine.sum_mm)
    assert shown["Baseline sum"] == format_mm(result.baseline_sum_mm)
    assert shown["Change from baseline"] == format_pct(engine.change_from_baseline_pct)
    assert shown["Change from nadir"] == format_pct(engine.change_from_nadir_pct)
    for name, decision in (("Target", engine.target), ("Non-target", engine.non_target),
                           ("New lesions", engine.new_lesions), ("Overall", engine.overall)):
        assert shown[name] == f"{decision.category} — {decision.reason}"
    assert "Baseline through Week 6" in dialog.covers.text()
    name = next(a.display_name for a in DEMO_ACCOUNTS if a.login == "reader1")
    assert dialog.signer.text() == f"<b>{name} (reader1)</b>"
    assert dialog.meaning.text() == SIGN_MEANING
    assert dialog.password_field.echoMode() == dialog.password_field.EchoMode.Password
    assert not dialog.ok_button.isEnabled()  # no password yet: Enter costs no attempt


def test_a_wrong_password_is_refused_nothing_signed_and_the_right_one_signs(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    type_and_sign(qtbot, dialog, WRONG)
    assert dialog.isVisible()
    assert dialog.message.text() == REFUSED
    assert dialog.password_field.text() == ""
    assert reading.stored().timepoint("Week 6").status == "open"
    assert reading.session.undo_stack.count() == 5  # a refusal keeps the edits undoable
    qtbot.keyClicks(dialog.password_field, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)  # Enter signs
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    stored = reading.stored().timepoint("Week 6")
    assert stored.status == "signed"
    assert reading.session.read.timepoint("Week 6") == stored
    assert reading.updates[-1].read.timepoint("Week 6").status == "signed"
    assert reading.session.undo_stack.count() == 0  # nothing undoes into a signature


def test_one_failure_short_of_the_lock_out_the_right_password_still_signs(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    for _ in range(MAX_FAILED_LOGINS - 1):
        type_and_sign(qtbot, dialog, WRONG)
        assert dialog.message.text() == REFUSED
        assert dialog.password_field.isEnabled()
    type_and_sign(qtbot, dialog, DEMO_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert reading.stored().timepoint("Week 6").status == "signed"


def test_repeated_failures_lock_the_account_and_the_dialog_says_so(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    for _ in range(MAX_FAILED_LOGINS):
        type_and_sign(qtbot, dialog, WRONG)
    assert dialog.isVisible()
    assert dialog.message.text().startswith(
        f"{REFUSED}. The account is locked after {MAX_FAILED_LOGINS} failed attempts and "
        "this session has ended")
    assert dialog.message.text().endswith("Nothing can be signed in this session: Sign is "
                                          "disabled.")
    assert dialog.is_locked_out
    assert not dialog.ok_button.isEnabled()
    assert not dialog.password_field.isEnabled()
    assert dialog.cancel_button.text() == "Close"
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)  # Close: nothing more is tried
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    with pytest.raises(PermissionDeniedError):  # the store ended the session
        get_read(reading.store, reading.reader, reading.session.task_id)
    with pytest.raises(AccountLockedError):  # and the right password is now refused
        login(reading.store, "reader1", DEMO_PASSWORD)
    unlock_user(reading.store, login(reading.store, "admin", DEMO_PASSWORD), "reader1")
    reader = login(reading.store, "reader1", DEMO_PASSWORD)
    assert get_read(reading.store, reader, reading.session.task_id).timepoint(
        "Week 6").status == "open"  # none of the attempts signed


def test_esc_cancels_and_signs_nothing(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    qtbot.keyClicks(dialog.password_field, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert reading.stored().timepoint("Week 6").status == "open"


def test_the_amend_dialog_needs_a_reason_and_reopens_the_timepoint(qtbot, reading):
    dialog = sign_dialog(qtbot, reading)
    type_and_sign(qtbot, dialog, DEMO_PASSWORD)
    session = reading.session
    amend = AmendDialog(session.read, reading.baseline,
                        lambda reason: session.amend(reading.baseline, reason))
    qtbot.addWidget(amend)
    amend.show()
    assert amend.later == ("Week 6",)
    assert "Week 6" in amend.effects.text()
    assert not amend.ok_button.isEnabled()
    qtbot.keyClicks(amend.reason_field, "   ")
    assert not amend.ok_button.isEnabled()  # blank is no reason
    qtbot.keyClick(amend.reason_field, Qt.Key.Key_Return)
    assert amend.isVisible()
    amend.reason_field.clear()
    qtbot.keyClicks(amend.reason_field, "T1 re-measured on the late arterial series")
    qtbot.mouseClick(amend.ok_button, Qt.MouseButton.LeftButton)
    assert amend.result() == QDialog.DialogCode.Accepted
    stored = reading.stored()
    assert stored.timepoints[0].status == "amending"
    assert stored.timepoint("Week 6").resign_reason.endswith(
        ": T1 re-measured on the late arterial series")
    assert session.read == stored
    preview = session.sign_preview(reading.baseline)
    assert preview.summary.meaning == AMEND_MEANING


def test_amending_an_open_timepoint_shows_the_store_s_refusal(qtbot, reading):
    session = reading.session
    amend = AmendDialog(session.read, reading.week6,
                        lambda reason: session.amend(reading.week6, reason))
    qtbot.addWidget(amend)
    amend.show()
    assert amend.later == ()
    qtbot.keyClicks(amend.reason_field, "a reason")
    qtbot.keyClick(amend.reason_field, Qt.Key.Key_Return)
    assert amend.isVisible()
    assert amend.message.text() == (f"{SUBJECT} Week 6: only a signed timepoint is "
                                    "amended; edit it directly")
    assert amend.reason_field.text() == "a reason"


def test_screenshot_of_the_sign_dialog(qtbot, reading, tmp_path):
    screenshots = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    dialog = sign_dialog(qtbot, reading)
    type_and_sign(qtbot, dialog, WRONG)  # the refusal shows as a reader sees it
    qtbot.keyClicks(dialog.password_field, "liver demo")
    qtbot.wait(50)
    image = dialog.grab()
    assert image.width() > 600
    assert image.height() > 400
    assert image.save(str(tmp_path / "sign-dialog.png"))
    assert (tmp_path / "sign-dialog.png").stat().st_size > 10_000
    if screenshots != tmp_path:
        assert image.save(str(screenshots / "sign-dialog.png"))
