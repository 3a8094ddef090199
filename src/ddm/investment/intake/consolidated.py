"""A consolidated file: one file, many organisations (a provincial treasury's, DCoG's or the
Presidency's infrastructure list), one organisation per row.

The file is split by its organisation column ("Organisation", else "Department" / "Government
institution"), each name resolved with the row's province as context (``find_organisation``, then
the province's organisation of that name), and each part imported for its organisation through
the one pipeline, so every organisation keeps its own submissions, calendar and idempotency (the
same file twice changes nothing). The submitter must be allowed to submit for every organisation
named (``can_submit_for``: the organisations' own submitters, a consolidator in scope, an admin).

All or nothing across organisations: every part is checked first (a dry run); when a name does not
resolve, the user may not submit for one, or a part is refused (without ``accept_valid``), nothing
is written for any of them.
"""

import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ddm.accounts.access import Visitor
from ddm.accounts.models import Organisation
from ddm.accounts.services import find_organisation, normalise_organisation_name
from ddm.investment.intake.options import StatedOptions
from ddm.investment.intake.pipeline import Source, run_import
from ddm.investment.intake.rows import PATTERNS, REQUIRED, SYNONYMS
from ddm.investment.models import Submission
from ddm.places.models import Place
from ddm.tabular import HeaderError, TableError, detect_header, fill_merged_down, normalise_header, open_table


@dataclass
class Consolidated:
    """The outcome: errors that refused the whole file, or one submission per organisation."""

    errors: list[str] = field(default_factory=list)  # strings naming file, sheet, row, column, value
    submissions: list[Submission] = field(default_factory=list)
    # Each organisation name of the file: {"sheet", "text", "province", "organisation" (code, "" when not
    # found), "name", "how", "rows" (e.g. "3-5, 9")}, for the web preview.
    found: list[dict[str, str]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.errors) or any(s.status in ("rejected", "failed") for s in self.submissions)


def resolve_organisation(text: str, province: str | None = None) -> Organisation:
    """The Organisation a row names, the province breaking ties ("Health" + "KwaZulu-Natal")."""
    return resolve_organisation_how(text, province)[0]


# A column saying each row's sphere of government (the Budget Review's "administration_type"): context
# for a department's name, as the province is ("Health" on a "National" row is the national department).
SPHERE_HEADERS = {"administration type", "sphere", "sphere of government", "government sphere",
                  "level of government", "government level"}
SPHERES = {"national": "national", "provincial": "provincial", "province": "provincial", "local": "local",
           "municipal": "local", "municipality": "local"}


def _sphere(text: str | None) -> str | None:
    return SPHERES.get(str(text or "").strip().lower())


def resolve_organisation_how(text: str, province: str | None = None, sphere: str | None = None
                             ) -> tuple[Organisation, str]:
    """(Organisation, how it was found: "code", "name", "alias" or "name in <province>")."""
    try:
        found = find_organisation(text, _sphere(sphere))
        wanted = normalise_organisation_name(text)
        if str(text).strip().lower() == found.code.lower():
            return found, "code"
        return found, "name" if wanted == normalise_organisation_name(found.name) else "alias"
    except LookupError as exc:
        if not province:
            raise
        wanted = normalise_organisation_name(text)
        place = next((p for p in Place.objects.provinces() if str(province).strip().lower() in
                      (p.code.lower(), p.name.lower())), None)
        if place is None:
            raise LookupError(f"{exc}; and {province!r} is not a province") from None
        matches = [o for o in Organisation.objects.filter(province=place)
                   if wanted in {normalise_organisation_name(n) for n in [o.name, *(o.aliases or [])]}]
        if len(matches) != 1:
            raise
        return matches[0], f"name in {place.name}"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


# Where a part's rows come from: (sheet, organisation text, province text, sphere text).
PartKey = tuple[str, str, str, str]
# A part: (the title rows and the header, as rows; its data rows as text; their row numbers in the file).
Part = tuple[list[list[Any]], list[list[str]], list[int]]


