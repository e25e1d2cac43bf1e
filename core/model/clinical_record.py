"""The clinical record of a subject, as a coordinator enters it (issue #13 item 1).

Eligibility, screening, baseline characteristics, treatment (DEB-TACE sessions and study
drug doses), laboratory values, adverse events, end of treatment and follow-up: what the
trial's tables and endpoints need (docs/clinical-record.md; the data items of
docs/clinical-data.md in the shared docs). Every value is a frozen dataclass, valid once
built: ``__post_init__`` refuses a value that cannot be recorded with an
``InvalidValueError`` naming the field. Only raw entered values are held here; what is
derived from them (CTCAE grades from labs, Child-Pugh and ALBI scores, dose intensity,
PFS and OS) is computed elsewhere and never stored.

Coded values are CDISC controlled terminology where a code list exists (``AEOUT``,
``AEACN``, ``ROUTE``, ``SEX``; LBTESTCD test codes), verbatim. Whether a date lies in the
future depends on the day of entry, so it is checked by the action that records it, not
here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from core.errors import InvalidValueError

# Free text fields (a note, a cause of death, a reason) hold at most this much: a CRF line.
MAX_TEXT_CHARS = 500
# LBTESTCD and other SDTM --TESTCD values: at most 8 characters, a letter first, then
# letters, digits or underscores (SDTMIG v3.4 §4.5.1.1 "--TESTCD").
_TESTCD = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
# A criterion code of the protocol's eligibility list: "IN01", "EX11", "WD03".
_CRITERION = re.compile(r"[A-Z][A-Z0-9_.-]{0,15}")
# Magnitudes past this are typing errors, not clinical values (an AFP of 10^6 ng/mL exists).
MAX_DECIMAL = Decimal("1e9")


class ClinicalKind(StrEnum):
    """The kinds of clinical entry a subject's record holds."""

    ELIGIBILITY = "eligibility"
    SCREENING = "screening"
    BASELINE = "baseline"
    TREATMENT_SESSION = "treatment_session"
    DOSE = "dose"
    LAB = "lab"
    ADVERSE_EVENT = "adverse_event"
    END_OF_TREATMENT = "end_of_treatment"
    FOLLOW_UP = "follow_up"
    LAB_EVENT_DISMISSAL = "lab_event_dismissal"


# Kinds a subject has at most one entry of.
SINGLE_KINDS = frozenset({ClinicalKind.SCREENING, ClinicalKind.BASELINE,
                          ClinicalKind.END_OF_TREATMENT})


class CriterionStatus(StrEnum):
    """Whether an eligibility criterion holds for the subject (IE domain: IEORRES)."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class ScreeningOutcome(StrEnum):
    """The end of screening."""

    ENROLLED = "enrolled"
    SCREEN_FAILURE = "screen_failure"


class Sex(StrEnum):
    """CDISC SEX code list (C66731), as collected."""

    MALE = "M"
    FEMALE = "F"


class Etiology(StrEnum):
    """The underlying liver disease, as the trial's Table 1 reports it."""

    HBV = "HBV"
    HCV = "HCV"
    OTHER = "other"


class Ascites(StrEnum):
    """Ascites for the Child-Pugh score (none / mild / moderate-severe)."""

    NONE = "none"
    MILD = "mild"
    MODERATE_SEVERE = "moderate_severe"


class Encephalopathy(StrEnum):
    """Hepatic encephalopathy for the Child-Pugh score (none / grade 1-2 / grade 3-4)."""

    NONE = "none"
    GRADE_1_2 = "grade_1_2"
    GRADE_3_4 = "grade_3_4"


class Pvtt(StrEnum):
    """Portal vein tumour thrombus by the Japanese Vp classification, or absent."""

    ABSENT = "absent"
    VP1 = "Vp1"
    VP2 = "Vp2"
    VP3 = "Vp3"
    VP4 = "Vp4"


class Route(StrEnum):
    """CDISC ROUTE code list (C66729): the routes the trial's drugs are given by."""

    INTRA_ARTERIAL = "INTRA-ARTERIAL"
    INTRAVENOUS = "INTRAVENOUS"
    ORAL = "ORAL"


