"""``mrecist suggest``: the viable and total diameters proposed for a point in a lesion."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from core.cli.common import check_paths_exist, guarded
from core.cli.import_dicom import parse_phase_overrides
from core.dicom import load_volume, override_phases, scan
from core.dicom.study import phase_series
from core.errors import CoreError, DicomImportError
from core.model.imaging import Phase
from core.suggest import (
    Declined,
    DeclineReason,
    Suggestion,
    Suggestions,
    declined_both,
    suggest_diameters,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``suggest`` subcommand."""
    parser = subparsers.add_parser(
        "suggest",
        help="propose the viable and total longest diameters of the lesion at a point",
        description="Load the study's arterial (and portal venous) CT series and propose, "
        "for the lesion at --point, the viable (mRECIST) and total longest diameters on "
        "the arterial slice where each is longest, or say why not. An assist: nothing is "
        "saved (docs/suggest.md). Exit status 0 whether or not a diameter is proposed.",
    )
    parser.add_argument("study", type=Path, metavar="STUDY_DIR",
                        help="a folder, zip archive or DICOMDIR holding one study")
    parser.add_argument("--point", required=True, type=_point, metavar="X,Y,Z",
                        help="a point inside the lesion, patient coordinates (LPS, mm); "
                        "write --point=-90,-15,-165 when X is negative")
    parser.add_argument("--phase", action="append", default=[], metavar="UID=PHASE",
                        help="set the phase of a series the scan does not recognise "
                        "(as mrecist import)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=guarded(_run))


def _point(text: str) -> tuple[float, float, float]:
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected three finite numbers X,Y,Z in mm, not "
                                         f"{text[:60]!r}")
    return values[0], values[1], values[2]


def _run(args: argparse.Namespace) -> int:
    check_paths_exist([args.study])
    result = scan(args.study)
    if not result.studies:
        raise DicomImportError(args.study, "no DICOM image series found")
    phases = parse_phase_overrides(args.phase)
    if phases:
        try:
            result = override_phases(result, phases)
        except ValueError as error:
            raise CoreError(f"--phase: {error}") from None
    series = {s.phase.phase: s for s in phase_series(result)}
    if Phase.ARTERIAL in series:
        pv = series.get(Phase.PORTAL_VENOUS)
        suggestions = suggest_diameters(load_volume(series[Phase.ARTERIAL]), args.point,
                                        load_volume(pv) if pv is not None else None)
    else:
        found = ", ".join(p.value for p in series)
        suggestions = declined_both(DeclineReason.NOT_ARTERIAL, f"the study has no "
                                    f"arterial-phase series (phases: {found}); name one "
                                    "with --phase UID=arterial")
    if args.json:
        print(json.dumps(suggestions_json(suggestions), indent=2, ensure_ascii=False))
    else:
        print(format_suggestions(suggestions))
    return 0


def _one_json(suggestion: Suggestion) -> dict[str, Any]:
    if isinstance(suggestion, Declined):
        return {"declined": suggestion.reason.value, "reason": suggestion.detail}
    return {
        "length_mm": suggestion.length_mm,
        "start_xyz_mm": [round(v, 3) for v in suggestion.start_xyz],
        "end_xyz_mm": [round(v, 3) for v in suggestion.end_xyz],
        "start_rc": [round(v, 3) for v in suggestion.start_rc],
        "end_rc": [round(v, 3) for v in suggestion.end_rc],
        "slice_index": suggestion.slice_index,
        "sop_instance_uid": suggestion.sop_instance_uid,
        "frame": suggestion.frame,
        "confidence": suggestion.confidence,
    }


def suggestions_json(suggestions: Suggestions) -> dict[str, Any]:
    """*suggestions* as ``mrecist suggest --json`` prints them."""
    return {
        "viable": _one_json(suggestions.viable),
        "total": _one_json(suggestions.total),
        "seed_index_krc": list(suggestions.seed_krc) if suggestions.seed_krc else None,
        "background_hu": suggestions.background_hu,
        "notes": list(suggestions.notes),
    }


def format_suggestions(suggestions: Suggestions) -> str:
    """*suggestions* as text, one block per diameter."""
    lines = []
    for name, suggestion in (("viable", suggestions.viable), ("total", suggestions.total)):
        if isinstance(suggestion, Declined):
            lines.append(f"{name}: declined ({suggestion.reason.value}): {suggestion.detail}")
            continue
        start = ", ".join(f"{v:.1f}" for v in suggestion.start_xyz)
        end = ", ".join(f"{v:.1f}" for v in suggestion.end_xyz)
        lines.append(f"{name}: {suggestion.length_mm:.2f} mm from ({start}) to ({end}) mm "
                     f"on slice {suggestion.slice_index}, SOP Instance UID "
                     f"{suggestion.sop_instance_uid}"
                     + (f" frame {suggestion.frame}" if suggestion.frame else "")
                     + f", confidence {suggestion.confidence:.2f}")
    lines.extend(f"note: {note}" for note in suggestions.notes)
    return "\n".join(lines)
