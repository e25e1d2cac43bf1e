"""Phase recognition: descriptions in vendors' styles and languages, timing, dynamic series,
and the reader's override."""

from __future__ import annotations

import numpy as np
import pytest

from core.dicom import override_phases, phase_from_description, scan
from core.dicom.phases import override_phase
from core.dicom.scan import format_series_key, parse_series_key
from core.model.imaging import Phase

P = Phase


@pytest.mark.parametrize(("description", "phase"), [
    # Siemens, GE, Philips, Canon styles
    ("t1_vibe_fs_tra_bh_pre", P.PRE_CONTRAST),
    ("t1_vibe_fs_tra_bh_art", P.ARTERIAL),
    ("t1_vibe_fs_tra_bh_pv", P.PORTAL_VENOUS),
    ("t1_vibe_fs_tra_bh_3min", P.DELAYED),
    ("t1_vibe_fs_tra_bh_20min", P.HEPATOBILIARY),
    ("Ax LAVA-Flex MULTIPHASE HBP", P.HEPATOBILIARY),
    ("eTHRIVE DYN_ART", P.ARTERIAL),
    ("WB C- 5.0 FC08", P.PRE_CONTRAST),
    ("ABD PRECONTRAST 5mm", P.PRE_CONTRAST),
    ("Early Arterial 1.0 Br40", P.ARTERIAL),
    ("HAP 2.5", P.ARTERIAL),
    ("VENOUS 3.0 B30f", P.PORTAL_VENOUS),
    ("EQ 5mm", P.DELAYED),
    ("Transitional", P.DELAYED),
    # German, French, Spanish, Italian, Portuguese, Dutch, Japanese, Chinese
    ("Leber nativ", P.PRE_CONTRAST),
    ("Spätarteriell", P.ARTERIAL),
    ("Pfortaderphase", P.PORTAL_VENOUS),
    ("Leberspezifische Phase 20 min", P.HEPATOBILIARY),
    ("Foie temps artériel tardif", P.ARTERIAL),
    ("Temps veineux", P.PORTAL_VENOUS),
    ("Phase hépatobiliaire", P.HEPATOBILIARY),
    ("Fase venosa", P.PORTAL_VENOUS),
    ("Fegato senza mdc", P.PRE_CONTRAST),
    ("Fase arteriosa", P.ARTERIAL),
    ("Fase portale", P.PORTAL_VENOUS),
    ("Fase tardiva", P.DELAYED),
    ("Fase sem contraste", P.PRE_CONTRAST),
    ("Fase de equilíbrio", P.DELAYED),
    ("Lever blanco", P.PRE_CONTRAST),
    ("Arterieel", P.ARTERIAL),
    ("Portaal veneus", P.PORTAL_VENOUS),
    ("肝臓 動脈相", P.ARTERIAL),
    ("門脈相", P.PORTAL_VENOUS),
    ("平衡相", P.DELAYED),
    ("单纯 平扫", P.PRE_CONTRAST),
    ("门静脉期", P.PORTAL_VENOUS),
    ("肝胆期", P.HEPATOBILIARY),
    # Names that must not be mistaken
    ("Cartilage 3D", None),
    ("Recon 2: LIVER 2 PHASE (C/A/P)", None),
    ("Thorax Lung 1.0", None),
])
def test_description_names_the_phase(description, phase):
    assert phase_from_description(description) is phase


def _study(write_image, tmp_path, series):
    """series: [(description, AcquisitionTime, has contrast)], one image each, same study."""
    for n, (description, time, contrast) in enumerate(series, start=1):
        extra = {"ContrastBolusAgent": "Iomeprol"} if contrast else {}
        if time:
            extra["AcquisitionTime"] = time
        write_image(series_uid=f"1.2.3.{n}", SeriesNumber=n, SeriesDescription=description,
                    **extra)
    return scan(tmp_path).series


def test_timing_after_the_first_enhanced_series(write_image, tmp_path):
    series = _study(write_image, tmp_path, [
        ("Abdomen 5.0", "101000", False), ("Abdomen 5.0", "101200", True),
        ("Abdomen 5.0", "101240", True), ("Abdomen 5.0", "101500", True)])
    assert [s.phase.phase for s in series] == [
        P.PRE_CONTRAST, P.ARTERIAL, P.PORTAL_VENOUS, P.DELAYED]
    assert series[1].phase.detail == "late arterial"
    assert series[2].phase.reason == ("acquired 40 s after the first enhanced series: "
                                      "portal venous")


def test_timing_after_injection_tells_early_from_late_arterial(write_image, tmp_path):
    for n, time in enumerate(("100020", "100040", "100110"), start=1):
        write_image(series_uid=f"1.2.3.{n}", SeriesNumber=n, SeriesDescription="Liver",
                    ContrastBolusAgent="Iomeprol", ContrastBolusStartTime="100000",
                    AcquisitionTime=time)
    decisions = [s.phase for s in scan(tmp_path).series]
    assert [(d.phase, d.detail) for d in decisions] == [
        (P.ARTERIAL, "early arterial"), (P.ARTERIAL, "late arterial"), (P.PORTAL_VENOUS, "")]
    assert decisions[0].reason == ("acquired 20 s after the contrast injection started: "
                                   "early arterial")


