"""Kaplan–Meier and Clopper–Pearson against R itself, on many random data sets.

One Rscript run fits ``survival::survfit`` to every data set under the three interval types
and runs ``binom.test`` on a grid of counts; the tests compare R's printed median and 95 %
limits (``summary(fit)$table``, which ``print.survfit`` shows), the whole curve and the
binomial intervals with ours. CI installs R (Debian ``r-base-core`` and ``r-cran-survival``);
locally the module is skipped only when ``Rscript`` is absent.
"""

from __future__ import annotations

import csv
import math
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.stats import clopper_pearson, kaplan_meier

RSCRIPT = shutil.which("Rscript")
pytestmark = pytest.mark.skipif(
    RSCRIPT is None,
    reason="Rscript is not installed; CI installs r-base-core and r-cran-survival to run "
    "this comparison with R",
)

N_RANDOM_DATASETS = 200
CONF_TYPES = ("log", "log-log", "plain")
# Medians and limits are event times or midpoints of two: the same floating-point operations
# as R, so they agree to the last bit; the tolerance only guards the comparison itself.
TIME_TOLERANCE = 1e-12
CURVE_TOLERANCE = 1e-12
BINOMIAL_TOLERANCE = 1e-10

R_PROGRAM = r"""
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
d <- read.csv(file.path(folder, "km.csv"))
num <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
vec <- function(v) paste(num(v), collapse = " ")
medians <- c("id,conf_type,median,lcl,ucl")
curves <- c("id,conf_type,time,surv,std_err,lower,upper")
for (ct in c("log", "log-log", "plain")) {
  for (i in sort(unique(d$id))) {
    s <- d[d$id == i, ]
    fit <- survfit(Surv(time, status) ~ 1, data = s, conf.type = ct)
    tab <- summary(fit)$table
    medians <- c(medians, paste(i, ct, num(tab["median"]), num(tab["0.95LCL"]),
                                num(tab["0.95UCL"]), sep = ","))
    curves <- c(curves, paste(i, ct, vec(fit$time), vec(fit$surv), vec(fit$std.err),
                              vec(fit$lower), vec(fit$upper), sep = ","))
  }
}
writeLines(medians, file.path(folder, "medians_r.csv"))
writeLines(curves, file.path(folder, "curves_r.csv"))
b <- read.csv(file.path(folder, "binom.csv"))
ci <- c("x,n,low,high")
for (k in seq_len(nrow(b))) {
  int <- binom.test(b$x[k], b$n[k])$conf.int
  ci <- c(ci, paste(b$x[k], b$n[k], num(int[1]), num(int[2]), sep = ","))
}
writeLines(ci, file.path(folder, "binom_r.csv"))
"""


@dataclass(frozen=True)
class Dataset:
    times: list[float]
    events: list[int]


def _special_datasets() -> list[Dataset]:
    """Cases R's rules single out: plateaus at exactly 0.5, no events, one subject."""
    return [
        Dataset(list(range(1, 11)), [1] * 10),  # the reference: 5.5, 3 to not reached
        Dataset(list(range(1, 21)), [1] * 20),
        Dataset([1, 2, 3, 4], [1, 1, 0, 0]),  # S stays at exactly 0.5: median is 2
        Dataset([5.0, 5.0, 7.5, 7.5], [1, 1, 1, 1]),
        Dataset([3.0, 4.0, 8.0], [0, 0, 0]),
        Dataset([2.5], [1]),
        Dataset([2.5], [0]),
        Dataset([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]),
    ]


def _random_datasets(seed: int = 20240601) -> list[Dataset]:
    """Ties (small integer times), censoring of every degree, medians often not reached."""
    rng = random.Random(seed)
    datasets = []
    for _ in range(N_RANDOM_DATASETS):
        n = rng.choice([rng.randint(1, 12), rng.randint(10, 60), rng.randint(60, 200)])
        event_probability = rng.choice([0.1, 0.3, 0.5, 0.8, 1.0, rng.random()])
        if rng.random() < 0.5:
            top = rng.choice([4, 10, 30])
            times = [float(rng.randint(0, top)) for _ in range(n)]
        else:
            times = [round(rng.expovariate(1 / 12) + 0.01, 2) for _ in range(n)]
        events = [int(rng.random() < event_probability) for _ in range(n)]
        datasets.append(Dataset(times, events))
    return datasets


