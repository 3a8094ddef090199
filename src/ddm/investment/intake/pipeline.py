"""The one intake pipeline for project and budget spreadsheets (CLI, web upload, API, demo).

``run_import(source, organisation, user, channel, dry_run=False, accept_valid=False, sheet=None,
progress=None, filename=None, submission=None) -> Submission``

1. The file is opened with ddm.tabular (size, zip-bomb and type checks) and kept with the
   submission; each sheet's header row is found under any title block (rows.SYNONYMS).
2. Rows stream in chunks of CHUNK rows: each is parsed (rows.RowParser), its points located in
   one batch (places locator), its place names resolved (locating.Resolver).
3. Rows are grouped into projects by reference (or a derived ``auto-…`` reference, with a warning,
   when the file has no reference column). The same reference on several rows is one project:
   its budget lines are the union of the rows' lines (the same year and kind twice with different
   amounts is a blocking conflict, as are different project details), its places the union of
   the rows' places, in equal shares.
4. Each chunk is compared with the register (one query per table per chunk) and written with
   bulk operations that record history (the submitting user is the history user):
   new projects/lines/locations are created, changed ones updated; unchanged ones are untouched,
   so importing the same file twice changes nothing. Lines the file does not mention are kept
   (a file never deletes); a blank cell never clears a stored detail; a project's places are
   replaced by the file's when the file gives any (stale places are removed at the end).
5. Everything runs in one transaction. With blocking errors and not ``accept_valid``, or with
   ``dry_run``, it is rolled back: nothing is written but the counts say what would have been.
   With ``accept_valid`` the rows without errors are written and rejected rows are kept on the
   submission (downloadable as XLSX with an "errors" column, re-importable after fixing).

Progress (rows done) goes to ``progress(done, total)`` and to a small file under
DDM_VAR_DIR/progress/ that the web page reads while a background import runs (the database row
cannot show it: the import's transaction is not visible to other connections until it ends).
"""

import json
import math
import os
import socket
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ddm import caching
from ddm.investment.intake.diff import Diff
from ddm.investment.intake.history import insert_created_history
from ddm.investment.intake.locating import PlaceError, Resolver, Spot, split_places, ward_numbers
from ddm.investment.intake.options import home_context, home_spot, row_options, stated_options
from ddm.investment.intake.rows import PATTERNS, REQUIRED, SYNONYMS, RowParser, derived_reference
from ddm.investment.models import BudgetLine, Location, Precision, Project, Submission, SubmissionStatus
from ddm.numbers import rand_exact
from ddm.places.lookups import outside_sa_hint
from ddm.tabular import HeaderError, IssueLog, TableError, detect_header, open_table

CHUNK = 2000
PROJECT_UPDATE_FIELDS = ["title", "description", "sector", "status", "start_date", "end_date", "catalytic",
                         "implementing_agent", "extra", "submission", "updated"]
MAX_REJECTED_KEPT = 20000


class _Rollback(Exception):
    pass


def progress_path(submission_id):
    return Path(settings.VAR_DIR) / "progress" / f"submission-{submission_id}.json"


def read_progress(submission):
    """(done, total) of a running import, from its progress file; None when not running."""
    try:
        data = json.loads(progress_path(submission.pk).read_text())
        return data["done"], data.get("total")
    except (OSError, ValueError, KeyError):
        return None


ABANDONED_NOTE = ("the import's process stopped (killed, crashed or the server restarted) before it finished; "
                  "nothing of it was written (its transaction was rolled back): import the file again")


