"""Small files of every accepted document type, and hostile ones, built in memory by the tests (no binaries
are committed). Used by the tests of ddm.documents, One Plan documents and capacity attachments."""

import io
import struct
import zipfile
import zlib

import xlsxwriter

OOXML = "application/vnd.openxmlformats-officedocument"
DOCX_MAIN = f"{OOXML}.wordprocessingml.document.main+xml"
PPTX_MAIN = f"{OOXML}.presentationml.presentation.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CSV = "Municipality,Post,Filled\nEC157,Town planner,yes\nEC157,Engineer – civil,no\n".encode("utf-8-sig")
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."


def png():
    """A valid 1 x 1 grey PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main_part, main_type, extra=()):
    """A minimal Office Open XML package: content types, package relationships, the main part (and extras)."""
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{main_part}"/></Relationships>')
    return _zip([("[Content_Types].xml", types), ("_rels/.rels", rels), (main_part, "<document/>"), *extra])


def docx(extra=()):
    return ooxml("word/document.xml", DOCX_MAIN, extra)


def pptx():
    return ooxml("ppt/presentation.xml", PPTX_MAIN)


def xlsx():
    """A real workbook written by xlsxwriter."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Positions").write_row(0, 0, ["Role", "Filled"])
    book.close()
    return buffer.getvalue()


def xlsm():
    """A macro-enabled workbook (what Excel writes as .xlsm): macroEnabled main part and xl/vbaProject.bin."""
    return ooxml("xl/workbook.xml", XLSM_MAIN, [("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 Attribute VB_Name")])


def opendocument(mimetype, extra=()):
    """OpenDocument: the stored `mimetype` member first, then the content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", compress_type=zipfile.ZIP_DEFLATED)
        for name, data in extra:
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt(extra=()):
    return opendocument("application/vnd.oasis.opendocument.text", extra)


def ods():
    return opendocument("application/vnd.oasis.opendocument.spreadsheet")


def zip_bomb():
    """A .docx whose one part expands 8 MB of zeros from a few kB."""
    return docx([("word/media/filler.bin", b"\x00" * (8 * 1024 * 1024))])


# name -> (bytes, Content-Type served back): one file of each accepted type.
ACCEPTED = {
    "plan.pdf": (PDF, "application/pdf"),
    "minutes.docx": (docx(), f"{OOXML}.wordprocessingml.document"),
    "budget.xlsx": (xlsx(), f"{OOXML}.spreadsheetml.sheet"),
    "slides.pptx": (pptx(), f"{OOXML}.presentationml.presentation"),
    "notes.odt": (odt(), "application/vnd.oasis.opendocument.text"),
    "sheet.ods": (ods(), "application/vnd.oasis.opendocument.spreadsheet"),
    "map.png": (png(), "image/png"),
    "photo.jpg": (JPEG, "image/jpeg"),
    "photo.JPEG": (JPEG, "image/jpeg"),
    "posts.csv": (CSV, "text/csv"),
}

# name -> (bytes, words the refusal must contain besides the file's name).
HOSTILE = {
    "report.pdf": (HTML, ["not a PDF document", "web page"]),
    "budget.xlsx": (xlsm(), ["macro"]),
    "minutes.docx": (docx([("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")]), ["macros", "word/vbaProject.bin"]),
    "letter.docx": (ooxml("word/document.xml", DOCM_MAIN), ["macro-enabled"]),
    "empty.pdf": (b"", ["empty"]),
    "setup.exe": (EXE, [".exe files are not accepted", "programs"]),
    "invoice.pdf": (EXE, ["Windows program"]),
    "logo.svg": (SVG, [".svg files are not accepted", "scripts"]),
    "page.html": (HTML, [".html files are not accepted"]),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, [".doc files are not accepted", ".docx"]),
    "slides.xlsx": (pptx(), ["not an Excel workbook", "main part"]),
    "notes.odt": (odt([("Basic/Standard/Module1.xml", "<script/>")]), ["macros", "Basic/"]),
    "sheet.ods": (odt(), ["opendocument.text", "expected"]),
    "table.csv": (HTML, ["web page"]),
    "utf16.csv": ("a,b\n1,2\n".encode("utf-16"), ["NUL"]),
    "bomb.docx": (zip_bomb(), ["zip bomb"]),
    "README": (b"plain text", ["without an extension"]),
}