def split(source: Source, filename: str, sheet: str | None = None) -> tuple[dict[PartKey, Part], list[str]]:
    """({(sheet, organisation text, province text, sphere text): (title and header rows, data rows)}, errors). Each
    part keeps the title block and the header, so units and the MTREF year read as in the whole file."""
    try:
        tables = open_table(source, filename, sheet=sheet)
    except TableError as exc:
        return {}, [str(exc)]
    parts: dict[PartKey, Part] = {}
    errors: list[str] = []
    headers_found = 0
    for table in tables:
        try:
            header, rows = detect_header(table, SYNONYMS, REQUIRED, PATTERNS, filename=table.filename,
                                         sheet=table.sheet, two_rows=True)
        except HeaderError:
            continue
        headers_found += 1
        column = header.fields.get("organisation") or header.fields.get("department")
        where = f"{table.filename}" + (f":{table.sheet}" if table.sheet else "")
        if column is None:
            errors.append(f"{where}: row {header.row}: a consolidated file needs an organisation column "
                          "(Organisation, Department or Government institution)")
            continue
        province = header.fields.get("province")
        sphere = next((c for c in header.columns if normalise_header(c.text) in SPHERE_HEADERS), None)
        lead = [[text] for _number, text in header.title_rows] + [header.texts]
        amounts = {c.index for c in [*header.all("year_amount"), *header.all("amount")]}
        rows = fill_merged_down(rows, table.merged, below=max((header.row, *header.rows_merged)), skip=amounts)
        for number, values in rows:
            if all(v is None for v in values):
                continue
            name = values[column.index] if column.index < len(values) else None
            if name is None:
                errors.append(f"{where}:{number}:{column.label}: no organisation on this row")
                continue
            place = values[province.index] if province is not None and province.index < len(values) else None
            level = values[sphere.index] if sphere is not None and sphere.index < len(values) else None
            key = (_cell_text(name).strip(), _cell_text(place).strip(), _cell_text(level).strip())
            part = parts.setdefault((table.sheet, *key), (lead, [], []))
            part[1].append([_cell_text(v) for v in values])
            part[2].append(number)
    if not headers_found and not errors:
        errors.append(f"{filename}: no sheet has a header row with a project name and an amount or year column")
    return parts, errors


def _csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def run_consolidated(source: Source, user: Visitor = None, channel: str = "cli", dry_run: bool = False,
                     accept_valid: bool = False, sheet: str | None = None, filename: str | None = None,
                     options: StatedOptions | None = None, may_submit: Callable[[Organisation], bool] | None = None,
                     write: Callable[[io.BytesIO, Organisation], Submission] | None = None) -> Consolidated:
    """Import a consolidated file; see the module docstring. ``may_submit(organisation)`` -> bool;
    ``write(part, organisation)`` -> Submission submits one organisation's part once all were checked
    (default: import it at once)."""
    filename = filename or getattr(source, "name", "") or str(source)
    result = Consolidated()
    parts, result.errors = split(source, filename, sheet)
    organisations: dict[tuple[int, str], tuple[Organisation, list[list[Any]]]] = {}
    for (sheet_name, name, province, sphere), (lead, rows, numbers) in parts.items():
        item = {"sheet": sheet_name, "text": name, "province": province, "organisation": "", "name": "",
                "how": "", "rows": _ranges(numbers)}
        result.found.append(item)
        try:
            organisation, item["how"] = resolve_organisation_how(name, province or None, sphere or None)
        except LookupError as exc:
            item["how"] = str(exc).strip(chr(34))
            result.errors.append(f"{filename}: organisation {name!r} (rows {item['rows']}): {item['how']}")
            continue
        item["organisation"], item["name"] = organisation.code, organisation.name
        if may_submit is not None and not may_submit(organisation):
            result.errors.append(f"{filename}: you may not submit for {organisation.name} ({organisation.code}), "
                                 f"named on rows {item['rows']}")
            continue
        organisations.setdefault((organisation.pk, sheet_name), (organisation, [list(r) for r in lead]))[1].extend(rows)
    if result.errors:
        return result
    if write is None:
        def write(part: io.BytesIO, organisation: Organisation) -> Submission:
            return run_import(part, organisation, user, channel, accept_valid=accept_valid, filename=part.name,
                              options=options)
    for check in ([True] if dry_run else [True, False]):
        result.submissions = []
        for organisation, rows in organisations.values():  # one part per organisation (and sheet)
            part = io.BytesIO(_csv_bytes(rows))
            part.name = f"{_stem(filename)} [{organisation.code}].csv"
            result.submissions.append(
                run_import(part, organisation, user, channel, dry_run=True, accept_valid=accept_valid,
                           filename=part.name, options=options) if check else write(part, organisation))
        if check and not dry_run and result.refused and not accept_valid:
            return result  # a part was refused: nothing is written for any organisation
    return result


def _ranges(numbers: Iterable[int]) -> str:
    """[3, 4, 5, 9] -> "3-5, 9"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _stem(filename: str) -> str:
    return os.path.splitext(os.path.basename(str(filename)))[0]