def fail_abandoned(submissions=None):
    """Mark running submissions whose process is gone as failed; returns how many.

    Called when the job worker starts, before each background job and when a running submission's
    page is shown, so no submission stays "running" for ever after a kill. An import writes in one
    transaction, so the database has already rolled back whatever a dead process wrote."""
    queryset = Submission.objects.filter(status=SubmissionStatus.RUNNING)
    if submissions is not None:
        queryset = queryset.filter(pk__in=[s.pk for s in submissions])
    dead = [pk for pk in queryset.values_list("pk", flat=True) if not _process_alive(pk)]
    if dead:
        Submission.objects.filter(pk__in=dead, status=SubmissionStatus.RUNNING).update(
            status=SubmissionStatus.FAILED, note=ABANDONED_NOTE, finished=timezone.now())
        for pk in dead:
            progress_path(pk).unlink(missing_ok=True)
    return len(dead)


def _process_alive(submission_id):
    try:
        data = json.loads(progress_path(submission_id).read_text())
    except (OSError, ValueError):
        return False  # a live import writes its progress file before it is marked running
    if data.get("host") != socket.gethostname() or not data.get("pid"):
        return True  # another machine's process: it cannot be checked from here
    try:
        os.kill(int(data["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, ValueError):
        return True
    return True


def start_submission(source, organisation, user, channel, filename=None, sheet=None, dry_run=False,
                     accept_valid=False, options=None):
    """Create the Submission and keep the source file with it. ``options``: {"years": "start"|"end",
    "unit": "1000"} as the submitter stated them (see intake/options.py)."""
    filename = os.path.basename(filename or getattr(source, "name", "") or str(source))
    submission = Submission.objects.create(
        organisation=organisation, user=user if getattr(user, "pk", None) else None, channel=channel,
        filename=filename[:255], sheet=sheet or "", dry_run=dry_run, accept_valid=accept_valid,
        status=SubmissionStatus.PENDING, options=stated_options(organisation, options),
    )
    data = _source_bytes(source)
    if data is not None:
        submission.source_file.save(filename or "upload", ContentFile(data), save=True)
    return submission


def _source_bytes(source):
    if isinstance(source, (str, os.PathLike)):
        size = os.path.getsize(source)
        if size > settings.DDM_MAX_UPLOAD_BYTES:
            return None  # refused by open_table with the reason; not kept
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(settings.DDM_MAX_UPLOAD_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    return None if len(data) > settings.DDM_MAX_UPLOAD_BYTES else data


def run_import(source, organisation, user=None, channel="cli", dry_run=False, accept_valid=False, sheet=None,
               progress=None, filename=None, submission=None, options=None):
    """Import projects and budgets from a file for one organisation; see the module docstring."""
    if submission is None:
        submission = start_submission(source, organisation, user, channel, filename, sheet, dry_run, accept_valid,
                                      options)
    else:
        user = user or submission.user
    run = ImportRun(submission, organisation, user, progress)
    run.write_progress()  # names this process first, so fail_abandoned can tell a live import from a dead one
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RUNNING)
    try:
        if submission.source_file:
            submission.source_file.open("rb")
            tables = open_table(submission.source_file, submission.filename, sheet=sheet or None)
        else:
            tables = open_table(source, submission.filename, sheet=sheet or None)
        run.execute(tables, dry_run, accept_valid)
    except TableError as exc:
        run.log.error(str(exc), file=submission.filename)
        run.finish(SubmissionStatus.REJECTED)
    except Exception:
        run.finish(SubmissionStatus.FAILED, note="the import stopped on an internal error; nothing was written")
        raise
    finally:
        if submission.source_file:
            submission.source_file.close()
        progress_path(submission.pk).unlink(missing_ok=True)
    return submission


class ImportRun:
    """The state of one import: counts, issues, the references seen so far."""

    def __init__(self, submission, organisation, user, progress=None):
        self.submission = submission
        self.organisation = organisation
        self.user = user if getattr(user, "pk", None) else None
        self.progress = progress
        self.log = IssueLog(file=submission.filename)
        self.resolver = Resolver()
        self.seen = {}  # reference -> bit mask of the line keys its accepted rows stated
        self.line_bits = {}  # line key (kind, fy_first, fy_last) -> its bit
        self.stale = {}  # location id -> (reference, Location) the file does not state (any more)
        self.created, self.updated = set(), set()
        self.rows_read = 0
        self.rejected = []  # {"sheet", "row", "values", "errors"}
        self.rejected_count = 0
        self.header_texts = {}
        self.done = 0
        self.total = None
        self.first_rows = {}  # reference -> "sheet row N" of its first accepted row (to name it in a conflict)
        self.conflicts = 0  # rows contradicting an earlier accepted row of their project: the file is refused
        self.options = row_options(submission)
        self.home = home_spot(self.resolver, organisation)  # a municipality's own area, for "Whole of the Metro"
        self.unit_statements = []
        self.resolver.home_province, self.resolver.home_codes = home_context(self.resolver, organisation)
        self.diff = Diff()  # what the file changes in the register, for reviewers

    # -- running -------------------------------------------------------------------------------

    def execute(self, tables, dry_run, accept_valid):
        try:
            with transaction.atomic():
                refused = []
                for table in tables:
                    try:
                        self._table(table)
                    except HeaderError as exc:  # e.g. an instructions sheet: other sheets may hold data
                        refused.append((table.sheet, exc))
                self._report_refused(refused, len(tables))
                self.remove_stale()
                self._report_empty()
                if dry_run or (self.log.blocking and not accept_valid) or self.conflicts:
                    raise _Rollback
                caching.bump_after_commit()  # bulk writes send no signals; before the status says "committed"
        except _Rollback:
            pass
        status = self._status(dry_run, accept_valid)
        self.finish(status)

    def remove_stale(self):
        """Delete (with history) the locations of projects whose places the file restated."""
        reason = f"import: submission {self.submission.pk} ({self.submission.filename})"[:100]
        for reference, location in self.stale.values():
            location._history_user = self.user
            location._change_reason = reason
            location.delete()
            if reference not in self.created:
                self.updated.add(reference)
                self.diff.places_changed(reference, "")
        self.stale = {}

    def _report_refused(self, refused, table_count):
        if len(refused) == table_count:  # no sheet had a usable header: that is the file's error
            for sheet, exc in refused:
                self.log.error(str(exc), sheet=sheet)
        else:
            for sheet, exc in refused:
                self.log.warning(f"sheet skipped: {exc}", sheet=sheet)

    def _report_empty(self):
        if self.rows_read == 0 and not self.log.blocking:
            self.log.warning("no data rows below the header: nothing to import", sheet="")

    def _status(self, dry_run, accept_valid):
        if self.conflicts and accept_valid:
            self.log.error(f"{self.conflicts} row(s) contradict an earlier row of the same project (see above): "
                           "nothing was written, also not the valid rows, since the earlier row would be half of "
                           "a project; state each project's details and amounts once and import again", sheet="")
            return SubmissionStatus.REJECTED
        if self.log.blocking and not accept_valid:
            return SubmissionStatus.REJECTED
        if dry_run:
            return SubmissionStatus.PREVIEW
        return SubmissionStatus.PARTIAL if self.rejected_count else SubmissionStatus.COMMITTED

    def _table(self, table):
        self.log.sheet = table.sheet
        if table.hidden:
            self.log.warning("this sheet is hidden in the workbook; its rows are read like the others (delete the "
                             "sheet if it is not meant to be imported)", sheet=table.sheet)
        header, data_rows = detect_header(table, SYNONYMS, REQUIRED, PATTERNS, filename=table.filename,
                                          sheet=table.sheet, two_rows=True)
        self.total = (self.total or 0) + (table.total_rows or 0)
        self.header_texts[table.sheet] = header.texts
        parser = RowParser(header, self.options)
        self.unit_statements.append(((table.sheet + ": ") if table.sheet else "") + parser.unit_statement)
        self._header_warnings(parser, header)
        chunk = []
        for number, values in data_rows:
            chunk.append(parser.parse(number, values))
            if len(chunk) >= CHUNK:
                self._chunk(chunk, parser, table.sheet)
                chunk = []
        if chunk:
            self._chunk(chunk, parser, table.sheet)

    def _header_warnings(self, parser, header):
        extra = [c.label for c in header.extra if c.field != "errors"]
        if extra:
            self.log.warning(f"columns not recognised, kept as extra attributes: {', '.join(extra)}",
                             row=header.row)
        if parser.derived_references:
            self.log.warning("no project reference column: each project gets a reference derived from its "
                             "name and place (auto-…); add a reference column to keep them stable if names "
                             "change", row=header.row)
        for column, error in parser.year_errors:
            self.log.error(f"the column header does not say which financial year: {error}", row=header.row,
                           column=column.label, value=column.text)

    def _chunk(self, rows, parser, sheet):
        self._locate(rows)
        for row in rows:
            if not row.skipped and not row.reference:
                row.reference = derived_reference(row.fields.get("title"), row.places)
                if not parser.derived_references:
                    row.warn(parser.fields.get("reference"), None, f"no reference: {row.reference} derived "
                             "from the name and place")
        writer = Writer(self)
        writer.load({row.reference for row in rows if not row.skipped and not row.errors})
        accepted = {}
        for row in rows:
            self.done += 1
            if row.skipped:
                self._issues(row, sheet)
                continue
            self.rows_read += 1
            if not row.errors:
                if not row.spots and row.reference not in self.seen and row.reference not in accepted:
                    row.warn(None, None, "no location: the project is kept as unmapped")
                self._merge(accepted, row, writer)
            self._issues(row, sheet)
            if row.errors:
                self._reject(row, sheet)
        if accepted:  # written even after an error: the transaction is rolled back, the counts stay true
            writer.write(accepted)
        self._report_progress()

    # -- grouping ------------------------------------------------------------------------------

    def _line_bits(self, keys):
        mask = 0
        for key in keys:
            if key not in self.line_bits:
                self.line_bits[key] = 1 << len(self.line_bits)
            mask |= self.line_bits[key]
        return mask

    def _earlier(self, reference, accepted, writer, names):
        """(fields, {line key: amount}) stated for this project by earlier rows of this file.

        Rows of earlier chunks are already in the database (in this import's transaction), so only
        a bit mask of the line keys they stated is kept per reference: memory stays small."""
        group = accepted.get(reference)
        if group is not None:
            return group.plain_fields(), {key: value[0] for key, value in group.lines.items()}
        if reference not in self.seen:
            return {}, {}
        project = writer.existing[reference]
        mask = self.seen[reference]
        lines = {key: line.amount for key, line in writer.lines.get(project.pk, {}).items()
                 if self.line_bits.get(key, 0) & mask}
        return {name: getattr(project, name) for name in names}, lines

    def _merge(self, accepted, row, writer):
        """Add a row to its project, or record a conflict with an earlier row of that project.

        Rows of one project may leave details blank (a long-form file often states the
        description once); two different non-blank values are a conflict."""
        fields = {k: v for k, v in row.fields.items() if k != "extra"}
        earlier_fields, earlier_lines = self._earlier(row.reference, accepted, writer, fields)
        merged_fields = {k: v for k, v in earlier_fields.items() if _filled(v)}
        for name, value in fields.items():
            old = merged_fields.get(name)
            if _filled(value) and _filled(old) and old != value:
                row.error(None, value, f"project {row.reference}: {name.replace('_', ' ')} is {old!r} on "
                          f"{self.first_rows.get(row.reference, 'an earlier row')}: one reference, one project")
                self.conflicts += 1
                return
            if not _filled(old):
                merged_fields[name] = value
        for key, (amount, _stated, _phase) in row.lines.items():
            if key in earlier_lines and earlier_lines[key] != amount:
                row.error(None, row.reference, f"project {row.reference}: {key[0]} {_years(key)} is "
                          f"{rand_exact(earlier_lines[key])} on {self.first_rows.get(row.reference, 'an earlier row')} "
                          f"and {rand_exact(amount)} here; state each amount once")
                self.conflicts += 1
                return
        previously_seen = row.reference in self.seen
        where = f"sheet {self.log.sheet!r} row {row.number}" if self.log.sheet else f"row {row.number}"
        self.first_rows.setdefault(row.reference, where)
        self.seen[row.reference] = self.seen.get(row.reference, 0) | self._line_bits(row.lines)
        group = accepted.get(row.reference)
        if group is None:
            accepted[row.reference] = Group(row, merged_fields, merge_places=previously_seen)
        else:
            group.add(row, merged_fields)

    # -- locating ------------------------------------------------------------------------------

    def _locate(self, rows):
        pointed = [r for r in rows if r.point is not None and not r.skipped]
        if pointed:
            codes = self.resolver.locate_many([r.point[0] for r in pointed], [r.point[1] for r in pointed])
            for row, code in zip(pointed, codes, strict=True):
                self._point(row, code)
        for row in rows:
            if not row.skipped:
                self._named_places(row)
                if not row.spots and not row.errors:
                    self._whole_area(row)
                if row.spots and row.precision:
                    self._stated_precision(row)

    def _whole_area(self, row):
        """A municipality's own list: no location, or "Whole of the Metro"/"Various"/"All wards", is
        the municipality's area (at municipality precision, with a warning)."""
        column, text = row.whole_area or (None, None)
        if self.home is None or row.places:
            if text is not None and not row.places:
                row.warn(column, text, "not a place: the project is kept as unmapped")
            return
        row.spots = [self.home]
        said = f"{text!r}" if text is not None else "no location"
        row.warn(column, text, f"{said}: located to the submitting municipality's whole area "
                 f"({self.home.name}, municipality precision)")

    def _stated_precision(self, row):
        """A "Precision" column may say a point is only approximate (e.g. a municipality's centre):
        the coarser stated precision is kept; a finer one than the data supports is a warning."""
        label, value, stated = row.precision
        order = [p.value for p in Precision]  # point (finest) ... national
        if stated not in order:
            row.error(label, value, f"unknown precision (use one of: {', '.join(order)})")
            return
        finest = min(order.index(s.precision) for s in row.spots)
        if order.index(stated) > finest:
            row.spots = [replace(s, precision=stated) if order.index(s.precision) < order.index(stated) else s
                         for s in row.spots]
        elif order.index(stated) < finest:
            row.warn(label, value, f"the location is only known to {row.spots[0].precision} level; "
                     f"kept as {row.spots[0].precision}")

    def _point(self, row, code):
        lat, lon = row.point
        if code is None:
            hint = outside_sa_hint(lat, lon, self.resolver.describe_point)
            row.error(row.point_column, f"{lat}, {lon}",
                      "the point is outside South Africa" + (f"; {hint}" if hint else ""))
            return
        row.spots.append(self.resolver.spot_for_municipality_code(code, lat, lon))

    def _named_places(self, row):
        province = next((text for kind, text, _c in row.places if kind == "province"), None)
        province_code = None
        if province:
            try:
                province_code = self.resolver.by_id[self.resolver.resolve(province, "province").place_id].code
            except PlaceError as exc:
                row.error(_column(row, "province"), province, str(exc))
                return
        named = self._most_specific(row)
        if named is None:
            return
        kind, text, column = named
        spots = []
        numbers = ward_numbers(text) if kind == "ward" else None
        if numbers is not None:
            self._ward_numbers(row, numbers, text, column, province_code)
            return
        for part in split_places(text):
            try:
                spots.append(self._resolve_part(row, kind, part, province_code))
            except PlaceError as exc:
                row.error(column, part, str(exc))
                continue
            note = self.resolver.notes.get(part.strip())
            if note:
                row.warn(column, part, note)
        if row.errors or not spots:
            return
        if row.spots:  # a point was given: the named place only cross-checks it
            self._cross_check(row, spots, column, text)
            return
        row.spots = spots
        if all(s.precision in (Precision.PROVINCE, Precision.NATIONAL) for s in spots):
            row.warn(column, text, "located only to a province: it counts in no zone")

    def _ward_numbers(self, row, numbers, text, column, province_code):
        """Wards given by number: of the row's municipality, else of the submitting municipality;
        several wards share the project evenly."""
        municipality = next((t for k, t, _c in row.places if k == "municipality"), None)
        try:
            if municipality is not None:
                parent = self.resolver.resolve(municipality, "municipality", province_code)
            elif self.home is not None and self.home.municipality_id:
                parent = self.home
            else:
                raise PlaceError(f"ward {text}: give the 8-digit ward code or the municipality")
            spots = [self.resolver.ward_in(parent, number, f"Ward {number}") for number in numbers]
        except PlaceError as exc:
            row.error(column, text, str(exc))
            return
        if row.spots:
            self._cross_check(row, spots, column, text)
        else:
            row.spots = spots

    def _resolve_part(self, row, kind, part, province_code):
        if kind == "ward" and part.isdigit() and len(part) <= 3:
            municipality = next((text for k, text, _c in row.places if k == "municipality"), None)
            if municipality is None:
                raise PlaceError(f"ward {part}: give the 8-digit ward code or the municipality")
            parent = self.resolver.resolve(municipality, "municipality", province_code)
            return self.resolver.ward_in(parent, int(part), part)
        return self.resolver.resolve(part, kind, province_code)

    def _most_specific(self, row):
        order = ["ward", "town", "municipality", "district", "province"]
        given = {kind: (kind, text, column) for kind, text, column in row.places}
        for kind in order:
            if kind in given:
                return given[kind]
        return None

    def _cross_check(self, row, spots, column, text):
        point = row.spots[0]
        named_municipalities = {s.municipality_id for s in spots if s.municipality_id}
        named_zones = {s.zone_id for s in spots if s.zone_id}
        if (named_municipalities and point.municipality_id not in named_municipalities) or (
            not named_municipalities and named_zones and point.zone_id not in named_zones
        ):
            found = self.resolver.by_id[point.municipality_id]
            row.warn(column, text, f"the point lies in {found.display_name} ({found.code}), not in the named "
                     "place; the point is used")

    # -- issues and rejected rows --------------------------------------------------------------

    def _issues(self, row, sheet):
        for column, value, message in row.errors:
            self.log.error(message, sheet=sheet, row=row.number, column=column, value=value)
        for column, value, message in row.warnings:
            self.log.warning(message, sheet=sheet, row=row.number, column=column, value=value)

    def _reject(self, row, sheet):
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"sheet": sheet, "row": row.number, "values": [_jsonable(v) for v in row.values],
                                  "errors": [m for _c, _v, m in row.errors]})

    def _report_progress(self):
        if self.progress:
            self.progress(self.done, self.total)
        self.write_progress()

    def write_progress(self):
        path = progress_path(self.submission.pk)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"done": self.done, "total": self.total, "pid": os.getpid(),
                                        "host": socket.gethostname()}))
        except OSError:
            pass  # progress display only

    def finish(self, status, note=""):
        errors, warnings = self.log.as_dicts()
        submission = self.submission
        submission.status = status
        submission.errors, submission.warnings = errors, warnings
        submission.rows_read = self.rows_read
        submission.rows_rejected = self.rejected_count
        submission.projects_created = len(self.created)
        submission.projects_updated = len(self.updated)
        submission.projects_unchanged = len(set(self.seen) - self.created - self.updated)
        submission.rejected_rows = {"headers": self.header_texts, "rows": self.rejected} if self.rejected else []
        submission.progress = self.done
        submission.finished = timezone.now()
        submission.options = {**(submission.options or {}), "unit_statement": "; ".join(self.unit_statements)}
        notes = [n for n in (submission.note, note) if n]
        if self.log.error_count > len(errors) or self.log.warning_count > len(warnings):
            notes.append(f"{self.log.error_count} errors and {self.log.warning_count} warnings in all; "
                         f"the first {self.log.limit} of each are listed")
        submission.note = " ".join(notes)
        if self.seen:
            self.diff.complete(self.organisation, self.seen)
        submission.diff = self.diff.as_json()
        submission.save()


