"""What a reader must know about the pixel values before measuring on them.

Lossy compression degrades the pixels a caliper is drawn on, now or at any time in the
image's life (PS3.3 C.7.6.1.1.5); a CT image without Rescale Slope/Intercept has HU that
may be offset. The facts are read with each header
(:class:`~core.dicom.headers.ImageHeader`); this module decides from them whether an image
is lossy and words the warnings a series carries (``SeriesInfo.warnings``, then
``Volume.warnings``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydicom import uid

if TYPE_CHECKING:
    from core.dicom.headers import ImageHeader

# Transfer syntaxes that are lossy by definition (PS3.5 §8.2: JPEG's DCT processes, JPEG-LS
# near-lossless, the MPEG family), with the name a reader knows them by. pydicom's uid
# module has no lossy flag, so they are listed here. The retired lossy JPEG processes are
# left out: no decoder reads them, so the scan rejects their images first.
LOSSY_SYNTAXES: dict[str, str] = {
    uid.JPEGBaseline8Bit: "JPEG baseline",
    uid.JPEGExtended12Bit: "JPEG extended",
    uid.JPEGLSNearLossless: "JPEG-LS near-lossless",
    **{syntax: syntax.name for syntax in uid.MPEGTransferSyntaxes},
}
# Transfer syntaxes whose code stream may be lossy (irreversible wavelet) or lossless
# (PS3.5 §8.2.4, §8.2.14): Lossy Image Compression (0028,2110) decides when present.
LOSSY_OR_LOSSLESS_SYNTAXES: dict[str, str] = {
    uid.JPEG2000: "JPEG 2000",
    uid.JPEG2000MC: "JPEG 2000 multi-component",
    uid.HTJ2K: "HTJ2K",
}
# Lossy Image Compression Method (0028,2114), Defined Terms of PS3.3 C.7.6.1.1.5.1.
_METHOD_NAMES = {
    "ISO_10918_1": "JPEG", "ISO_14495_1": "JPEG-LS near-lossless",
    "ISO_15444_1": "JPEG 2000", "ISO_15444_15": "HTJ2K", "ISO_18181_1": "JPEG XL",
    "ISO_13818_2": "MPEG2", "ISO_14496_10": "MPEG-4 AVC/H.264", "ISO_23008_2": "HEVC/H.265",
}
# Lossy Image Compression (0028,2110), Enumerated Values: 00 never lossy, 01 lossy once
# (and never reset, PS3.3 C.7.6.1.1.5).
LOSSY = "01"
NOT_LOSSY = "00"


def is_lossy_image(lossy_image_compression: str, transfer_syntax_uid: str) -> bool:
    """True when the image is, was, or may be lossy compressed.

    Lossy if (0028,2110) says "01" (even when the image is now stored uncompressed) or the
    transfer syntax is lossy; a syntax that allows either counts as lossy unless (0028,2110)
    says "00".
    """
    if lossy_image_compression == LOSSY or transfer_syntax_uid in LOSSY_SYNTAXES:
        return True
    return (transfer_syntax_uid in LOSSY_OR_LOSSLESS_SYNTAXES
            and lossy_image_compression != NOT_LOSSY)


def image_warnings(headers: Sequence[ImageHeader]) -> tuple[str, ...]:
    """The warnings about the pixel values of one series' images, in a reader's words."""
    return (*lossy_warnings(headers), *rescale_warnings(headers))


def rescale_warnings(headers: Sequence[ImageHeader]) -> tuple[str, ...]:
    """A warning when CT images lack Rescale Slope/Intercept: their HU may be offset.

    The CT Image module requires both (PS3.3 C.8.2.1; C.11.1.1.2 defines them): without
    them the stored values are taken as HU unchanged, and a scanner that stores HU + 1024
    (unsigned) then shows water at 1024.
    """
    missing = sum(1 for h in headers if h.modality == "CT" and not h.has_rescale)
    if not missing:
        return ()
    which = "these CT images" if missing == len(headers) else \
        f"{missing} of {len(headers)} CT images"
    return (f"no Rescale Slope/Intercept on {which}: stored values are taken as HU, which "
            "may be offset (often by 1024)",)


def lossy_warnings(headers: Sequence[ImageHeader]) -> tuple[str, ...]:
    """One warning per kind of lossy compression among *headers*, with how many it covers.

    For example ``lossy compressed (JPEG baseline, ratio 15.5:1): measurements on these
    images are on degraded pixels``; ``3 of 40 images lossy compressed (...)`` when not
    every image is.
    """
    kinds = Counter(_lossy_kind(h) for h in headers if h.is_lossy)
    return tuple(_share(n, len(headers)) + kind for kind, n in kinds.items())


def stream_warnings(mismatches: Mapping[str, int],
                    headers: Sequence[ImageHeader]) -> tuple[str, ...]:
    """One warning per way the decoded code streams disagree with their headers.

    *mismatches* maps each disagreement (:func:`core.dicom.pixels.stream_mismatch`) to the
    number of images decoded with it, found while loading the series of *headers*.
    """
    units = "HU" if headers and headers[0].modality == "CT" else "intensities"
    return tuple(
        f"pixel data disagree with the header on {_which(n, len(headers))}: {mismatch}; the "
        f"values are kept as pydicom decodes them, so {units} may be wrong"
        for mismatch, n in mismatches.items())


def _which(n: int, total: int) -> str:
    return "these images" if n == total else f"{n} of {total} images"


def _share(n: int, total: int) -> str:
    return "" if n == total else f"{n} of {total} images "


def _lossy_kind(h: ImageHeader) -> str:
    """How *h* is lossy, and what it means for measuring on it."""
    syntax = h.transfer_syntax_uid
    details = _ratios(h.lossy_compression_ratios)
    if syntax in LOSSY_OR_LOSSLESS_SYNTAXES and h.lossy_image_compression != LOSSY:
        return (f"may be lossy compressed ({LOSSY_OR_LOSSLESS_SYNTAXES[syntax]}, which is "
                "lossy or lossless, and Lossy Image Compression (0028,2110) does not say): "
                "measurements on these images may be on degraded pixels")
    name = LOSSY_SYNTAXES.get(syntax) or LOSSY_OR_LOSSLESS_SYNTAXES.get(syntax)
    if name is not None:
        what = f"lossy compressed ({', '.join([name, *details])})"
    else:  # stored lossless or uncompressed now; (0028,2110) says it was lossy before
        methods = " then ".join(_METHOD_NAMES.get(m, m) for m in h.lossy_compression_methods)
        earlier = ", ".join([methods or "method not recorded", *details])
        what = f"lossy compressed earlier ({earlier}), now stored {_stored_as(syntax)}"
    return f"{what}: measurements on these images are on degraded pixels"


def _ratios(ratios: tuple[float, ...]) -> list[str]:
    # Several values: compressed several times, in the order of the methods (PS3.3
    # C.7.6.1.1.5.1 and C.7.6.1.1.5.2).
    if not ratios:
        return []
    word = "ratio" if len(ratios) == 1 else "ratios"
    return [f"{word} " + " then ".join(f"{r:.3g}:1" for r in ratios)]


def _stored_as(syntax: str) -> str:
    if syntax in uid.UncompressedTransferSyntaxes:
        return "uncompressed"
    name = uid.UID(syntax).name
    return f"as {name}" if name != syntax else f"in transfer syntax {syntax}"
