"""Attached documents (One Plan phase documents, capacity hub attachments): which files users may attach, and
how they are served back.

A file is accepted only when its extension is on the list below AND its content is that type: the magic
bytes of PDF, PNG and JPEG; for Word, Excel and PowerPoint a zip whose [Content_Types].xml declares the
right main part; for OpenDocument a zip whose first member `mimetype` names the right type; for CSV text
that is not markup. Macro-enabled content (vbaProject.bin, macroEnabled main parts, OpenDocument Basic
or Scripts) is refused, as are zip bombs, empty files and files over the size limit. Every refusal is a
DocumentRefused whose message names the file and the reason.

Files are served only as downloads (`download_response`): Content-Disposition attachment with a safe
filename, the type's own Content-Type, nosniff and a sandboxing Content-Security-Policy, so a browser
never renders an uploaded file as a page of this site.
"""

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.http import FileResponse, Http404

# Zip members and sizes beyond which an Office or OpenDocument file is refused before anything is read.
MAX_ZIP_MEMBERS = 10_000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # uncompressed / compressed of one member larger than 1 MB (XML is ~5-30x)
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # [Content_Types].xml is a few kB
SNIFF_BYTES = 64 * 1024


class DocumentRefused(ValueError):
    """A file that may not be attached; the message names the file and says why."""


@dataclass(frozen=True)
class DocumentType:
    label: str  # "a PDF document": completes "the content is not ..."
    content_type: str
    check: Callable[[IO[bytes]], str | None]  # the reason the content is not this type, or None


# --- content checks: each reads the file object and says what is wrong, or None ------------------


def _magic(prefix: bytes, what: str) -> Callable[[IO[bytes]], str | None]:
    def check(handle: IO[bytes]) -> str | None:
        head = handle.read(len(prefix))
        return None if head == prefix else f"it does not start like {what} ({_describe(head + handle.read(16))})"
    return check


def _describe(head: bytes) -> str:
    """What the first bytes of a file look like, for a refusal message."""
    known = {b"%PDF": "it is a PDF document", b"\x89PNG": "it is a PNG image", b"\xff\xd8\xff": "it is a JPEG image",
             b"GIF8": "it is a GIF image", b"PK\x03\x04": "it is a zip archive", b"MZ": "it is a Windows program",
             b"\x7fELF": "it is a program", b"\xd0\xcf\x11\xe0": "it is an old-format Office file (.doc/.xls/.ppt)",
             b"\x1f\x8b": "it is a gzip archive", b"Rar!": "it is a RAR archive"}
    for magic, name in known.items():
        if head.startswith(magic):
            return name
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"<"):
        return "it is a web page or XML (markup)"
    return "its first bytes are of another kind"


def _csv(handle: IO[bytes]) -> str | None:
    sample = handle.read(SNIFF_BYTES)
    if b"\x00" in sample:
        return "it holds binary data (NUL bytes); save it as 'CSV UTF-8'"
    if sample.startswith(codecs.BOM_UTF8):
        sample = sample[len(codecs.BOM_UTF8):]
    if sample.lstrip().startswith(b"<"):
        return "it is a web page or XML (markup), not comma-separated text"
    for encoding in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample)  # final=False: a cut character at the end is fine
            return None
        except UnicodeDecodeError:
            continue
    return "it is not text in UTF-8 or Windows-1252"


def _open_zip(handle: IO[bytes]) -> tuple[zipfile.ZipFile | None, str | None]:
    """The archive, or the reason it cannot be one we read (damaged, a zip bomb, macros)."""
    try:
        archive = zipfile.ZipFile(handle)
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        return None, f"it is not a valid zip-based file (damaged, or of another kind: {exc})"
    if len(members) > MAX_ZIP_MEMBERS:
        return None, f"it holds {len(members):,} parts (limit {MAX_ZIP_MEMBERS:,})"
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO:
            return None, (f"part {member.filename} expands {ratio:.0f} times (limit {MAX_MEMBER_RATIO}); "
                          "this looks like a zip bomb")
    if total > MAX_UNZIPPED_BYTES:
        return None, f"it expands to {total / 1048576:.0f} MB (limit {MAX_UNZIPPED_BYTES / 1048576:.0f} MB)"
    macros = [m.filename for m in members if m.filename.rsplit("/", 1)[-1].lower() in ("vbaproject.bin", "vbadata.xml")]
    macros += [m.filename for m in members if m.filename.startswith(("Basic/", "Scripts/"))]  # OpenDocument macros
    if macros:
        return None, f"it contains macros ({macros[0]}); save it again without macros"
    return archive, None


def _ooxml(main_type: str, plain: str) -> Callable[[IO[bytes]], str | None]:
    """Word/Excel/PowerPoint: a zip whose [Content_Types].xml declares `main_type` for the main part."""
    def check(handle: IO[bytes]) -> str | None:
        archive, problem = _open_zip(handle)
        if archive is None:
            return problem
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError:
            return "it is a zip archive without [Content_Types].xml, not an Office document"
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            return f"its [Content_Types].xml is {info.file_size:,} bytes (limit {MAX_CONTENT_TYPES_BYTES:,})"
        declared = archive.read(info)
        if b"macroEnabled" in declared or b"vbaProject" in declared:
            return f"it is macro-enabled (its main part declares macros); save it as {plain}"
        if main_type.encode() not in declared:
            return f"its main part is not of the kind {plain} has (e.g. a template, or another Office type)"
        return None
    return check


