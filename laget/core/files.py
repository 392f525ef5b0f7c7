"""Uploaded files: what a file is, judged from all of it, and a name that says the same.

A file is taken only when its whole content is one of the kinds Laget accepts (PDF, PNG,
JPEG, plain UTF-8 text), its name does not claim another kind, and it carries no active
content a browser or reader would run (HTML, SVG, XML, scripts, PDF JavaScript). The name
kept is reduced to safe characters and one allowed extension.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# kind -> extensions its name may have (the first is the one a name without one gets)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt", ".text", ".md", ".csv"),
}
# Names that promise content a browser or the desktop would run or render.
ACTIVE_EXTENSIONS = {
    ".htm", ".html", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs",
    ".hta", ".vbs", ".ps1", ".bat", ".cmd", ".sh", ".exe", ".msi", ".jar", ".php",
    ".swf", ".lnk", ".scr", ".com", ".pif", ".url", ".desktop",
}  # fmt: skip
# Markup or script inside a "text" file: refused, whatever the name.
ACTIVE_TEXT = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|"
    rb"form|img|a\s|\?xml|xsl)|^\s*#!|javascript\s*:",
    re.IGNORECASE,
)
# PDF features that run something when the document is opened.
ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia)\b")
TEXT_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    name: str


def _kind_of(data: bytes) -> str | None:
    """The kind the whole content is, or None."""
    if data.startswith(b"%PDF-"):
        tail = data[-2048:]
        return "application/pdf" if b"%%EOF" in tail else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png" if data.rstrip(b"\x00").endswith(PNG_END) else None
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg" if data.rstrip(b"\x00").endswith(b"\xff\xd9") else None
    if TEXT_CONTROLS.search(data):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def safe_name(raw: str, kind: str) -> str:
    """The last part of the name, in printable characters, with an extension of `kind`."""
    base = PureWindowsPath(PurePosixPath(raw or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^\w .()\-]", "_", stem).strip(" .") or "vedlegg"
    ext = "." + ext.lower() if ext else ""
    if ext not in EXTENSIONS[kind]:
        ext = EXTENSIONS[kind][0]
    return stem[: 200 - len(ext)] + ext


def check_upload(
    upload: UploadedFile, *, kinds: tuple[str, ...] = tuple(EXTENSIONS)
) -> CheckedFile:
    """The upload's kind (from all of its content) and a safe name; ValidationError with a
    Norwegian message when the file is not one Laget takes."""
    name = upload.name or ""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = _kind_of(data)
    ext = PurePosixPath(name.lower()).suffix
    if ext in ACTIVE_EXTENSIONS or (kind == "text/plain" and ACTIVE_TEXT.search(data)):
        raise ValidationError(
            _("%(name)s can contain active content (web pages, SVG, scripts). Save it as "
              "PDF and send that instead.") % {"name": name}
        )  # fmt: skip
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("%(name)s is a kind of file Laget does not take, or it is damaged. "
              "Send PDF, PNG, JPEG or plain text.") % {"name": name}
        )  # fmt: skip
    if kind == "application/pdf" and ACTIVE_PDF.search(data):
        raise ValidationError(
            _("%(name)s is a PDF with scripts or embedded files. Print it to a new PDF and "
              "send that instead.") % {"name": name}
        )  # fmt: skip
    claimed = next((k for k, exts in EXTENSIONS.items() if ext in exts), None)
    if claimed is not None and claimed != kind:
        raise ValidationError(
            _("%(name)s is not what its name says (the content is not %(ext)s). Check the "
              "file and send it again.") % {"name": name, "ext": ext}
        )  # fmt: skip
    return CheckedFile(kind=kind, name=safe_name(name, kind))