def test_description_wins_but_contradicting_timing_is_flagged(write_image, tmp_path):
    write_image(series_uid="1.2.3.1", SeriesDescription="Arterial", AcquisitionTime="100300",
                ContrastBolusAgent="Iomeprol", ContrastBolusStartTime="100000")
    (series,) = scan(tmp_path).series
    assert series.phase.phase is P.ARTERIAL
    assert series.phase.reason == (
        'series description "Arterial" names the arterial phase; but acquired 180 s after '
        "the contrast injection started: delayed: check")


def test_localizer_and_t2_get_no_phase(write_image, tmp_path):
    series = _study(write_image, tmp_path, [("Topogram 0.6 T20f", "", False),
                                            ("Ax T2 HASTE", "", False)])
    assert [s.phase.phase for s in series] == [P.UNKNOWN, P.UNKNOWN]
    assert "localizer" in series[0].phase.reason


def test_dynamic_series_without_any_timing_is_ordered_by_time_point(write_image, tmp_path):
    for t in (1, 2, 3, 4):
        write_image(position=(0, 0, 0), TemporalPositionIdentifier=t, Modality="MR",
                    SeriesDescription="Dyn eTHRIVE", pixels=np.zeros((8, 6), np.int16))
    series = scan(tmp_path).series
    assert [s.phase.phase for s in series] == [
        P.PRE_CONTRAST, P.ARTERIAL, P.PORTAL_VENOUS, P.DELAYED]
    assert series[1].phase.reason == ("time point 2 of 4 of a dynamic series without timing "
                                      "or contrast information: arterial by order alone")


def test_phantom_mr_study_phases_are_recognised(small_mr_study):
    series = scan(small_mr_study.dicom_folder).series
    assert [s.phase.phase for s in series] == [
        P.PRE_CONTRAST, P.ARTERIAL, P.PORTAL_VENOUS, P.DELAYED]


def test_reader_override_is_pure_and_says_what_the_import_had_said(small_ct_study):
    result = scan(small_ct_study.dicom_folder)
    delayed = result.series[3]
    changed = override_phases(result, {delayed.key: P.HEPATOBILIARY})
    assert result.series[3].phase.phase is P.DELAYED  # the original is untouched
    decision = changed.series[3].phase
    assert decision.phase is P.HEPATOBILIARY
    assert decision.is_override
    assert decision.reason.startswith("set by the reader; the import had said delayed (")
    assert [s.phase for s in changed.series[:3]] == [s.phase for s in result.series[:3]]
    again = override_phase(decision, P.DELAYED)
    assert again.reason == decision.reason


def test_override_of_an_unknown_series_is_an_error(small_ct_study):
    result = scan(small_ct_study.dicom_folder)
    with pytest.raises(ValueError, match=r"no series 1\.2\.3:4 in this scan"):
        override_phases(result, {("1.2.3", 4): P.ARTERIAL})


def test_series_keys_read_back():
    assert parse_series_key(format_series_key(("1.2.3", 4))) == ("1.2.3", 4)
    assert parse_series_key("1.2.3") == ("1.2.3", None)
    with pytest.raises(ValueError, match="whole number"):
        parse_series_key("1.2.3:x")


@pytest.mark.parametrize(("modality", "phase"), [("MR", P.HEPATOBILIARY), ("CT", P.DELAYED)])
def test_twenty_minutes_after_injection_is_hepatobiliary_only_in_mr(write_image, tmp_path,
                                                                   modality, phase):
    write_image(Modality=modality, SeriesDescription="Liver", ContrastBolusAgent="agent",
                ContrastBolusStartTime="100000", AcquisitionTime="102000")
    (series,) = scan(tmp_path).series
    assert series.phase.phase is phase


def test_image_type_localizer_gets_no_phase(write_image, tmp_path):
    write_image(SeriesDescription="Arterial", ImageType=["ORIGINAL", "PRIMARY", "LOCALIZER"])
    (series,) = scan(tmp_path).series
    assert series.phase.phase is P.UNKNOWN
    assert series.phase.reason == ("ImageType says LOCALIZER: a localizer, not a contrast "
                                   "phase")


def test_a_dynamic_series_description_does_not_name_every_time_point(write_image, tmp_path):
    for t, time in ((1, "100025"), (2, "100110"), (3, "100300")):
        write_image(Modality="MR", SeriesDescription="DYN ART", TemporalPositionIdentifier=t,
                    AcquisitionTime=time, ContrastBolusAgent="Gd",
                    ContrastBolusStartTime="100000")
    series = scan(tmp_path).series
    assert [s.phase.phase for s in series] == [P.ARTERIAL, P.PORTAL_VENOUS, P.DELAYED]
    assert series[2].phase.reason.startswith("acquired 180 s after the contrast injection")
