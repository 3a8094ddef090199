"""The downloadable XLSX template: instructions, a data sheet whose headers the importer knows,
drop-down lists (sector, budget kind, location precision, catalytic yes/no), and the lists."""

import io

import xlsxwriter

from ddm.accounts.models import OrganisationKind, Sphere
from ddm.investment.models import BudgetKind, Precision, Sector

COLUMNS = [
    ("Project ID", 14, "Your own reference; keep it stable between submissions (it is how re-imports match)."),
    ("Project name", 40, "Required."),
    ("Description", 40, ""),
    ("Sector", 26, "Choose from the list."),
    ("Status", 16, "Stage as you report it (planning, design, construction, ...)."),
    ("Start date", 12, "e.g. 2020-04-01"),
    ("End date", 12, ""),
    ("Catalytic", 10, "yes or no"),
    ("Implementing agent", 24, ""),
    ("Local municipality", 24, "Name or MDB code (EC157, ETH); several: EC153; EC154 (equal shares)."),
    ("District", 20, "Name or code (DC15) when no municipality is known."),
    ("Ward", 10, "8-digit ward code, or the ward number with the municipality."),
    ("Town", 18, "Town or village (old names are understood)."),
    ("Latitude", 12, "Decimal degrees (-29.8587) or 29°51'31\"S."),
    ("Longitude", 12, "Decimal degrees (31.0218) or 31°01'18\"E."),
    ("Precision", 14, "Optional: how exact the location is."),
    ("Kind", 12, "budget, adjusted, actual or planned (default budget)."),
    ("Budget 2024/25 (R'000)", 16, "One column per financial year; the unit in the header."),
    ("Budget 2025/26 (R'000)", 16, ""),
    ("Budget 2026/27 (R'000)", 16, ""),
]

INSTRUCTIONS = [
    "DDM Hub project and budget template",
    "",
    "Fill in the 'Projects' sheet, one row per project. Keep the header row; you may add title rows above it,",
    "reorder columns, or add your own columns (they are kept as extra attributes).",
    "Amounts: one column per financial year (e.g. 'Budget 2025/26 (R'000)'), or instead two columns",
    "'Financial year' (2025/26, or a span 2025/26-2027/28) and 'Amount', one row per project per year.",
    "Write financial years in full (2025/26): a bare year such as 2025 is refused because departments and",
    "municipalities mean different years by it. Units: R, R'000, R million (Rm), R billion (bn).",
    "Blank, '-' and 'nil' mean no amount (not zero). Amounts may not be negative.",
    "Location: coordinates, or a ward, town, local municipality, district or province (name or code).",
    "Several places separated by ';' share the project equally. No location: the project is kept as unmapped.",
    "Upload at /investment/submissions/new/ (you see a preview before anything is written),",
    "or run: ddm import projects FILE --organisation YOUR-ORGANISATION-CODE",
    "Errors name the sheet, row and column. Rejected rows can be downloaded with an 'errors' column,",
    "fixed and uploaded again as they are.",
]

LISTS = {
    "Sector": [label for _value, label in Sector.choices],
    "Kind": [value for value, _label in BudgetKind.choices],
    "Precision": [value for value, _label in Precision.choices],
    "Catalytic": ["yes", "no"],
    "Organisation sphere": [value for value, _label in Sphere.choices],
    "Organisation kind": [value for value, _label in OrganisationKind.choices],
}


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#e8eef5"})
    intro = book.add_worksheet("Instructions")
    intro.set_column(0, 0, 110)
    for row, line in enumerate(INSTRUCTIONS):
        intro.write_string(row, 0, line, bold if row == 0 else None)
    data = book.add_worksheet("Projects")
    lists = book.add_worksheet("Lists")
    for column, (name, width, note) in enumerate(COLUMNS):
        data.set_column(column, column, width)
        data.write_string(0, column, name, bold)
        if note:
            data.write_comment(0, column, note)
    data.freeze_panes(1, 2)
    for column, (name, values) in enumerate(LISTS.items()):
        lists.write_string(0, column, name, bold)
        for row, value in enumerate(values, start=1):
            lists.write_string(row, column, value)
        lists.set_column(column, column, 30)
    headers = [c[0] for c in COLUMNS]
    for name in ("Sector", "Kind", "Precision", "Catalytic"):
        column = headers.index(name)
        source_col = list(LISTS).index(name)
        letter = chr(ord("A") + source_col)
        data.data_validation(1, column, 5000, column, {
            "validate": "list", "source": f"=Lists!${letter}$2:${letter}${len(LISTS[name]) + 1}",
            "error_type": "warning", "error_message": f"Choose a {name.lower()} from the list.",
        })
    book.close()
    return buffer.getvalue()
