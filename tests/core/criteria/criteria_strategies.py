"""Hypothesis strategies for valid mrecist-case/1 data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from criteria_builders import day
from hypothesis import strategies as st

TARGET_ORGANS = ("liver", "liver", "lung", "lymph_node", "adrenal", "peritoneum")
NEW_SITES = (
    {"organ": "liver"},
    {"organ": "lung"},
    {"organ": "bone"},
    {"organ": "pleura", "kind": "effusion"},
    {"organ": "peritoneum", "kind": "ascites"},
)


def tenths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Lengths recorded to 0.1 mm, as exact decimals between low/10 and high/10."""
    return st.integers(low, high).map(lambda k: Decimal(k).scaleb(-1))


@st.composite
def baseline_target(draw: st.DrawFn, lesion_id: str) -> dict[str, Any]:
    organ = draw(st.sampled_from(TARGET_ORGANS))
    if organ == "lymph_node":
        return {"id": lesion_id, "organ": organ, "short_axis_mm": draw(tenths(50, 600))}
    longest = draw(tenths(50, 1500))
    lesion = {"id": lesion_id, "organ": organ, "longest_mm": longest}
    if organ == "liver":
        lesion["viable_mm"] = draw(tenths(1, int(longest * 10)))
    return lesion


@st.composite
def follow_up_target(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    state = draw(
        st.sampled_from(["measured"] * 6 + ["disappeared", "too_small", "merged", "not_evaluable"])
    )
    lesion = {"id": base["id"], "organ": base["organ"]}
    if state != "measured":
        lesion["state"] = state
        return lesion
    if base["organ"] == "lymph_node":
        lesion["short_axis_mm"] = draw(tenths(0, 800))
        return lesion
    longest = draw(tenths(0, 2000))
    lesion["longest_mm"] = longest
    if base["organ"] == "liver":
        lesion["viable_mm"] = draw(tenths(0, int(longest * 10)))
    return lesion


@st.composite
def new_lesion(draw: st.DrawFn, lesion_id: str, site: dict[str, str]) -> dict[str, Any]:
    lesion: dict[str, Any] = {"id": lesion_id, **site}
    if "kind" not in site:
        lesion["longest_mm"] = draw(tenths(20, 400))
    for flag in ("arterial_enhancement", "washout", "equivocal", "cytology_confirmed"):
        if draw(st.booleans()):
            lesion[flag] = draw(st.booleans())
    return lesion


@st.composite
def cases(draw: st.DrawFn, max_follow_ups: int = 6) -> dict[str, Any]:
    """A valid case: 0-5 targets, 0-3 non-targets (at least one lesion), 0-6 follow-ups."""
    n_targets = draw(st.integers(0, 5))
    n_non_targets = draw(st.integers(0 if n_targets else 1, 3))
    targets = [draw(baseline_target(f"T{i}")) for i in range(1, n_targets + 1)]
    non_targets = [
        {"id": f"NT{i}", "organ": organ, "state": "present", **({"kind": kind} if kind else {})}
        for i, (organ, kind) in enumerate(
            draw(
                st.lists(
                    st.sampled_from(
                        [("portal_vein", "tumour_thrombus"), ("peritoneum", "ascites"),
                         ("bone", None), ("pleura", "effusion")]
                    ),
                    min_size=n_non_targets,
                    max_size=n_non_targets,
                )
            ),
            start=1,
        )
    ]  # fmt: skip
    new_sites = {f"N{i}": draw(st.sampled_from(NEW_SITES)) for i in range(1, 4)}
    timepoints = [
        {"label": "Baseline", "date": day(0), "target": targets, "non_target": non_targets}
    ]
    days = 0
    for index in range(1, draw(st.integers(0, max_follow_ups)) + 1):
        days += draw(st.integers(1, 120))
        label = f"FU{index}"
        if draw(st.integers(0, 9)) == 0:
            timepoints.append({"label": label, "date": day(days), "not_assessed": True})
            continue
        new_ids = draw(st.lists(st.sampled_from(sorted(new_sites)), max_size=2, unique=True))
        timepoints.append(
            {
                "label": label,
                "date": day(days),
                "target": [draw(follow_up_target(base)) for base in targets],
                "non_target": [
                    {
                        **nt,
                        "state": draw(
                            st.sampled_from(
                                ["present"] * 4 + ["absent", "progressed", "not_evaluable"]
                            )
                        ),
                        **({"cytology_confirmed": True} if draw(st.booleans()) else {}),
                    }
                    for nt in non_targets
                ],
                "new": [
                    draw(new_lesion(lesion_id, new_sites[lesion_id])) for lesion_id in new_ids
                ],
            }
        )
    data: dict[str, Any] = {
        "format": "mrecist-case/1",
        "subject": draw(st.sampled_from(["HCC-001", "S 2", "Ünïcode-3"])),
        "criteria": draw(st.sampled_from(["mRECIST", "RECIST1.1"])),
    }
    options = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "confirmation_days": st.integers(0, 60),
                "sd_min_days": st.integers(0, 90),
                "pd_min_increase_mm": tenths(0, 100),
                "max_targets": st.integers(1, 6),
                "max_targets_per_organ": st.integers(1, 3),
            },
        )
    )
    if options:
        data["options"] = options
    data["timepoints"] = timepoints
    return data
