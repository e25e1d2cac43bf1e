"""The sign and amend dialogs on plain values, with a callback standing in for the store.

What the dialogs do with what they are given and what the callback answers: Enter, Esc,
an empty password, a refusal, the end of a session. The same dialogs on the real store are
tests/desktop/test_signing.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.model.clinical import LesionCategory
from core.model.reading import Read, ReadTimepoint, TimepointStatus
from core.reading import SIGN_MEANING, SignedAssessment, SignedLesion, SignSummary
from widgets.sign_dialog import (
    AmendDialog,
    SignDialog,
    covers_text,
    lesion_row,
    response_rows,
    session_over,
)

REASON = ("target PR: sum 30.0 mm is 37.5 % below baseline 48.0 mm (PR needs 30 % below); "
          "a sentence long enough to wrap over two lines of the dialog at its width")


def lesion(label, category, organ="liver", viable=None, total=None, short=None, *,
           is_node=False, state=None, seen=()):
    return SignedLesion(label, LesionCategory(category), organ, is_node, "Baseline",
                        None if viable is None else Decimal(viable),
                        None if total is None else Decimal(total),
                        None if short is None else Decimal(short), state, tuple(seen))


def summary(covers=("Baseline", "Week 6")) -> SignSummary:
    return SignSummary(
        subject="HCC-009", timepoint=covers[-1], date=dt.date(2026, 2, 16), covers=covers,
        criteria="mRECIST", not_assessed=False,
        lesions=(lesion("T1", "target", viable="18.0", total="40.0"),
                 lesion("NT1", "non_target", "lymph_node", short="12.0", is_node=True,
                        state="present"),
                 lesion("N1", "new", viable="11.5", total="11.5",
                        seen=("arterial enhancement", "washout"))),
        sum_mm=Decimal("18.0"), baseline_sum_mm=Decimal("48.0"), nadir_sum_mm=Decimal("48.0"),
        change_from_baseline_pct=Fraction(-1995, 100), change_from_nadir_pct=Fraction(-75, 2),
        assessments=(SignedAssessment("Target", "PR", REASON),
                     SignedAssessment("Overall", "PD", "new lesion")),
        meaning=SIGN_MEANING, content_sha256="ab" * 32)


@pytest.fixture
def signing(qtbot):
    """A sign dialog whose callback answers from a list and records what it was given."""
    answers: list[str | None] = []
    typed: list[str] = []

    def sign(password: str) -> str | None:
        typed.append(password)
        return answers.pop(0) if answers else None

    dialog = SignDialog(summary(), "Rita Reader", sign, login="reader1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, answers, typed


def test_rows_say_each_lesion_s_diameters_a_node_s_short_axis_and_what_was_seen():
    rows = [lesion_row(item) for item in summary().lesions]
    assert rows == [["T1", "Target", "liver", "18.0 mm", "40.0 mm", ""],
                    ["NT1", "Non-target", "lymph node (node)", "", "12.0 mm (short axis)",
                     "present"],
                    ["N1", "New", "liver", "11.5 mm", "11.5 mm",
                     "arterial enhancement, washout"]]


def test_the_response_rows_are_cut_toward_zero_and_a_baseline_shows_no_change():
    shown = dict(response_rows(summary()))
    assert shown["Sum of viable diameters"] == "18.0 mm"
    assert shown["Change from baseline"] == "−19.9 %"  # −19.95 %, never shown as −20.0 %
    assert shown["Overall"] == "PD — new lesion"
    baseline = dict(response_rows(summary(("Baseline",))))
    assert "Change from baseline" not in baseline
    assert covers_text(("Baseline",)) == "Baseline"
    assert covers_text(("Baseline", "Week 6", "Week 12")) == "Baseline through Week 12"


def test_enter_signs_once_a_password_is_typed(qtbot, signing):
    dialog, _, typed = signing
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert typed == []  # an empty password is never sent: it would count as a failure
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.password_field, "liver demo 2026")
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert typed == ["liver demo 2026"]
    assert dialog.password_field.text() == ""
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_refusal_keeps_the_dialog_open_in_red_with_the_password_cleared(qtbot, signing):
    dialog, answers, typed = signing
    refusal = "HCC-009 Week 6: password does not match the signer's; not signed"
    answers.append(refusal)
    qtbot.keyClicks(dialog.password_field, "wrong one")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text() == refusal
    assert "#ff7b6b" in dialog.message.styleSheet()
    assert dialog.password_field.text() == ""
    assert dialog.password_field.hasFocus()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.password_field, "right one")
    assert dialog.ok_button.isEnabled()
    assert dialog.ok_button.isDefault()  # Enter still signs, not Cancel
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert typed == ["wrong one", "right one"]
    assert dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("refusal", [
    "HCC-009 Week 6: password does not match the signer's; not signed. The account is "
    "locked after 5 failed attempts and this session has ended; an admin must unlock it",
    "demo.sqlite: not logged in (session unknown)",
    "user 'reader1': session expired after 15 minutes of inactivity; log in again",
])
def test_once_the_session_is_over_sign_is_disabled_and_says_why(qtbot, signing, refusal):
    dialog, answers, typed = signing
    answers.append(refusal)
    qtbot.keyClicks(dialog.password_field, "whatever")
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert dialog.is_locked_out
    assert dialog.message.text().startswith(refusal)
    assert "Sign is disabled" in dialog.message.text()
    assert not dialog.ok_button.isEnabled()
    assert not dialog.password_field.isEnabled()
    assert dialog.cancel_button.text() == "Close"
    assert typed == ["whatever"]


def test_a_wrong_password_is_not_taken_for_the_end_of_the_session():
    assert not session_over("HCC-009 Week 6: password does not match the signer's; not signed")


def test_esc_cancels(qtbot, signing):
    dialog, _, typed = signing
    qtbot.keyClicks(dialog.password_field, "liver demo 2026")
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert typed == []


def test_every_reason_shows_whole(qtbot, signing):
    dialog, _, _ = signing
    for label in dialog.findChildren(type(dialog.meaning)):
        if label.wordWrap() and label.isVisible() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), label.text()


def _read(*statuses: TimepointStatus) -> Read:
    labels = ("Baseline", "Week 6", "Week 12")
    return Read(7, "HCC-009", tuple(
        ReadTimepoint(i + 1, labels[i], dt.date(2026, 1, 5) + dt.timedelta(weeks=6 * i),
                      6 * i, status) for i, status in enumerate(statuses)))


def test_the_amend_dialog_names_the_later_signatures_and_needs_a_reason(qtbot):
    signed, open_ = TimepointStatus.SIGNED, TimepointStatus.OPEN
    reasons: list[str] = []
    dialog = AmendDialog(_read(signed, signed, open_), 1,
                         lambda reason: reasons.append(reason))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Amend HCC-009 Baseline"
    assert dialog.later == ("Week 6",)
    assert "<b>Week 6</b>" in dialog.effects.text()
    qtbot.keyClicks(dialog.reason_field, " \t ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    assert reasons == []
    qtbot.keyClicks(dialog.reason_field, "T1 re-measured ")
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    assert reasons == ["T1 re-measured"]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_amend_dialog_of_the_last_signed_timepoint_names_none(qtbot):
    signed = TimepointStatus.SIGNED
    dialog = AmendDialog(_read(signed, signed), 2, lambda reason: None)
    qtbot.addWidget(dialog)
    assert dialog.later == ()
    assert "later signed" not in dialog.effects.text()
    with pytest.raises(ValueError, match="timepoint 9"):
        AmendDialog(_read(signed), 9, lambda reason: None)
