"""Builders of hostile files for the import tests of every app (issue #15): generated in the tests, no
committed binaries. The project corpus (tests/investment/hostile_corpus.py), the indicator corpus
(tests/profiles/test_hostile_indicator_files.py) and the skills corpus
(tests/capacity/test_hostile_skills_files.py) use them.
"""

import io
import zipfile

import xlsxwriter

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def csv(rows, encoding="utf-8", sep=";"):
    return "".join(sep.join(str(v) for v in row) + "\r\n" for row in rows).encode(encoding)


def book(sheets, hidden=()):
    """A well-formed XLSX (xlsxwriter): sheets = [(name, rows)]."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        if name in hidden:
            sheet.hide()
    if hidden:
        workbook.worksheets()[[n for n, _ in sheets].index(next(n for n, _ in sheets if n not in hidden))].activate()
    workbook.close()
    return buffer.getvalue()


def raw_xlsx(sheet_xml, content_types_extra="", members=(), workbook_xml=None, drop=()):
    """A hand-made XLSX zip whose worksheet XML is given as is."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.worksheet+xml"/>{content_types_extra}</Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": workbook_xml or f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org'
        '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    parts.update(dict(members))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name not in drop:
                archive.writestr(name, data)
    return buffer.getvalue()


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows_xml, dimension=""):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0"?><worksheet {NS}>{dim}<sheetData>{rows_xml}</sheetData></worksheet>'


def letters(index):
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (50 * 1024 * 1024) + b"/>")
    return buffer.getvalue()


def ods():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()




def header_xml(header, row=1):
    """A row of inline strings (a header) at row ``row``."""
    return f'<row r="{row}">' + "".join(cell(f"{letters(c)}{row}", text) for c, text in enumerate(header, 1)) + "</row>"


def far_cell_xlsx(header):
    """The two-cell bomb: a header in row 1 and one stray cell at XFD1048576 (python-calamine would
    allocate the 17 billion cells between them)."""
    return raw_xlsx(sheet_xml(header_xml(header) + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"))


def entity_xlsx(header, row, entities, used):
    """A sheet whose second row holds ``used`` (an entity reference) after a DOCTYPE declaring ``entities``."""
    cells = "".join(cell(f"{letters(c)}2", value) for c, value in enumerate(row, 1))
    cells += cell(f"{letters(len(row) + 1)}2", used)
    xml = sheet_xml(header_xml(header) + f'<row r="2">{cells}</row>')
    return raw_xlsx(xml.replace('<?xml version="1.0"?>', f'<?xml version="1.0"?><!DOCTYPE x [{entities}]>'))


XXE = '<!ENTITY e SYSTEM "file:///etc/passwd">'
LAUGHS = '<!ENTITY a "ha">' + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                                      for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def truncated_zip(data):
    """The first 300 bytes of a workbook: a damaged download."""
    return data[:300]


def macro_xlsx(header):
    return raw_xlsx(sheet_xml(header_xml(header)), members=[("xl/vbaProject.bin", b"\x00" * 100)])


def dimension_xlsx(header, dimension="A1:XFD1048576"):
    return raw_xlsx(sheet_xml(header_xml(header), dimension=dimension))


def many_cells_xlsx(header, n_rows):
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{letters(c)}{r}"><v>1</v></c>' for c in range(1, len(header) + 1))
                   + "</row>" for r in range(2, n_rows + 2))
    return raw_xlsx(sheet_xml(header_xml(header) + rows))


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
PDF = b"%PDF-1.4\n" + b"\x00\x01" * 50
