"""OCR of scanned letters and photos, with Tesseract, in memory.

The optional extra (`bash scripts/install.sh ocr`): Debian's `tesseract-ocr` with its English and
Spanish data (`tesseract-ocr-eng`, `tesseract-ocr-spa`), and `pypdfium2` to turn the pages of a
scanned PDF into images. Tesseract runs as a child process that reads the image on its standard
input and writes the text on its standard output: no image and no text is ever written to a file
(a binding such as pytesseract would put both in temporary files). Without Tesseract, or without
one of its languages, `availability()` says what is missing and the caller lists what it skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

LANGUAGES = ("eng", "spa")
OCR_DPI = 300
PAGE_TIMEOUT_S = 180
INSTALL_HINT = "install the OCR extra: `bash scripts/install.sh ocr` (Tesseract with English and Spanish)"


@dataclass(frozen=True)
class OcrStatus:
    """Whether OCR can run here, and if not, why not in words."""

    binary: str  # the tesseract executable, or ""
    version: str = ""
    languages: tuple[str, ...] = ()
    missing: str = ""  # what is missing ("" when OCR can run)
    can_rasterise: bool = False  # pypdfium2 is there: scanned PDFs can be read too

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def engine(self) -> str:
        return f"tesseract {self.version} ({'+'.join(self.languages)})" if self.ready else ""

    def pdf_missing(self) -> str:
        """Why a scanned PDF cannot be read ("" when it can)."""
        if self.missing:
            return self.missing
        return "" if self.can_rasterise else "pypdfium2 (to turn PDF pages into images) is not installed"


def _child_env() -> dict[str, str]:
    """A small environment for Tesseract: one thread (the machine is shared; the result is the
    same), no locale surprises."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C"}
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        env["TESSDATA_PREFIX"] = prefix
    return env


@cache
def availability(binary: str | None = None) -> OcrStatus:
    """What this machine can OCR (`binary`: a tesseract executable other than the one on PATH)."""
    found = binary or shutil.which("tesseract") or ""
    try:
        import pypdfium2  # noqa: F401

        rasterise = True
    except ImportError:
        rasterise = False
    if not found:
        return OcrStatus("", missing="Tesseract is not installed", can_rasterise=rasterise)
    try:
        version = subprocess.run(
            [found, "--version"], capture_output=True, timeout=30, env=_child_env(), check=False
        )
        listed = subprocess.run(
            [found, "--list-langs"], capture_output=True, timeout=30, env=_child_env(), check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return OcrStatus("", missing="Tesseract could not be run", can_rasterise=rasterise)
    first = (version.stdout or version.stderr).decode("utf-8", "replace").splitlines()
    number = first[0].split()[-1] if first and first[0].split() else "?"
    have = {line.strip() for line in listed.stdout.decode("utf-8", "replace").splitlines()[1:]}
    langs = tuple(lang for lang in LANGUAGES if lang in have)
    lacking = [lang for lang in LANGUAGES if lang not in have]
    missing = ""
    if lacking:
        names = {"eng": "English", "spa": "Spanish"}
        missing = "Tesseract has no " + " or ".join(names[x] for x in lacking) + " data"
        missing += " (tesseract-ocr-" + ", tesseract-ocr-".join(lacking) + ")"
    return OcrStatus(found, number, langs, missing, rasterise)


class OcrFailed(Exception):
    """Tesseract ran but gave no text (a crash, a timeout, an image it cannot read)."""


def ocr_image(status: OcrStatus, image: bytes) -> str:
    """The text Tesseract reads in `image` (PNG, JPEG, PNM, TIFF...), in memory."""
    if not status.ready:
        raise OcrFailed(status.missing)
    try:
        done = subprocess.run(
            [status.binary, "stdin", "stdout", "-l", "+".join(status.languages), "--psm", "4"],
            input=image,
            capture_output=True,
            timeout=PAGE_TIMEOUT_S,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"Tesseract took more than {PAGE_TIMEOUT_S} s on one page") from None
    except OSError as exc:
        raise OcrFailed(f"Tesseract could not be run ({type(exc).__name__})") from None
    if done.returncode != 0:
        raise OcrFailed(f"Tesseract could not read the image (exit {done.returncode})")
    return done.stdout.decode("utf-8", "replace")


def pdf_page_image(pdf: object, index: int, dpi: int = OCR_DPI) -> bytes:
    """Page `index` of an open `pypdfium2.PdfDocument` as a greyscale PGM image (in memory)."""
    page = pdf[index]  # type: ignore[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        raw = memoryview(bitmap.buffer)
        if stride == width:
            rows = bytes(raw[: width * height])
        else:
            rows = b"".join(bytes(raw[y * stride : y * stride + width]) for y in range(height))
        return b"P5\n%d %d\n255\n" % (width, height) + rows
    finally:
        page.close()