class Group:
    """The rows of one project within a chunk."""

    def __init__(self, row, fields, merge_places):
        self.extra = dict(row.fields.get("extra") or {})
        self.fields = self._with_extra(fields)
        self.lines = dict(row.lines)
        self.spots = {s.key: s for s in row.spots}
        self.merge_places = merge_places

    def plain_fields(self):
        return {k: v for k, v in self.fields.items() if k != "extra"}

    def _with_extra(self, fields):
        return {**fields, "extra": self.extra} if self.extra else dict(fields)

    def add(self, row, fields):
        for key, value in (row.fields.get("extra") or {}).items():
            self.extra.setdefault(key, value)
        self.fields = self._with_extra(fields)
        self.lines.update(row.lines)
        for spot in row.spots:
            self.spots.setdefault(spot.key, spot)


def _filled(value):
    return value not in (None, "", False)


class Writer:
    """Writes one chunk of project groups: bulk creates/updates with history."""

    def __init__(self, run):
        self.run = run
        self.user = run.user
        self.reason = f"import: submission {run.submission.pk} ({run.submission.filename})"[:100]
        self.now = timezone.now()

    def load(self, references):
        """The register's projects (with lines and locations) for a chunk's references."""
        self.existing = {p.reference: p for p in Project.objects.filter(organisation=self.run.organisation,
                                                                        reference__in=list(references))}
        self.lines, self.locations = self._children(self.existing)

    def write(self, groups):
        run = self.run
        existing = {ref: self.existing[ref] for ref in groups if ref in self.existing}
        lines, locations = self.lines, self.locations
        new = [self._new_project(ref, group) for ref, group in groups.items() if ref not in existing]
        if new:
            Project.objects.bulk_create(new, batch_size=500)
            if any(p.pk is None for p in new):  # backends that do not return ids
                ids = dict(Project.objects.filter(organisation=run.organisation, reference__in=[p.reference for p in new])
                           .values_list("reference", "pk"))
                for project in new:
                    project.pk = project.id = ids[project.reference]
            insert_created_history(Project, new, self.user, self.reason, self.now)
            run.created.update(p.reference for p in new)
            for project in new:
                run.diff.project_added(project.reference, project.title)
        changed = [p for ref, p in existing.items() if self._update_fields(p, groups[ref])]
        if changed:
            bulk_update_with_history(changed, Project, PROJECT_UPDATE_FIELDS, batch_size=500,
                                     default_user=self.user, default_change_reason=self.reason)
        touched = {p.reference for p in changed}
        projects = {p.reference: p for p in new} | existing
        touched |= self._write_lines(groups, projects, lines)
        touched |= self._write_locations(groups, projects, locations)
        run.updated.update(ref for ref in touched if ref not in run.created)

    def _create(self, model, objs):
        model.objects.bulk_create(objs, batch_size=1000)
        if any(obj.pk is None for obj in objs):  # only backends that cannot return ids (none we support)
            raise RuntimeError(f"{model.__name__}: the database did not return the new ids")
        insert_created_history(model, objs, self.user, self.reason, self.now)

    def _children(self, existing):
        ids = [p.pk for p in existing.values()]
        lines, locations = {}, {}
        if ids:
            for line in BudgetLine.objects.filter(project_id__in=ids):
                lines.setdefault(line.project_id, {})[(line.kind, line.fy_first, line.fy_last)] = line
            for location in Location.objects.filter(project_id__in=ids):
                locations.setdefault(location.project_id, []).append(location)
        return lines, locations

    def _new_project(self, reference, group):
        fields = dict(group.fields.items())
        return Project(organisation=self.run.organisation, reference=reference, submission=self.run.submission,
                       created=self.now, updated=self.now, **fields)

    def _update_fields(self, project, group):
        changed = False
        for name, value in group.fields.items():
            if value in (None, "") and getattr(project, name) not in (None, ""):
                continue  # a blank cell states nothing (long-form files fill details on one row)
            if name == "sector" and "sector_inferred" in group.extra:
                continue  # an inferred sector never overwrites a stored (possibly edited) one
            if getattr(project, name) != value:
                if name != "extra":
                    self.run.diff.field_changed(project.reference, project.title, name, getattr(project, name), value)
                setattr(project, name, value)
                changed = True
        if changed:
            project.submission = self.run.submission
            project.updated = self.now
        return changed

    def _write_lines(self, groups, projects, existing_lines):
        month = self.run.organisation.fy_start_month
        new, changed, touched = [], [], set()
        for ref, group in groups.items():
            project = projects[ref]
            current = existing_lines.get(project.pk, {})
            for (kind, first, last), (amount, stated, phase) in group.lines.items():
                line = current.get((kind, first, last))
                if line is None:
                    new.append(BudgetLine(project=project, kind=kind, amount=amount, fy_first=first, fy_last=last,
                                          fy_start_month=month, stated_as=stated, phase=phase,
                                          submission=self.run.submission))
                    touched.add(ref)
                    self.run.diff.line_added(ref, project.title, kind, first, last, amount, ref in self.run.created)
                elif line.amount != amount or line.fy_start_month != month:
                    self.run.diff.line_changed(ref, project.title, kind, first, last, line.amount, amount)
                    line.amount, line.fy_start_month, line.submission = amount, month, self.run.submission
                    line.stated_as, line.phase = stated or line.stated_as, phase or line.phase
                    changed.append(line)
                    touched.add(ref)
        if new:
            self._create(BudgetLine, new)
        if changed:
            bulk_update_with_history(changed, BudgetLine, ["amount", "fy_start_month", "submission", "stated_as",
                                                           "phase"], batch_size=1000, default_user=self.user,
                                     default_change_reason=self.reason)
        return touched

    def _write_locations(self, groups, projects, existing_locations):
        """Add the places a file states; places it no longer states are removed at the end of the
        import (a project's rows may come in several chunks), see ImportRun.remove_stale."""
        new, touched = [], set()
        for ref, group in groups.items():
            if not group.spots:
                continue
            project = projects[ref]
            current = {_location_key(loc): loc for loc in existing_locations.get(project.pk, [])}
            for key, location in current.items():
                if key in group.spots:
                    self.run.stale.pop(location.pk, None)
                elif not group.merge_places:  # first rows of this project in the file
                    self.run.stale[location.pk] = (ref, location)
            missing = [spot for key, spot in group.spots.items() if key not in current]
            if missing:
                touched.add(ref)
                if ref not in self.run.created:
                    self.run.diff.places_changed(ref, project.title)
                new.extend(_location(project, spot) for spot in missing)
        if new:
            self._create(Location, new)
        return touched


def _location(project, spot):
    return Location(project=project, precision=spot.precision, latitude=spot.latitude, longitude=spot.longitude,
                    name=spot.name, place_id=spot.place_id, municipality_id=spot.municipality_id,
                    zone_id=spot.zone_id, province_id=spot.province_id)


def _location_key(location):
    return Spot(location.precision, location.name, location.latitude, location.longitude, location.place_id,
                location.municipality_id, location.zone_id, location.province_id).key


def _years(key):
    _kind, first, last = key
    if first is None:
        return "(years not stated)"
    from ddm.investment.calendar import span_label

    return span_label(first, last)


def _column(row, kind):
    return next((c.label for k, _t, c in row.places if k == kind), "")


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN/inf from a spreadsheet error cell: JSON (and SQLite's JSON_VALID) has no such number
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