def _opendocument(mimetype: str) -> Callable[[IO[bytes]], str | None]:
    """OpenDocument: a zip whose first member is `mimetype`, holding exactly the type's name."""
    def check(handle: IO[bytes]) -> str | None:
        archive, problem = _open_zip(handle)
        if archive is None:
            return problem
        members = archive.infolist()
        if not members or members[0].filename != "mimetype" or members[0].file_size > 200:
            return "it is a zip archive without the OpenDocument 'mimetype' part first"
        found = archive.read(members[0]).decode("ascii", "replace")
        return None if found == mimetype else f"its type is '{found}', expected '{mimetype}'"
    return check


OOXML = "application/vnd.openxmlformats-officedocument"
ACCEPTED: dict[str, DocumentType] = {
    ".pdf": DocumentType("a PDF document", "application/pdf", _magic(b"%PDF-", "a PDF document (%PDF-)")),
    ".docx": DocumentType("a Word document (.docx)", f"{OOXML}.wordprocessingml.document",
                          _ooxml(f"{OOXML}.wordprocessingml.document.main+xml", ".docx")),
    ".xlsx": DocumentType("an Excel workbook (.xlsx)", f"{OOXML}.spreadsheetml.sheet",
                          _ooxml(f"{OOXML}.spreadsheetml.sheet.main+xml", ".xlsx")),
    ".pptx": DocumentType("a PowerPoint presentation (.pptx)", f"{OOXML}.presentationml.presentation",
                          _ooxml(f"{OOXML}.presentationml.presentation.main+xml", ".pptx")),
    ".odt": DocumentType("an OpenDocument text (.odt)", "application/vnd.oasis.opendocument.text",
                         _opendocument("application/vnd.oasis.opendocument.text")),
    ".ods": DocumentType("an OpenDocument spreadsheet (.ods)", "application/vnd.oasis.opendocument.spreadsheet",
                         _opendocument("application/vnd.oasis.opendocument.spreadsheet")),
    ".png": DocumentType("a PNG image", "image/png", _magic(b"\x89PNG\r\n\x1a\n", "a PNG image")),
    ".jpg": DocumentType("a JPEG image", "image/jpeg", _magic(b"\xff\xd8\xff", "a JPEG image")),
    ".jpeg": DocumentType("a JPEG image", "image/jpeg", _magic(b"\xff\xd8\xff", "a JPEG image")),
    ".csv": DocumentType("a CSV file", "text/csv", _csv),
}
ACCEPTED_TEXT = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods), PNG, JPEG or CSV"

# Why some common types are refused, so the message helps the user save the file in an accepted type.
REFUSED_BECAUSE = {
    **dict.fromkeys([".svg", ".svgz"], "SVG images can carry scripts; export a PNG instead"),
    **dict.fromkeys([".html", ".htm", ".xhtml", ".js", ".xml"], "web pages and scripts could run in a browser"),
    **dict.fromkeys([".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppsm"],
                    "macro-enabled Office files can carry macros; save without macros"),
    **dict.fromkeys([".doc", ".xls", ".ppt"], "old Office formats can carry macros; save as .docx, .xlsx or .pptx"),
    **dict.fromkeys([".exe", ".msi", ".bat", ".cmd", ".com", ".scr", ".ps1", ".vbs", ".sh", ".jar", ".dll", ".apk"],
                    "programs and scripts are never accepted"),
}


def _size(count: int) -> str:
    return f"{count / 1048576:.1f} MB" if count >= 1048576 else f"{count:,} bytes"


def check_document(upload: File, max_bytes: int | None = None) -> DocumentType:
    """The accepted type of an uploaded file, or DocumentRefused naming the file and the reason.

    max_bytes: the size limit (default DDM_MAX_UPLOAD_BYTES, the site's upload limit)."""
    name = Path(upload.name or "").name or "the file"
    limit = settings.DDM_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    extension = Path(name).suffix.lower()
    kind = ACCEPTED.get(extension)
    if kind is None:
        what = f"{extension} files are" if extension else "a file without an extension is"
        because = f" ({REFUSED_BECAUSE[extension]})" if extension in REFUSED_BECAUSE else ""
        raise DocumentRefused(f"{name}: {what} not accepted{because}; accepted: {ACCEPTED_TEXT}.")
    if not upload.size:
        raise DocumentRefused(f"{name}: the file is empty (0 bytes).")
    if upload.size > limit:
        raise DocumentRefused(f"{name}: the file is {_size(upload.size)}, larger than the limit of {_size(limit)}.")
    upload.seek(0)
    try:
        problem = kind.check(upload)
    finally:
        upload.seek(0)
    if problem:
        raise DocumentRefused(f"{name}: the content is not {kind.label}: {problem}.")
    return kind


def safe_filename(title: str, extension: str) -> str:
    """A download name from a document's title: ASCII letters, digits, space . _ - only (accents dropped,
    anything else "_"), at most 100 characters, with the stored file's extension."""
    stem = title[:-len(extension)] if extension and title.lower().endswith(extension.lower()) else title
    stem = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))  # Ü -> U
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem).strip(" ._")[:100].strip(" ._")
    return f"{stem or 'document'}{extension}"


def download_response(stored: File, title: str) -> FileResponse:
    """A stored document as a download that no browser renders in place (see the module docstring)."""
    extension = Path(stored.name or "").suffix.lower()
    kind = ACCEPTED.get(extension)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(f"The file of '{title}' is missing from the document store.") from exc
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(title, extension),
                            content_type=kind.content_type if kind else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
