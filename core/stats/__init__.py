"""Cohort statistics that match R: exact binomial intervals and Kaplan–Meier.

Pure functions on plain values; numpy only (scipy is a test dependency, used to check these
against an independent implementation).

- ``clopper_pearson(x, n)``: exact CI of a proportion, as R's ``binom.test``.
- ``kaplan_meier(times, events, conf_type="log")``: the curve, the median and its CI as
  R's ``survival::survfit`` prints them.
- ``summarize_cohort(results)``: counts, ORR, DCR and PFS for ``mrecist stats``.
- ``mean``, ``sample_sd``, ``quantile`` (R's type 7), ``median``: a baseline table's figures.
- ``cohen_kappa(pairs)``: agreement of two raters, with its standard error and CI.
"""

from core.stats.binomial import (
    ProportionCI,
    beta_quantile,
    clopper_pearson,
    regularized_incomplete_beta,
)
from core.stats.cohort import (
    CohortSummary,
    SubjectOutcome,
    cohort_summary_to_data,
    subject_outcome,
    summarize_cohort,
)
from core.stats.descriptive import mean, median, quantile, sample_sd, sample_variance
from core.stats.kappa import Kappa, cohen_kappa
from core.stats.survival import CONF_TYPES, KaplanMeier, kaplan_meier

__all__ = [
    "CONF_TYPES",
    "CohortSummary",
    "KaplanMeier",
    "Kappa",
    "ProportionCI",
    "SubjectOutcome",
    "beta_quantile",
    "clopper_pearson",
    "cohen_kappa",
    "cohort_summary_to_data",
    "kaplan_meier",
    "mean",
    "median",
    "quantile",
    "regularized_incomplete_beta",
    "sample_sd",
    "sample_variance",
    "subject_outcome",
    "summarize_cohort",
]