def _binomial_counts(seed: int = 7) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    counts = [(0, 1), (1, 1), (0, 30), (30, 30), (7, 30), (1, 1000), (999, 1000)]
    for _ in range(200):
        n = rng.randint(1, 600)
        counts.append((rng.randint(0, n), n))
    return counts


def _number(text: str) -> float | None:
    return None if text == "NA" else float(text)


def _numbers(text: str) -> list[float | None]:
    return [_number(part) for part in text.split()]


@dataclass(frozen=True)
class RRun:
    datasets: list[Dataset]
    medians: list[dict[str, str]]
    curves: list[dict[str, str]]
    binomial: list[dict[str, str]]


@pytest.fixture(scope="module")
def r_run(tmp_path_factory: pytest.TempPathFactory) -> RRun:
    folder: Path = tmp_path_factory.mktemp("r")
    datasets = _special_datasets() + _random_datasets()
    with (folder / "km.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "time", "status"])
        for index, dataset in enumerate(datasets):
            writer.writerows(
                [index, repr(t), e] for t, e in zip(dataset.times, dataset.events, strict=True)
            )
    with (folder / "binom.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x", "n"])
        writer.writerows(_binomial_counts())
    assert RSCRIPT is not None
    done = subprocess.run(
        [RSCRIPT, "-e", R_PROGRAM, str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"Rscript failed (is r-cran-survival installed?):\n{done.stderr}"

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(newline="") as handle:
            return list(csv.DictReader(handle))

    return RRun(datasets, rows("medians_r.csv"), rows("curves_r.csv"), rows("binom_r.csv"))


def _same(ours: float | None, theirs: float | None, tolerance: float) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= tolerance


def test_median_and_ci_match_r_on_every_data_set(r_run: RRun):
    assert len(r_run.medians) == len(r_run.datasets) * len(CONF_TYPES)
    mismatches = []
    for row in r_run.medians:
        dataset = r_run.datasets[int(row["id"])]
        km = kaplan_meier(dataset.times, dataset.events, conf_type=row["conf_type"])
        ours = (km.median, km.median_ci_low, km.median_ci_high)
        theirs = (_number(row["median"]), _number(row["lcl"]), _number(row["ucl"]))
        if not all(_same(a, b, TIME_TOLERANCE) for a, b in zip(ours, theirs, strict=True)):
            mismatches.append((row["id"], row["conf_type"], ours, theirs))
    assert mismatches == []


def test_the_comparison_covers_what_it_claims(r_run: RRun):
    log_rows = [row for row in r_run.medians if row["conf_type"] == "log"]
    not_reached = [row for row in log_rows if row["median"] == "NA"]
    upper_not_reached = [row for row in log_rows if row["ucl"] == "NA" and row["median"] != "NA"]
    tied = [d for d in r_run.datasets if len(set(d.times)) < len(d.times)]
    censored = [d for d in r_run.datasets if 0 < sum(d.events) < len(d.events)]
    assert len(not_reached) >= 20
    assert len(upper_not_reached) >= 20
    assert len(tied) >= 100
    assert len(censored) >= 100
    assert log_rows[0]["median"] == "5.5"
    assert (log_rows[0]["lcl"], log_rows[0]["ucl"]) == ("3", "NA")


def test_whole_curve_matches_r(r_run: RRun):
    worst = 0.0
    for row in r_run.curves:
        dataset = r_run.datasets[int(row["id"])]
        km = kaplan_meier(dataset.times, dataset.events, conf_type=row["conf_type"])
        for name, ours in (
            ("time", km.time),
            ("surv", km.survival),
            ("std_err", km.std_err),
            ("lower", km.lower),
            ("upper", km.upper),
        ):
            theirs = _numbers(row[name])
            assert len(theirs) == len(ours), (row["id"], name)
            for a, b in zip(ours, theirs, strict=True):
                assert _same(a, b, CURVE_TOLERANCE), (row["id"], row["conf_type"], name, a, b)
                if a is not None and b is not None and math.isfinite(a):
                    worst = max(worst, abs(a - b))
    assert worst <= CURVE_TOLERANCE


def test_clopper_pearson_matches_r_binom_test(r_run: RRun):
    for row in r_run.binomial:
        interval = clopper_pearson(int(row["x"]), int(row["n"]))
        assert interval.ci_low == pytest.approx(float(row["low"]), abs=BINOMIAL_TOLERANCE)
        assert interval.ci_high == pytest.approx(float(row["high"]), abs=BINOMIAL_TOLERANCE)
