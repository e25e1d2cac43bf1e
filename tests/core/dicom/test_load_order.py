"""The arterial phase's middle slice comes first; volumes come back in display order."""

from __future__ import annotations

import numpy as np

from core.dicom import load_volume, scan
from core.dicom.study import in_load_order, load_study_phases, phase_series
from core.model.imaging import Phase


def test_arterial_middle_slice_first_then_volumes_in_display_order(small_ct_study):
    events = []

    def first(series, pixels):
        events.append(("first slice", series.phase.phase, pixels))

    volumes = load_study_phases(small_ct_study.dicom_folder,
                                progress=lambda f, m: events.append((m,)), on_first_slice=first)
    assert events[0][:2] == ("first slice", Phase.ARTERIAL)
    assert [e[0] for e in events[1:5]] == [
        "Loading Arterial phase", "Loading Portal venous phase", "Loading Delayed phase",
        "Loading Pre-contrast phase"]
    assert [v.phase for v in volumes] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED]
    arterial = volumes[1]
    assert np.array_equal(events[0][2], arterial.voxels[arterial.n_slices // 2])


def test_load_order_puts_arterial_first(small_ct_study):
    chosen = phase_series(scan(small_ct_study.dicom_folder))
    assert [s.phase.phase for s in in_load_order(chosen)][:2] == [
        Phase.ARTERIAL, Phase.PORTAL_VENOUS]
    assert load_volume(chosen[0]).phase is Phase.PRE_CONTRAST
