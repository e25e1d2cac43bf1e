"""What a scan found, as plain data (for ``--json``) and as text for a terminal.

Patient names and birth dates are never read, so they cannot appear here: readers are
blinded, and the patient ID is the trial's subject code after de-identification.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.dicom.scan import ScanResult, SeriesInfo

# Beyond this many rejected files, the text report groups them by reason.
MAX_REJECTED_LISTED = 20


def scan_report(result: ScanResult) -> dict[str, Any]:
    """The report in the shape ``mrecist inspect --json`` prints (issue #5)."""
    return {
        "studies": [
            {
                "study_instance_uid": study.study_instance_uid,
                "patient_id": study.patient_id,
                "study_date": study.study_date,
                "series": [_series(s) for s in study.series],
            }
            for study in result.studies
        ],
        "rejected": [{"path": str(r.path), "reason": r.reason} for r in result.rejected],
    }


def _series(series: SeriesInfo) -> dict[str, Any]:
    spacing = series.pixel_spacing_mm
    return {
        "series_instance_uid": series.series_instance_uid,
        "modality": series.modality,
        "description": series.description,
        "phase": series.phase.phase.value,
        "slices": series.n_images,
        "rows": series.rows,
        "columns": series.columns,
        "pixel_spacing_mm": list(spacing) if spacing else None,
        "slice_spacing_mm": _round(series.slice_spacing_mm),
        "warnings": list(series.warnings),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def format_scan_report(result: ScanResult, roots: Sequence[Path] = ()) -> str:
    """The report as indented text lines, for people; *roots* are the paths scanned."""
    lines = []
    for study in result.studies:
        lines.append(f"Study {study.study_instance_uid}  patient {study.patient_id or '?'}  "
                     f"date {_date(study.study_date)}")
        for s in study.series:
            lines.extend(_series_lines(s))
    if not result.studies:
        where = f" in {', '.join(map(str, roots))}" if roots else ""
        # Every file listed is either read or rejected: nothing of either means no files.
        found = "No CT or MR image series found" if result.rejected else "No files found"
        lines.append(f"{found}{where}.")
    if not result.is_complete:
        lines.append("Scan cancelled: the report covers the files read so far.")
    if result.rejected:
        lines.append(f"Rejected {len(result.rejected)} file(s):")
        lines.extend(_rejected_lines(result))
    return "\n".join(lines)


def _rejected_lines(result: ScanResult) -> list[str]:
    """Each rejected file, or, when there are many, each reason with a few examples."""
    if len(result.rejected) <= MAX_REJECTED_LISTED:
        return [f"  {r.path}: {r.reason}" for r in result.rejected]
    by_reason: dict[str, list[str]] = {}
    for r in result.rejected:
        by_reason.setdefault(r.reason, []).append(str(r.path))
    lines = []
    for reason, paths in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        lines.append(f"  {len(paths)} × {reason}")
        lines.extend(f"      e.g. {p}" for p in paths[:3])
    lines.append("  (--json lists every file)")
    return lines


def _date(yyyymmdd: str) -> str:
    if len(yyyymmdd) == 8 and yyyymmdd.isdigit():
        return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"
    return yyyymmdd or "?"


def _series_lines(s: SeriesInfo) -> list[str]:
    number = f"#{s.series_number}" if s.series_number is not None else "#?"
    time_point = f" time point {s.temporal_position}" if s.temporal_position is not None else ""
    phase = s.phase.detail or s.phase.phase.label.lower()
    spacing = (f"{s.pixel_spacing_mm[0]:g} × {s.pixel_spacing_mm[1]:g} mm pixels"
               if s.pixel_spacing_mm else "no pixel spacing")
    slices = f", {s.slice_spacing_mm:.2f} mm apart" if s.slice_spacing_mm else ""
    lines = [
        f"  {number} {s.modality} \"{s.description}\"{time_point}: {phase}",
        f"      {s.n_images} slices of {s.rows} × {s.columns}, {spacing}{slices}",
        f"      phase: {s.phase.reason}",
    ]
    lines.extend(f"      warning: {w}" for w in s.warnings)
    return lines
