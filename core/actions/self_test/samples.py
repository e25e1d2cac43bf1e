"""The sample images the self-test decodes: one small CT slice per transfer syntax read.

The files live in ``resources/selftest`` (a few KB each), encoded once by other software
than our decoders (DCMTK, Grok, OpenJPH: ``installer/make_samples.py``), so decoding
them proves the installed decoders read what other systems write, with no test data or
encoder needed on the workstation. Every sample holds :func:`reference_hu` (the lossy
ones within their bound), which the self-test compares what it decodes with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydicom.uid import (
    HTJ2K,
    JPEG2000,
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

SIZE = 32  # rows and columns: the smallest image every codec here takes with its defaults
STORED_INTERCEPT = -1024  # CT as scanners store it: HU + 1024 in 12 unsigned bits


@dataclass(frozen=True, slots=True)
class Sample:
    """One sample file and how close its decoded values must be to the reference."""

    file: str
    syntax: UID
    # The largest difference from the reference allowed, in HU: 0 for a lossless syntax;
    # for the lossy ones the bound their encoding keeps, with a margin.
    max_error_hu: float
    encoder: str

    @property
    def is_lossless(self) -> bool:
        """True when the decoded values must equal the reference exactly."""
        return self.max_error_hu == 0


# Every transfer syntax of an image the workstation reads (core.dicom: native, deflated,
# RLE, the JPEG processes, JPEG-LS, JPEG 2000 and HTJ2K; tests/installer checks this is
# exactly what pydicom and our decoders can decode).
SAMPLES: tuple[Sample, ...] = (
    Sample("implicit-vr-little-endian.dcm", ImplicitVRLittleEndian, 0, "pydicom"),
    Sample("explicit-vr-little-endian.dcm", ExplicitVRLittleEndian, 0, "pydicom"),
    Sample("explicit-vr-big-endian.dcm", ExplicitVRBigEndian, 0, "DCMTK dcmconv +tb"),
    Sample("deflated-explicit-vr-little-endian.dcm", DeflatedExplicitVRLittleEndian, 0,
           "DCMTK dcmconv +td"),
    Sample("rle-lossless.dcm", RLELossless, 0, "DCMTK dcmcrle"),
    # 8 bits for a 12-bit range (8 HU a step), then JPEG's own loss at the edges: 64 HU
    # measured at most, next to air.
    Sample("jpeg-baseline-8bit.dcm", JPEGBaseline8Bit, 100, "DCMTK dcmcjpeg +eb +q 95"),
    Sample("jpeg-extended-12bit.dcm", JPEGExtended12Bit, 30, "DCMTK dcmcjpeg +ee"),
    Sample("jpeg-lossless-sv6.dcm", JPEGLossless, 0, "DCMTK dcmcjpeg +el +sv 6"),
    Sample("jpeg-lossless-sv1.dcm", JPEGLosslessSV1, 0, "DCMTK dcmcjpeg +e1"),
    Sample("jpeg-ls-lossless.dcm", JPEGLSLossless, 0, "DCMTK dcmcjpls +el"),
    # Near-lossless with NEAR = 2: no value may be more than 2 off (ISO 14495-1).
    Sample("jpeg-ls-near-lossless.dcm", JPEGLSNearLossless, 2, "DCMTK dcmcjpls +en +md 2"),
    Sample("jpeg-2000-lossless.dcm", JPEG2000Lossless, 0, "Grok grk_compress"),
    Sample("jpeg-2000.dcm", JPEG2000, 30, "Grok grk_compress -I -r 2"),
    Sample("htj2k-lossless.dcm", HTJ2KLossless, 0, "OpenJPH ojph_compress -reversible"),
    Sample("htj2k-lossless-rpcl.dcm", HTJ2KLosslessRPCL, 0,
           "OpenJPH ojph_compress -reversible -prog_order RPCL"),
    Sample("htj2k.dcm", HTJ2K, 30, "OpenJPH ojph_compress -qstep 0.002"),
)


def reference_hu() -> np.ndarray:
    """The image every sample holds: a 32 × 32 CT slice in HU (int16).

    Air around a soft-tissue body (40 HU) with a gradient across it, a bright arterial
    lesion (+180 HU) and a dark cyst (0 HU): edges and smooth parts, so that a decoder
    that drops a bit, swaps bytes or shifts rows shows.
    """
    rows, columns = np.mgrid[0:SIZE, 0:SIZE]
    centre = (SIZE - 1) / 2
    body = (rows - centre) ** 2 + (columns - centre) ** 2 <= (SIZE * 0.45) ** 2
    hu = np.full((SIZE, SIZE), -1000, dtype=np.int16)
    hu[body] = (40 + 3 * (rows - columns))[body]
    hu[(rows - 11) ** 2 + (columns - 20) ** 2 <= 16] = 220
    hu[(rows - 21) ** 2 + (columns - 10) ** 2 <= 9] = 0
    return hu