class DoseAdjustment(StrEnum):
    """What happened to the dose in the period (EXADJ, as collected)."""

    NONE = "none"
    REDUCED = "reduced"
    INTERRUPTED = "interrupted"
    STOPPED = "stopped"


class Relatedness(StrEnum):
    """The investigator's causality assessment of an adverse event for one cause (AEREL)."""

    NOT_RELATED = "NOT RELATED"
    UNLIKELY = "UNLIKELY RELATED"
    POSSIBLE = "POSSIBLY RELATED"
    PROBABLE = "PROBABLY RELATED"
    DEFINITE = "DEFINITELY RELATED"


class AeAction(StrEnum):
    """CDISC ACN code list (C66767): action taken with study treatment (AEACN)."""

    DOSE_NOT_CHANGED = "DOSE NOT CHANGED"
    DOSE_REDUCED = "DOSE REDUCED"
    DRUG_INTERRUPTED = "DRUG INTERRUPTED"
    DRUG_WITHDRAWN = "DRUG WITHDRAWN"
    NOT_APPLICABLE = "NOT APPLICABLE"
    UNKNOWN = "UNKNOWN"


class AeOutcome(StrEnum):
    """CDISC OUT code list (C66768): outcome of the event (AEOUT)."""

    RECOVERED = "RECOVERED/RESOLVED"
    RECOVERING = "RECOVERING/RESOLVING"
    NOT_RECOVERED = "NOT RECOVERED/NOT RESOLVED"
    RECOVERED_WITH_SEQUELAE = "RECOVERED/RESOLVED WITH SEQUELAE"
    FATAL = "FATAL"
    UNKNOWN = "UNKNOWN"


class EndOfTreatmentReason(StrEnum):
    """Why study treatment ended (docs/clinical-data.md §3)."""

    CONFIRMED_PROGRESSION = "confirmed_progression"
    TOXICITY = "toxicity"
    NEW_THERAPY = "new_therapy"
    WITHDRAWAL = "withdrawal"
    DEATH = "death"
    OTHER = "other"


# -- checks shared by the values ------------------------------------------------------------

