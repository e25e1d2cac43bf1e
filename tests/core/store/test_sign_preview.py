"""What the sign dialog shows is what is signed; a signature's lock-out says so (#11 item 3)."""

from __future__ import annotations

import pytest
from conftest import failed_logins
from store_demo_reading import PASSWORD, demo_truth, read_subject

from core.actions import (
    amend_timepoint,
    get_read,
    record_finding,
    sign_preview,
    sign_timepoint,
)
from core.errors import AccountLockedError, PermissionDeniedError, SignatureError, WorkflowError
from core.model.clinical import LesionCategory
from core.model.reading import Finding
from core.reading import AMEND_MEANING, SIGN_MEANING
from core.store import MAX_FAILED_LOGINS, login


def _week6(demo):
    task_id = read_subject(demo.store, demo.reader1, "HCC-002", upto=2, sign_last=False)
    read = get_read(demo.store, demo.reader1, task_id)
    return task_id, read.timepoint("Week 6").timepoint_id


def test_the_preview_is_the_content_the_signature_records(demo):
    task_id, week6 = _week6(demo)
    preview = sign_preview(demo.store, demo.reader1, task_id, week6)
    summary = preview.summary
    assert preview.signer == "Rita Reader"
    assert (summary.subject, summary.timepoint, summary.covers) == (
        "HCC-002", "Week 6", ("Baseline", "Week 6"))
    assert summary.meaning == SIGN_MEANING
    truth = {item["id"]: item for item in demo_truth()["HCC-002"][1].truth["lesions"]}
    assert [lesion.label for lesion in summary.lesions] == ["T1", "T2", "NT1"]
    for lesion in summary.lesions:
        if lesion.category is LesionCategory.TARGET:
            assert float(lesion.viable_mm) == pytest.approx(
                truth[lesion.label]["viable_longest_diameter_mm"], abs=0.5)
            assert float(lesion.total_mm) == pytest.approx(
                truth[lesion.label]["total_longest_diameter_mm"], abs=0.5)
        else:
            assert (lesion.state, lesion.viable_mm, lesion.organ) == (
                "present", None, "portal_vein")
    assert summary.sum_mm == sum(lesion.viable_mm for lesion in summary.lesions[:2])
    assert [a.name for a in summary.assessments] == [
        "Target", "Non-target", "New lesions", "Overall", "Best overall response"]
    assert all(a.reason for a in summary.assessments)
    signature = sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD).value
    assert signature.content_sha256 == summary.content_sha256
    assert signature.meaning == summary.meaning


def test_the_preview_refuses_what_cannot_be_signed(demo):
    task_id, week6 = _week6(demo)
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    with pytest.raises(WorkflowError, match="HCC-002 Week 6"):
        sign_preview(demo.store, demo.reader1, task_id, week6)


def test_an_amended_timepoint_is_previewed_with_the_amendment_s_meaning(demo):
    task_id, week6 = _week6(demo)
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    baseline = get_read(demo.store, demo.reader1, task_id).timepoints[0].timepoint_id
    amend_timepoint(demo.store, demo.reader1, task_id, baseline, "T1 re-measured")
    assert sign_preview(demo.store, demo.reader1, task_id,
                        baseline).summary.meaning == AMEND_MEANING


def test_the_failure_that_locks_the_account_says_so_and_ends_the_session(demo):
    task_id, week6 = _week6(demo)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(SignatureError) as refused:
            sign_timepoint(demo.store, demo.reader1, task_id, week6, "not my password")
        assert refused.value.reason == "password does not match the signer's; not signed"
    with pytest.raises(SignatureError, match=f"locked after {MAX_FAILED_LOGINS} failed "
                       "attempts and this session has ended"):
        sign_timepoint(demo.store, demo.reader1, task_id, week6, "not my password")
    assert failed_logins(demo.store, "reader1") == MAX_FAILED_LOGINS
    with pytest.raises(PermissionDeniedError):
        sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    with pytest.raises(AccountLockedError):
        login(demo.store, "reader1", PASSWORD)



def test_a_signature_is_refused_when_the_read_changed_after_it_was_shown(demo):
    """The dialog shows one content; a second window then edits the read: Sign must not
    cover what its signer never saw (21 CFR 11.50(b)), and no failure is counted."""
    task_id, week6 = _week6(demo)
    shown = sign_preview(demo.store, demo.reader1, task_id, week6).summary.content_sha256
    read = get_read(demo.store, demo.reader1, task_id)
    nt1 = read.lesion("NT1")
    record_finding(demo.store, demo.reader1, Finding(nt1.lesion_id, week6, "absent"))
    with pytest.raises(WorkflowError, match="changed after it was shown for signing"):
        sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD,
                       shown_sha256=shown)
    assert failed_logins(demo.store, "reader1") == 0
    again = sign_preview(demo.store, demo.reader1, task_id, week6).summary.content_sha256
    assert again != shown
    signature = sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD,
                               shown_sha256=again).value
    assert signature.content_sha256 == again


def test_a_correct_signature_password_ends_the_run_of_failures(demo):
    """The lock-out counts failures in a row: a right password in between starts again."""
    task_id, week6 = _week6(demo)
    for _attempt in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(SignatureError):
            sign_timepoint(demo.store, demo.reader1, task_id, week6, "wrong password")
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    assert failed_logins(demo.store, "reader1") == 0
    amend_timepoint(demo.store, demo.reader1, task_id, week6, "recheck T1")
    with pytest.raises(SignatureError, match=r"not signed$"):  # one slip, not a lock-out
        sign_timepoint(demo.store, demo.reader1, task_id, week6, "wrong password")
    assert failed_logins(demo.store, "reader1") == 1
