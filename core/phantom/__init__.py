"""Synthetic multiphase liver CT and MR studies with known ground truth.

Real multiphase HCC imaging cannot be shipped with the project, so the phantom makes its
own: an abdomen with phase-appropriate enhancement and HCC lesions whose total and viable
longest diameters are known exactly. It feeds the demo trial, the tests and the benchmarks.
"""

from core.phantom.demo import DEMO_TRIAL_NAME, read_manifest, write_demo_trial
from core.phantom.grid import ImageGrid, PhantomSize, ct_grid, mr_grid
from core.phantom.lesions import LesionRole, LesionSpec, Pattern, ThrombusSpec
from core.phantom.scenarios import demo_scenarios
from core.phantom.study import StudySpec, WrittenStudy, label_volume, write_study

__all__ = [
    "DEMO_TRIAL_NAME",
    "ImageGrid",
    "LesionRole",
    "LesionSpec",
    "Pattern",
    "PhantomSize",
    "StudySpec",
    "ThrombusSpec",
    "WrittenStudy",
    "ct_grid",
    "demo_scenarios",
    "label_volume",
    "mr_grid",
    "read_manifest",
    "write_demo_trial",
    "write_study",
]