def _text(name: str, value: str, *, required: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidValueError(name, value, "must be text")
    if required and not value.strip():
        raise InvalidValueError(name, value, "must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidValueError(name, value, f"must be at most {MAX_TEXT_CHARS} characters")
    # Unicode's own line breaks too (U+0085, U+2028, U+2029): a CRF line is one line.
    if any((ord(char) < 32 and char not in "\t") or char in "\x85\u2028\u2029"
           for char in value):
        raise InvalidValueError(name, value, "must be one line of text")
    if _reads_as_formula(value):
        raise InvalidValueError(name, value, "must not begin with =, +, -, @ or a tab: a "
                                "spreadsheet opening an export would run it as a formula")


def _reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would take *text* as a formula (OWASP, "CSV Injection"): it
    begins with =, +, @, a tab or a carriage return, or with - not followed by a space
    (a "- see source" note is text)."""
    if not text:
        return False
    return text[0] in "=+@\t\r" or (text[0] == "-" and text[1:2] not in ("", " "))


def _decimal(name: str, value: Decimal | None, *, positive: bool = False,
             optional: bool = False) -> None:
    if value is None:
        if not optional:
            raise InvalidValueError(name, value, "is required")
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValueError(name, value, "must be a finite decimal number")
    if value < 0 or (positive and value == 0):
        raise InvalidValueError(name, value, "must be greater than 0" if positive
                                else "must not be negative")
    if value > MAX_DECIMAL:
        raise InvalidValueError(name, value, f"must be at most {MAX_DECIMAL:f}")


def _integer(name: str, value: int | None, low: int, high: int, *,
             optional: bool = False) -> None:
    if value is None:
        if not optional:
            raise InvalidValueError(name, value, "is required")
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValueError(name, value, f"must be a whole number from {low} to {high}")


def _date(name: str, value: dt.date | None, *, optional: bool = False) -> None:
    if value is None:
        if not optional:
            raise InvalidValueError(name, value, "is required")
        return
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValueError(name, value, "must be a date")


def _not_before(name: str, value: dt.date | None, other_name: str,
                other: dt.date | None) -> None:
    if value is not None and other is not None and value < other:
        raise InvalidValueError(name, value.isoformat(), f"must not be before {other_name} "
                                f"{other.isoformat()}")


def _member(name: str, value: object, kind: type[StrEnum], *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, kind):
        choices = ", ".join(member.value for member in kind)
        raise InvalidValueError(name, value, f"must be one of {choices}")


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidValueError(name, value, "must be true or false")


# -- the entries ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Eligibility:
    """One eligibility criterion of the protocol, as checked for the subject (IE domain).

    The laboratory criteria are computed from the entered labs later; this records what
    the coordinator checked, with a note where the source needs one.
    """

    criterion: str
    status: CriterionStatus
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.criterion, str) or not _CRITERION.fullmatch(self.criterion):
            raise InvalidValueError("criterion", self.criterion, "must be a protocol code "
                                    "such as IN01 or EX03 (capitals, digits, at most 16)")
        _member("status", self.status, CriterionStatus)
        _text("note", self.note, required=False)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (None: before any data cut-off)."""
        return None


@dataclass(frozen=True, slots=True)
class Screening:
    """The screening outcome: enrolled on a date, or a screen failure on a criterion."""

    outcome: ScreeningOutcome
    enrolment_date: dt.date | None = None
    failed_criterion: str | None = None

    def __post_init__(self) -> None:
        _member("outcome", self.outcome, ScreeningOutcome)
        _date("enrolment_date", self.enrolment_date, optional=True)
        if self.outcome is ScreeningOutcome.ENROLLED:
            if self.enrolment_date is None:
                raise InvalidValueError("enrolment_date", None, "is required when enrolled")
            if self.failed_criterion is not None:
                raise InvalidValueError("failed_criterion", self.failed_criterion,
                                        "is only for a screen failure")
        else:
            if self.enrolment_date is not None:
                raise InvalidValueError("enrolment_date", self.enrolment_date.isoformat(),
                                        "a screen failure is not enrolled")
            if self.failed_criterion is None or not _CRITERION.fullmatch(
                    str(self.failed_criterion)):
                raise InvalidValueError("failed_criterion", self.failed_criterion,
                                        "a screen failure names the criterion it failed")

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (None: before any data cut-off)."""
        return None


@dataclass(frozen=True, slots=True)
class BaselineCharacteristics:
    """The subject at baseline, as the trial's Table 1 reports it.

    Child-Pugh is recorded by its components (the score and class are computed):
    bilirubin in µmol/L, albumin in g/L, INR, ascites and encephalopathy. AFP in ng/mL,
    weight in kg, height in cm, tumour sizes in mm.
    """

    age_years: int
    sex: Sex
    etiology: Etiology
    ecog: int
    bilirubin_umol_l: Decimal
    albumin_g_l: Decimal
    inr: Decimal
    ascites: Ascites
    encephalopathy: Encephalopathy
    afp_ng_ml: Decimal
    weight_kg: Decimal
    height_cm: Decimal
    tumour_number: int
    max_tumour_size_mm: Decimal
    total_tumour_size_mm: Decimal
    pvtt: Pvtt
    has_ivc_thrombus: bool
    has_extrahepatic_metastasis: bool

    def __post_init__(self) -> None:
        _integer("age_years", self.age_years, 0, 120)
        _member("sex", self.sex, Sex)
        _member("etiology", self.etiology, Etiology)
        _integer("ecog", self.ecog, 0, 5)
        for name in ("bilirubin_umol_l", "albumin_g_l", "afp_ng_ml"):
            _decimal(name, getattr(self, name))
        for name in ("inr", "weight_kg", "height_cm"):
            _decimal(name, getattr(self, name), positive=True)
        _member("ascites", self.ascites, Ascites)
        _member("encephalopathy", self.encephalopathy, Encephalopathy)
        _integer("tumour_number", self.tumour_number, 0, 1000)
        _decimal("max_tumour_size_mm", self.max_tumour_size_mm)
        _decimal("total_tumour_size_mm", self.total_tumour_size_mm)
        if self.total_tumour_size_mm < self.max_tumour_size_mm:
            raise InvalidValueError("total_tumour_size_mm", self.total_tumour_size_mm,
                                    "must not be less than the maximum tumour size "
                                    f"{self.max_tumour_size_mm}")
        _member("pvtt", self.pvtt, Pvtt)
        _flag("has_ivc_thrombus", self.has_ivc_thrombus)
        _flag("has_extrahepatic_metastasis", self.has_extrahepatic_metastasis)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (None: before any data cut-off)."""
        return None


@dataclass(frozen=True, slots=True)
class TreatmentSession:
    """One DEB-TACE session: its date, the drug loaded and its dose, the microspheres'
    size range in µm, and whether the embolisation end point was reached."""

    session_date: dt.date
    drug: str
    dose: Decimal
    dose_unit: str
    microsphere_min_um: int
    microsphere_max_um: int
    is_end_point_reached: bool

    def __post_init__(self) -> None:
        _date("session_date", self.session_date)
        _text("drug", self.drug)
        _decimal("dose", self.dose)
        _text("dose_unit", self.dose_unit)
        _integer("microsphere_min_um", self.microsphere_min_um, 1, 5000)
        _integer("microsphere_max_um", self.microsphere_max_um, 1, 5000)
        if self.microsphere_max_um < self.microsphere_min_um:
            raise InvalidValueError("microsphere_max_um", self.microsphere_max_um,
                                    f"must not be below the minimum {self.microsphere_min_um}")
        _flag("is_end_point_reached", self.is_end_point_reached)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to."""
        return self.session_date


@dataclass(frozen=True, slots=True)
class DoseRecord:
    """A study drug's dose on a day or over a period (EX domain): prescribed and taken,
    route, and a reduction, interruption or stop with its reason."""

    drug: str
    start_date: dt.date
    prescribed_dose: Decimal
    taken_dose: Decimal
    dose_unit: str
    route: Route
    end_date: dt.date | None = None
    adjustment: DoseAdjustment = DoseAdjustment.NONE
    adjustment_reason: str = ""

    def __post_init__(self) -> None:
        _text("drug", self.drug)
        _date("start_date", self.start_date)
        _date("end_date", self.end_date, optional=True)
        _not_before("end_date", self.end_date, "start_date", self.start_date)
        _decimal("prescribed_dose", self.prescribed_dose)
        _decimal("taken_dose", self.taken_dose)
        _text("dose_unit", self.dose_unit)
        _member("route", self.route, Route)
        _member("adjustment", self.adjustment, DoseAdjustment)
        _text("adjustment_reason", self.adjustment_reason,
              required=self.adjustment is not DoseAdjustment.NONE)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (the period's start)."""
        return self.start_date


@dataclass(frozen=True, slots=True)
class LabResult:
    """One laboratory value of a visit (LB domain), as reported with its limits.

    The value is kept in the unit it was reported in; converting and grading (CTCAE)
    happen later and are never stored.
    """

    visit_date: dt.date
    test_code: str
    value: Decimal
    unit: str
    lln: Decimal | None = None
    uln: Decimal | None = None
    is_baseline: bool = False

    def __post_init__(self) -> None:
        _date("visit_date", self.visit_date)
        if not isinstance(self.test_code, str) or not _TESTCD.fullmatch(self.test_code):
            raise InvalidValueError("test_code", self.test_code, "must be an LBTESTCD code "
                                    "(capitals and digits, at most 8, e.g. PLAT)")
        _decimal("value", self.value)
        _text("unit", self.unit)
        _decimal("lln", self.lln, optional=True)
        _decimal("uln", self.uln, optional=True)
        if self.lln is not None and self.uln is not None and self.uln < self.lln:
            raise InvalidValueError("uln", self.uln, f"must not be below the LLN {self.lln}")
        _flag("is_baseline", self.is_baseline)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to."""
        return self.visit_date


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """One adverse event (AE domain): CTCAE v4.03 term and grade 1-5, onset and
    resolution, seriousness, the relatedness to each study drug and to DEB-TACE, the
    action taken and the outcome.

    ``relatedness`` pairs each cause (a study drug's name, or ``DEB-TACE``) with its
    assessment, one pair per cause, in the order entered.
    """

    term: str
    grade: int
    onset_date: dt.date
    is_serious: bool
    relatedness: tuple[tuple[str, Relatedness], ...]
    action: AeAction
    outcome: AeOutcome
    resolution_date: dt.date | None = None

    def __post_init__(self) -> None:
        _text("term", self.term)
        # CTCAE v4.03: grades 1 (mild) to 5 (death related to the AE); 0 is no event.
        _integer("grade", self.grade, 1, 5)
        _date("onset_date", self.onset_date)
        _date("resolution_date", self.resolution_date, optional=True)
        _not_before("resolution_date", self.resolution_date, "onset_date", self.onset_date)
        _flag("is_serious", self.is_serious)
        if not isinstance(self.relatedness, tuple) or not self.relatedness:
            raise InvalidValueError("relatedness", self.relatedness, "must name at least one "
                                    "cause (a study drug or DEB-TACE) with its assessment")
        causes = []
        for pair in self.relatedness:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise InvalidValueError("relatedness", pair, "must be (cause, assessment)")
            _text("relatedness cause", pair[0])
            _member(f"relatedness to {pair[0]}", pair[1], Relatedness)
            causes.append(pair[0].casefold())
        if len(set(causes)) != len(causes):
            raise InvalidValueError("relatedness", [cause for cause, _ in self.relatedness],
                                    "names a cause twice")
        _member("action", self.action, AeAction)
        _member("outcome", self.outcome, AeOutcome)
        if (self.grade == 5) != (self.outcome is AeOutcome.FATAL):
            raise InvalidValueError("outcome", self.outcome.value, "grade 5 is a fatal event "
                                    "and a fatal outcome is grade 5 (CTCAE v4.03)")

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (the onset)."""
        return self.onset_date


@dataclass(frozen=True, slots=True)
class EndOfTreatment:
    """The end of study treatment: date, reason, and the subsequent anticancer therapy."""

    end_date: dt.date
    reason: EndOfTreatmentReason
    reason_detail: str = ""
    subsequent_therapy: str | None = None
    subsequent_therapy_start: dt.date | None = None

    def __post_init__(self) -> None:
        _date("end_date", self.end_date)
        _member("reason", self.reason, EndOfTreatmentReason)
        _text("reason_detail", self.reason_detail,
              required=self.reason is EndOfTreatmentReason.OTHER)
        if self.subsequent_therapy is not None:
            _text("subsequent_therapy", self.subsequent_therapy)
        _date("subsequent_therapy_start", self.subsequent_therapy_start, optional=True)
        if (self.subsequent_therapy is None) != (self.subsequent_therapy_start is None):
            raise InvalidValueError("subsequent_therapy_start", self.subsequent_therapy_start,
                                    "a subsequent therapy has both a type and a start date")

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to."""
        return self.end_date


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One follow-up contact: the subject known alive on a date, or their death (date,
    cause), and a discontinuation of the study (date, reason). The last date known alive
    for OS is the latest of the contacts."""

    last_known_alive: dt.date | None = None
    death_date: dt.date | None = None
    death_cause: str | None = None
    discontinuation_date: dt.date | None = None
    discontinuation_reason: str | None = None

    def __post_init__(self) -> None:
        for name in ("last_known_alive", "death_date", "discontinuation_date"):
            _date(name, getattr(self, name), optional=True)
        if self.last_known_alive is None and self.death_date is None \
                and self.discontinuation_date is None:
            raise InvalidValueError("follow_up", None, "records a date known alive, a death "
                                    "or a discontinuation")
        if (self.death_date is None) != (self.death_cause is None):
            raise InvalidValueError("death_cause", self.death_cause,
                                    "a death has both a date and a cause")
        if self.death_cause is not None:
            _text("death_cause", self.death_cause)
        _not_before("death_date", self.death_date, "last_known_alive", self.last_known_alive)
        if (self.discontinuation_date is None) != (self.discontinuation_reason is None):
            raise InvalidValueError("discontinuation_reason", self.discontinuation_reason,
                                    "a discontinuation has both a date and a reason")
        if self.discontinuation_reason is not None:
            _text("discontinuation_reason", self.discontinuation_reason)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (the latest it records)."""
        return max(day for day in (self.last_known_alive, self.death_date,
                                   self.discontinuation_date) if day is not None)


@dataclass(frozen=True, slots=True)
class DismissedLabEvent:
    """A lab abnormality the coordinator judged not to be an adverse event, with why.

    A graded lab value is proposed as an adverse event (``core.clinical.proposals``); the
    coordinator confirms it by recording the event, or dismisses the episode (its term,
    first abnormal date and the worst grade seen) with a reason, which keeps it from being
    proposed again unless it grows worse, and tells a monitor why no event was recorded
    (docs/clinical.md §5a).
    """

    term: str
    onset_date: dt.date
    reason: str
    # The episode's worst grade when it was dismissed: a later, worse sample of the same
    # episode is proposed again (the dismissal covers what was seen, not what came after).
    grade: int

    def __post_init__(self) -> None:
        _text("term", self.term)
        _date("onset_date", self.onset_date)
        _text("reason", self.reason)
        _integer("grade", self.grade, 1, 4)

    def reference_date(self) -> dt.date | None:
        """The date this entry belongs to (the episode's first abnormal sample)."""
        return self.onset_date


ClinicalValue = (Eligibility | Screening | BaselineCharacteristics | TreatmentSession
                 | DoseRecord | LabResult | AdverseEvent | EndOfTreatment | FollowUp
                 | DismissedLabEvent)

KIND_OF: dict[type, ClinicalKind] = {
    Eligibility: ClinicalKind.ELIGIBILITY,
    Screening: ClinicalKind.SCREENING,
    BaselineCharacteristics: ClinicalKind.BASELINE,
    TreatmentSession: ClinicalKind.TREATMENT_SESSION,
    DoseRecord: ClinicalKind.DOSE,
    LabResult: ClinicalKind.LAB,
    AdverseEvent: ClinicalKind.ADVERSE_EVENT,
    EndOfTreatment: ClinicalKind.END_OF_TREATMENT,
    FollowUp: ClinicalKind.FOLLOW_UP,
    DismissedLabEvent: ClinicalKind.LAB_EVENT_DISMISSAL,
}
TYPE_OF: dict[ClinicalKind, type] = {kind: cls for cls, kind in KIND_OF.items()}


def kind_of(value: object) -> ClinicalKind:
    """The kind of a clinical value.

    Raises
    ------
    InvalidValueError
        If *value* is not one of the clinical entries.
    """
    kind = KIND_OF.get(type(value))
    if kind is None:
        raise InvalidValueError("clinical entry", type(value).__name__,
                                "is not a clinical entry")
    return kind


V = TypeVar("V", Eligibility, Screening, BaselineCharacteristics, TreatmentSession,
            DoseRecord, LabResult, AdverseEvent, EndOfTreatment, FollowUp, DismissedLabEvent)


@dataclass(frozen=True, slots=True)
class ClinicalEntry(Generic[V]):
    """A clinical value as stored: its id, its subject, and whether a data cut-off has
    locked it."""

    entry_id: int
    subject: str
    value: V
    is_locked: bool = False

    @property
    def kind(self) -> ClinicalKind:
        """The kind of the entry."""
        return kind_of(self.value)


@dataclass(frozen=True, slots=True)
class ClinicalLock:
    """A data cut-off: entries of a subject (or of every subject) dated on or before it,
    and its undated entries, are locked."""

    cut_off_date: dt.date
    subject: str | None
    locked_utc: str
    locked_by: str


@dataclass(frozen=True, slots=True)
class ClinicalRecord:
    """Everything recorded of one subject's clinical course, for the coordinator."""

    subject: str
    eligibility: tuple[ClinicalEntry[Eligibility], ...] = ()
    screening: ClinicalEntry[Screening] | None = None
    baseline: ClinicalEntry[BaselineCharacteristics] | None = None
    treatment_sessions: tuple[ClinicalEntry[TreatmentSession], ...] = ()
    doses: tuple[ClinicalEntry[DoseRecord], ...] = ()
    labs: tuple[ClinicalEntry[LabResult], ...] = ()
    adverse_events: tuple[ClinicalEntry[AdverseEvent], ...] = ()
    end_of_treatment: ClinicalEntry[EndOfTreatment] | None = None
    follow_up: tuple[ClinicalEntry[FollowUp], ...] = ()
    locks: tuple[ClinicalLock, ...] = field(default=())
    dismissals: tuple[ClinicalEntry[DismissedLabEvent], ...] = ()

    @property
    def cut_off_date(self) -> dt.date | None:
        """The latest data cut-off that covers this subject, or None."""
        return max((lock.cut_off_date for lock in self.locks), default=None)
