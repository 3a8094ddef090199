"""The one intake pipeline for project and budget spreadsheets (CLI, web upload, API, demo).

``run_import(source, organisation, user, channel, dry_run=False, accept_valid=False, sheet=None,
progress=None, filename=None, submission=None) -> Submission``

1. The file is opened with ddm.tabular (size, zip-bomb and type checks) and kept with the
   submission; each sheet's header row is found under any title block (rows.SYNONYMS).
2. Rows stream in chunks of CHUNK rows: each is parsed (rows.RowParser), its points located in
   one batch (places locator), its place names resolved (locating.Resolver); the accepted rows of
   a chunk are staged (intake/staging.py) in one short transaction.
3. The staged rows are read back grouped into projects by reference (or a derived ``auto-…``
   reference, with a warning, when the file has no reference column). The same reference on several
   rows is one project: its budget lines are the union of the rows' lines (the same year and kind
   twice with different amounts is a blocking conflict, as are different project details), its
   places the union of the rows' places, in equal shares.
4. Each batch of projects is compared with the register (one query per table per batch) and what
   it would write is staged: new projects/lines/locations, changed ones with their new values;
   unchanged ones are untouched, so importing the same file twice changes nothing. Lines the file
   does not mention are kept (a file never deletes); a blank cell never clears a stored detail; a
   project's places are replaced by the file's when the file gives any.
5. With blocking errors and not ``accept_valid``, or with ``dry_run``, the staging rows are dropped:
   nothing is written but the counts say what would have been. Otherwise one short transaction
   publishes them (set-based SQL, with history rows naming the submitting user) and the
   submission's final status. With ``accept_valid`` the rows without errors are written and
   rejected rows are kept on the submission (downloadable as XLSX with an "errors" column,
   re-importable after fixing). No transaction but the last touches the register, so on SQLite
   other users keep writing while a long import runs, and a killed import leaves nothing visible.

Progress (rows done) goes to ``progress(done, total)`` and to a small file under
DDM_VAR_DIR/progress/ that the web page reads while a background import runs.
"""

import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from ddm import caching
from ddm.accounts.access import Visitor
from ddm.accounts.models import Organisation
from ddm.investment import summary
from ddm.investment.calendar import span_label
from ddm.investment.intake import staging
from ddm.investment.intake.diff import Diff
from ddm.investment.intake.locating import PlaceError, Resolver, Spot, names_no_ward, split_places, ward_numbers
from ddm.investment.intake.options import StatedOptions, home_context, home_spot, row_options, stated_options
from ddm.investment.intake.rows import (
    PATTERNS,
    REQUIRED,
    SYNONYMS,
    LineKey,
    ParsedRow,
    RowParser,
    Where,
    derived_reference,
)
from ddm.investment.intake.staging import StagedParsedRow
from ddm.investment.models import BudgetLine, Location, Precision, Project, Submission, SubmissionStatus
from ddm.jobs import progress as progress_files
from ddm.jobs.reports import finite_json
from ddm.numbers import rand_exact
from ddm.places.lookups import outside_sa_hint
from ddm.places.models import Place
from ddm.tabular import (
    Column,
    Header,
    HeaderError,
    IssueLog,
    Table,
    TableError,
    detect_header,
    fill_merged_down,
    open_table,
)

# A file to import: a path, or a binary file object (an upload, an open file, bytes in memory).
Source = str | os.PathLike[str] | IO[bytes] | File

# Reports (rows done, rows in all when known) as an import goes.
ProgressReporter = Callable[[int, int | None], None]

CHUNK = 2000
logger = logging.getLogger("ddm.intake")
MAX_REJECTED_KEPT = 20000


class _Rollback(Exception):
    pass


def _progress_name(submission_id: int) -> str:
    return f"submission-{submission_id}"


def progress_path(submission_id: int) -> Path:
    """The progress file of a submission's import (ddm.jobs.progress)."""
    return progress_files.progress_path(_progress_name(submission_id))


def read_progress(submission: Submission) -> tuple[int, int | None] | None:
    """(done, total) of a running import, from its progress file; None when not running."""
    return progress_files.read_progress(_progress_name(submission.pk))


ABANDONED_NOTE = ("the import's process stopped (killed, crashed or the server restarted) before it finished; "
                  "nothing of it was written (it publishes in one final transaction): import the file again")


def fail_abandoned(submissions: Iterable[Submission] | None = None) -> int:
    """Mark running submissions whose process is gone as failed; returns how many.

    Called when the job worker starts, before each background job and when a running submission's
    page is shown, so no submission stays "running" for ever after a kill. A dead import wrote only
    staging rows, never the register; they are deleted here."""
    queryset = Submission.objects.filter(status=SubmissionStatus.RUNNING)
    if submissions is not None:
        queryset = queryset.filter(pk__in=[s.pk for s in submissions])
    dead = [pk for pk in queryset.values_list("pk", flat=True) if not progress_files.process_alive(_progress_name(pk))]
    if dead:
        Submission.objects.filter(pk__in=dead, status=SubmissionStatus.RUNNING).update(
            status=SubmissionStatus.FAILED, note=ABANDONED_NOTE, finished=timezone.now())
        for pk in dead:
            progress_files.clear_progress(_progress_name(pk))
    staging.discard_abandoned()
    return len(dead)


@contextmanager
def running(submission: Submission) -> Iterator[None]:
    """Mark the submission running while its file is read in this process, naming the process first
    (so fail_abandoned can tell a live import from a dead one); an unexpected error marks it failed."""
    name = _progress_name(submission.pk)
    progress_files.write_progress(name)
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RUNNING)
    try:
        yield
    except Exception:
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.FAILED, note="the import stopped on an internal error; nothing was written",
            finished=timezone.now())
        raise
    finally:
        progress_files.clear_progress(name)


def start_submission(source: Source, organisation: Organisation, user: Visitor, channel: str,
                     filename: str | None = None, sheet: str | None = None, dry_run: bool = False,
                     accept_valid: bool = False, options: StatedOptions | None = None,
                     content: str = "projects") -> Submission:
    """Create the Submission and keep the source file with it. ``options``: {"years": "start"|"end",
    "unit": "1000"} as the submitter stated them (see intake/options.py); ``content``: "projects" or
    "progress" (quarterly updates, read by ddm.investment.progress)."""
    filename = os.path.basename(filename or getattr(source, "name", "") or str(source))
    submission = Submission.objects.create(
        organisation=organisation, user=user if getattr(user, "pk", None) else None, channel=channel,
        filename=filename[:255], sheet=sheet or "", dry_run=dry_run, accept_valid=accept_valid,
        status=SubmissionStatus.PENDING, options=stated_options(organisation, options), content=content,
    )
    data = _source_bytes(source)
    if data is not None:
        submission.source_file.save(filename or "upload", ContentFile(data), save=True)
    return submission


def _source_bytes(source: Source) -> bytes | None:
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


def run_import(source: Source | None, organisation: Organisation, user: Visitor = None, channel: str = "cli",
               dry_run: bool = False, accept_valid: bool = False, sheet: str | None = None,
               progress: ProgressReporter | None = None, filename: str | None = None,
               submission: Submission | None = None, options: StatedOptions | None = None) -> Submission:
    """Import projects and budgets from a file for one organisation; see the module docstring."""
    if submission is None:
        assert source is not None, "a file, or a pending submission keeping one"
        submission = start_submission(source, organisation, user, channel, filename, sheet, dry_run, accept_valid,
                                      options)
    else:
        user = user or submission.user
    run = ImportRun(submission, organisation, user, progress)
    run.write_progress()  # names this process first, so fail_abandoned can tell a live import from a dead one
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RUNNING)
    staging.discard_abandoned()  # what an import that died left behind
    try:
        try:
            run.execute(_open_tables(submission, source, sheet), dry_run, accept_valid)
        except ReadAgainInRand as again:  # rare: once, with the doubted sheets read in Rand
            staging.discard_staged(submission.pk)
            run = ImportRun(submission, organisation, user, progress)
            run.options.title_unit_doubts = again.doubts
            run.execute(_open_tables(submission, source, sheet), dry_run, accept_valid)
    except TableError as exc:
        run.log.error(str(exc), file=submission.filename)
        run.finish(SubmissionStatus.REJECTED)
    except Exception:
        staging.discard_staged(submission.pk)
        run.finish(SubmissionStatus.FAILED, note="the import stopped on an internal error; nothing was written")
        raise
    finally:
        if submission.source_file:
            submission.source_file.close()
        progress_files.clear_progress(_progress_name(submission.pk))
    return submission


def _open_tables(submission: Submission, source: Source | None, sheet: str | None) -> list[Table]:
    if submission.source_file:
        submission.source_file.open("rb")
        return open_table(submission.source_file, submission.filename, sheet=sheet or None)
    assert source is not None, "a file, or a submission keeping one"
    if hasattr(source, "seek"):
        source.seek(0)
    return open_table(source, submission.filename, sheet=sheet or None)


class ReadAgainInRand(Exception):
    """Some sheets' title-block unit does not fit their amounts: the file is read again, those in Rand."""

    def __init__(self, doubts: dict[str, str]) -> None:
        super().__init__(doubts)
        self.doubts = doubts


class ImportRun:
    """The state of one import: counts, issues, the references seen so far."""

    def __init__(self, submission: Submission, organisation: Organisation, user: Visitor,
                 progress: ProgressReporter | None = None) -> None:
        self.submission = submission
        self.organisation = organisation
        self.user = user if getattr(user, "pk", None) else None
        self.progress = progress
        self.log = IssueLog(file=submission.filename)
        self.resolver = Resolver()
        self.seen: set[str] = set()  # references of the accepted rows
        self.staged = 0  # rows staged so far (their order in the file)
        self.created: set[str] = set()
        self.updated: set[str] = set()
        self.rows_read = 0
        self.rejected: list[dict[str, Any]] = []  # {"sheet", "row", "values", "errors"}
        self.rejected_count = 0
        self.header_texts: dict[str, list[str]] = {}
        self.done = 0
        self.total: int | None = None
        self.conflicts = 0  # rows contradicting an earlier accepted row of their project: the file is refused
        self.options = row_options(submission)
        self.home = home_spot(self.resolver, organisation)  # a municipality's own area, for "Whole of the Metro"
        self.unit_statements: list[str] = []
        self.title_unit_doubts: dict[str, str] = {}  # sheet -> why its title block's unit does not fit its amounts
        self.resolver.home_province, self.resolver.home_codes = home_context(self.resolver, organisation)
        self.diff = Diff()  # what the file changes in the register, for reviewers

    # -- running -------------------------------------------------------------------------------

    def execute(self, tables: list[Table], dry_run: bool, accept_valid: bool) -> None:
        refused: list[tuple[str, HeaderError]] = []
        for table in tables:
            try:
                self._table(table)
            except HeaderError as exc:  # e.g. an instructions sheet: other sheets may hold data
                refused.append((table.sheet, exc))
        self._report_refused(refused, len(tables))
        if self.title_unit_doubts:
            raise ReadAgainInRand(self.title_unit_doubts)
        self._plan()
        self._report_empty()
        status = self._status(dry_run, accept_valid)
        if dry_run or (self.log.blocking and not accept_valid) or self.conflicts:
            staging.discard_staged(self.submission.pk)
            self.finish(status)
            return
        started = time.monotonic()
        try:
            with transaction.atomic():  # the one transaction that writes the register: short
                zones = summary.zones_of_staged(self.submission.pk)  # before publishing deletes the staging rows
                staging.Publisher(self.submission, self.organisation, self.user, self.reason, timezone.now()).publish()
                summary.refresh_with_touched(zones)  # the first page after the commit reads current sums
                # Set-based writes send no signals. They change these zones' figures only: the other
                # zones' cached pages stay in use (ddm.caching, zone-scoped values).
                caching.bump_zones_after_commit(Place.objects.filter(pk__in=zones).values_list("code", flat=True))
                self.finish(status)  # the status says "committed" exactly when the figures are visible
        except IntegrityError:
            if not self._report_taken_references():
                raise
            staging.discard_staged(self.submission.pk)
            self.finish(SubmissionStatus.REJECTED)
            return
        logger.info("submission %s: %s rows published in %.2f s (one transaction)", self.submission.pk,
                    self.rows_read, time.monotonic() - started)

    def _report_taken_references(self) -> bool:
        """After a publish refused for a duplicate reference: one error per project another import of the
        organisation registered while this one ran (the review rules publish what was checked: this file
        would have created these projects; updating them instead is a new change, for a new check).
        False when no reference was taken (the IntegrityError was something else)."""
        taken = staging.references_taken(self.submission.pk, self.organisation.pk)
        for reference, sheet, row, project in taken:
            other = project.submission
            by = f" by {other.user}" if other is not None and other.user else ""
            named = (f"submission {other.pk} ({other.filename or other.channel}{by})" if other is not None
                     else "another import")
            self.log.error(f"project {reference} was registered by {named} while this import ran: nothing of "
                           "this file was written; import it again to update that project", sheet=sheet, row=row,
                           column="reference", value=reference)
        return bool(taken)

    @property
    def reason(self) -> str:
        return f"import: submission {self.submission.pk} ({self.submission.filename})"[:100]

    def _report_refused(self, refused: list[tuple[str, HeaderError]], table_count: int) -> None:
        if len(refused) == table_count:  # no sheet had a usable header: that is the file's error
            for sheet, exc in refused:
                self.log.error(self._unplaced(exc, sheet), sheet=sheet)
        else:
            for sheet, exc in refused:
                self.log.warning(f"sheet skipped: {self._unplaced(exc, sheet)}", sheet=sheet)

    def _unplaced(self, exc: HeaderError, sheet: str) -> str:
        """The header's message without its "file:sheet: " (the issue names them once)."""
        where = f"{self.submission.filename}" + (f":{sheet}" if sheet else "") + ": "
        message = str(exc)
        return message[len(where):] if message.startswith(where) else message

    def _report_empty(self) -> None:
        if self.rows_read == 0 and not self.log.blocking:
            self.log.warning("no data rows below the header: nothing to import", sheet="")

    def _status(self, dry_run: bool, accept_valid: bool) -> str:
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

    def _table(self, table: Table) -> None:
        self.log.sheet = table.sheet
        if table.hidden:
            self.log.warning("this sheet is hidden in the workbook; its rows are read like the others (delete the "
                             "sheet if it is not meant to be imported)", sheet=table.sheet)
        header, data_rows = detect_header(table, SYNONYMS, REQUIRED, PATTERNS, filename=table.filename,
                                          sheet=table.sheet, two_rows=True)
        self.total = (self.total or 0) + (table.total_rows or 0)
        self.header_texts[table.sheet] = header.texts
        parser = RowParser(header, self.options, sheet=table.sheet)
        amounts = {column.index for column, _spec in parser.year_columns} | {
            column.index for column in [parser.fields.get("amount")] if column is not None}
        data_rows = fill_merged_down(data_rows, table.merged, below=max((header.row, *header.rows_merged)),
                                     skip=amounts)
        self.unit_statements.append(((table.sheet + ": ") if table.sheet else "") + parser.unit_statement)
        self._header_warnings(parser, header)
        if (table.sheet or "") in self.options.title_unit_doubts and parser.table_unit is None:
            self.log.warning(parser.unit_statement, row=header.row)
        chunk: list[ParsedRow] = []
        for number, values in data_rows:
            chunk.append(parser.parse(number, values))
            if len(chunk) >= CHUNK:
                self._chunk(chunk, parser, table.sheet)
                chunk = []
        if chunk:
            self._chunk(chunk, parser, table.sheet)
        doubt = parser.title_unit_doubt()
        if doubt:
            self.title_unit_doubts[table.sheet or ""] = doubt

    def _header_warnings(self, parser: RowParser, header: Header) -> None:
        extra = [c.label for c in header.extra if c.field != "errors"]
        if extra:
            self.log.warning(f"columns not recognised, kept as extra attributes: {', '.join(extra)}",
                             row=header.row)
        if parser.in_year_columns:
            self.log.warning("monthly, quarterly and year-to-date actuals kept with each project, not counted as "
                             f"the year's amounts: {', '.join(c.label for c in parser.in_year_columns)}",
                             row=header.row)
        if parser.derived_references:
            self.log.warning("no project reference column: each project gets a reference derived from its "
                             "name and place (auto-…); add a reference column to keep them stable if names "
                             "change", row=header.row)
        for column, error in parser.year_errors:
            self.log.error(f"the column header does not say which financial year: {error}", row=header.row,
                           column=column.label, value=column.text)

    def _chunk(self, rows: list[ParsedRow], parser: RowParser, sheet: str) -> None:
        self._locate(rows)
        for row in rows:
            if not row.skipped and not row.reference:
                row.reference = derived_reference(row.fields.get("title"), row.places)
                if not parser.derived_references:
                    row.warn(parser.fields.get("reference"), None, f"no reference: {row.reference} derived "
                             "from the name and place")
        staged: list[tuple[int, str, str]] = []
        for row in rows:
            self.done += 1
            if row.skipped:
                self._issues(row, sheet)
                continue
            self.rows_read += 1
            if not row.errors:
                if not row.spots and row.reference not in self.seen:
                    row.warn(None, None, "no location: the project is kept as unmapped")
                self.seen.add(row.reference)
                self.staged += 1
                staged.append((self.staged, row.reference,
                               staging.encode_row(sheet, row, [_jsonable(v) for v in row.values])))
            self._issues(row, sheet)
            if row.errors:
                self._reject(row, sheet)
        if staged:  # staged even after an error: dropped at the end, the counts stay true
            staging.stage_rows(self.submission, staged)
        self._report_progress()

    # -- grouping ------------------------------------------------------------------------------

    def _plan(self) -> None:
        """Group the staged rows by project, compare each batch with the register, stage its writes."""
        for batch in staging.grouped_rows(self.submission, CHUNK):
            groups: dict[str, Group] = {}
            for reference, rows in batch.items():
                group = self._group(reference, rows)
                if group is not None:
                    groups[reference] = group
            planner = Planner(self)
            planner.load(groups)
            planner.plan(groups)

    def _group(self, reference: str, rows: list[StagedParsedRow]) -> "Group | None":
        """One project from its rows (in file order), or None when every row contradicts an earlier one.

        Rows of one project may leave details blank (a long-form file often states the
        description once); two different non-blank values are a conflict."""
        first = rows[0]
        where = f"sheet {first.sheet!r} row {first.number}" if first.sheet else f"row {first.number}"
        group: Group | None = None
        for row in rows:
            fields = {k: v for k, v in row.fields.items() if k != "extra"}
            earlier_fields: dict[str, Any] = group.plain_fields() if group else {}
            earlier_lines: dict[LineKey, Decimal] = {key: value[0] for key, value in group.lines.items()} if group else {}
            conflict = self._conflict(reference, row, fields, earlier_fields, earlier_lines, where)
            if conflict:
                row.error(None, conflict[0], conflict[1])
                self.conflicts += 1
                self.log.error(conflict[1], sheet=row.sheet, row=row.number, value=conflict[0])
                self._reject(row, row.sheet)
                continue
            merged = {k: v for k, v in earlier_fields.items() if _filled(v)}
            for name, value in fields.items():
                if not _filled(merged.get(name)):
                    merged[name] = value
            if group is None:
                group = Group(row, merged)
            else:
                group.add(row, merged)
        return group

    @staticmethod
    def _conflict(reference: str, row: StagedParsedRow, fields: dict[str, Any], earlier_fields: dict[str, Any],
                  earlier_lines: dict[LineKey, Decimal], where: str) -> tuple[object, str] | None:
        """(value, message) when a row contradicts the earlier rows of its project."""
        for name, value in fields.items():
            old = earlier_fields.get(name)
            if _filled(value) and _filled(old) and old != value:
                return value, (f"project {reference}: {name.replace('_', ' ')} is {old!r} on {where}: "
                               "one reference, one project")
        for key, (amount, _stated, _phase) in row.lines.items():
            if key in earlier_lines and earlier_lines[key] != amount:
                return reference, (f"project {reference}: {key[0]} {_years(key)} is {rand_exact(earlier_lines[key])} "
                                   f"on {where} and {rand_exact(amount)} here; state each amount once")
        return None

    # -- locating ------------------------------------------------------------------------------

    def _locate(self, rows: list[ParsedRow]) -> None:
        pointed = [(r, r.point) for r in rows if r.point is not None and not r.skipped]
        if pointed:
            codes = self.resolver.locate_many([p[0] for _r, p in pointed], [p[1] for _r, p in pointed])
            for (row, point), code in zip(pointed, codes, strict=True):
                self._point(row, point, code)
        for row in rows:
            if not row.skipped:
                self._named_places(row)
                if not row.spots and not row.errors:
                    self._whole_area(row)
                if row.spots and row.precision:
                    self._stated_precision(row, row.precision)

    def _whole_area(self, row: ParsedRow) -> None:
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

    def _stated_precision(self, row: ParsedRow, precision: tuple[str, object, str]) -> None:
        """A "Precision" column may say a point is only approximate (e.g. a municipality's centre):
        the coarser stated precision is kept; a finer one than the data supports is a warning."""
        label, value, stated = precision
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

    def _point(self, row: ParsedRow, point: tuple[float, float], code: str | None) -> None:
        lat, lon = point
        if code is None:
            hint = outside_sa_hint(lat, lon, self.resolver.describe_point)
            row.error(row.point_column, f"{lat}, {lon}",
                      "the point is outside South Africa" + (f"; {hint}" if hint else ""))
            return
        row.spots.append(self.resolver.spot_for_municipality_code(code, lat, lon))

    def _named_places(self, row: ParsedRow) -> None:
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
        spots: list[Spot] = []
        numbers = ward_numbers(text) if kind == "ward" else None
        if numbers is not None:
            self._ward_numbers(row, numbers, text, column, province_code)
            return
        if kind == "ward" and self._ward_area(row, text, column):
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

    def _ward_numbers(self, row: ParsedRow, numbers: list[int], text: str, column: Column | None,
                      province_code: str | None) -> None:
        """Wards given by number: of the row's municipality, else of the submitting municipality;
        several wards share the project evenly."""
        municipality = next((t for k, t, _c in row.places if k == "municipality"), None)
        try:
            if municipality is not None:
                parent = self.resolver.resolve(municipality, "municipality", province_code)
                note = self.resolver.notes.get(municipality.strip())
                if note:  # a former code or name: say which municipality it was read as
                    row.warn(_column(row, "municipality"), municipality, note)
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

    def _ward_area(self, row: ParsedRow, text: str, column: Column | None) -> bool:
        """A municipality's own file whose Ward Location names no ward ("Coastal", "Administrative or Head
        Office", "Whole of the Metro,Coastal,...", "3, 4, ..."): the municipality's whole area, with a
        warning. True when the row was placed so."""
        why = names_no_ward(text)
        if why is None or self.home is None or not self.home.municipality_id or any(
                kind != "ward" for kind, _t, _c in row.places):
            return False
        if not row.spots:
            row.spots = [self.home]
        row.warn(column, text, f"names no ward ({why}): located to the submitting municipality's whole area "
                 f"({self.home.name}, municipality precision); write the ward numbers (e.g. 'Wards 3, 4') to "
                 "place it more precisely")
        return True

    def _resolve_part(self, row: ParsedRow, kind: str, part: str, province_code: str | None) -> Spot:
        if kind == "ward" and part.isdigit() and len(part) <= 3:
            municipality = next((text for k, text, _c in row.places if k == "municipality"), None)
            if municipality is None:
                raise PlaceError(f"ward {part}: give the 8-digit ward code or the municipality")
            parent = self.resolver.resolve(municipality, "municipality", province_code)
            return self.resolver.ward_in(parent, int(part), part)
        return self.resolver.resolve(part, kind, province_code)

    def _most_specific(self, row: ParsedRow) -> tuple[str, str, Column | None] | None:
        order = ["ward", "town", "municipality", "district", "province"]
        given = {kind: (kind, text, column) for kind, text, column in row.places}
        for kind in order:
            if kind in given:
                return given[kind]
        return None

    def _cross_check(self, row: ParsedRow, spots: list[Spot], column: Where, text: str) -> None:
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

    def _issues(self, row: ParsedRow, sheet: str) -> None:
        for column, value, message in row.errors:
            self.log.error(message, sheet=sheet, row=row.number, column=column, value=value)
        for column, value, message in row.warnings:
            self.log.warning(message, sheet=sheet, row=row.number, column=column, value=value)

    def _reject(self, row: ParsedRow | StagedParsedRow, sheet: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"sheet": sheet, "row": row.number, "values": [_jsonable(v) for v in row.values],
                                  "errors": [m for _c, _v, m in row.errors]})

    def _report_progress(self) -> None:
        if self.progress:
            self.progress(self.done, self.total)
        self.write_progress()

    def write_progress(self) -> None:
        progress_files.write_progress(_progress_name(self.submission.pk), self.done, self.total)

    def finish(self, status: str, note: str = "") -> None:
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
        for field in ("errors", "warnings", "rejected_rows", "options", "diff"):
            setattr(submission, field, finite_json(getattr(submission, field)))
        submission.save()


class Group:
    """The rows of one project within a chunk."""

    def __init__(self, row: StagedParsedRow, fields: dict[str, Any]) -> None:
        self.extra: dict[str, Any] = dict(row.fields.get("extra") or {})
        self.fields = self._with_extra(fields)
        self.lines = dict(row.lines)
        self.spots = {s.key: s for s in row.spots}

    def plain_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.fields.items() if k != "extra"}

    def _with_extra(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {**fields, "extra": self.extra} if self.extra else dict(fields)

    def add(self, row: StagedParsedRow, fields: dict[str, Any]) -> None:
        for key, value in (row.fields.get("extra") or {}).items():
            self.extra.setdefault(key, value)
        self.fields = self._with_extra(fields)
        self.lines.update(row.lines)
        for spot in row.spots:
            self.spots.setdefault(spot.key, spot)


def _filled(value: object) -> bool:
    return value not in (None, "", False)


class Planner:
    """Compares one batch of projects with the register and stages what the import writes."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.staged = staging.Plan(run.submission)

    def load(self, references: Iterable[str]) -> None:
        """The register's projects (with lines and locations) for a batch's references."""
        self.existing = {p.reference: p for p in Project.objects.filter(organisation=self.run.organisation,
                                                                        reference__in=list(references))}
        self.lines, self.locations = self._children(self.existing)

    def plan(self, groups: dict[str, Group]) -> None:
        run = self.run
        for ref, group in groups.items():
            project = self.existing.get(ref)
            if project is None:
                self.staged.new_project(ref, group.fields)
                run.created.add(ref)
                run.diff.project_added(ref, group.fields.get("title", ""))
                touched = False
            else:
                touched = self._update_fields(project, group)
                if touched:
                    self.staged.changed_project(project)
            touched |= self._plan_lines(ref, group, project)
            touched |= self._plan_locations(ref, group, project)
            if touched and ref not in run.created:
                run.updated.add(ref)
        self.staged.save()

    def _children(self, existing: dict[str, Project]
                  ) -> tuple[dict[int, dict[LineKey, BudgetLine]], dict[int, list[Location]]]:
        ids = [p.pk for p in existing.values()]
        lines: dict[int, dict[LineKey, BudgetLine]] = {}
        locations: dict[int, list[Location]] = {}
        if ids:
            for line in BudgetLine.objects.filter(project_id__in=ids):
                lines.setdefault(line.project_id, {})[(line.kind, line.fy_first, line.fy_last)] = line
            for location in Location.objects.filter(project_id__in=ids):
                locations.setdefault(location.project_id, []).append(location)
        return lines, locations

    def _update_fields(self, project: Project, group: Group) -> bool:
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
        return changed

    def _plan_lines(self, ref: str, group: Group, project: Project | None) -> bool:
        """Stage the group's new and changed budget lines; True when there are any."""
        run, month = self.run, self.run.organisation.fy_start_month
        current = self.lines.get(project.pk, {}) if project else {}
        title = project.title if project else group.fields.get("title", "")
        touched = False
        for (kind, first, last), (amount, stated, phase) in group.lines.items():
            line = current.get((kind, first, last))
            if line is None:
                self.staged.new_line(project.pk if project else None, ref, kind=kind, amount=amount, fy_first=first,
                                   fy_last=last, fy_start_month=month, stated_as=stated, phase=phase)
                run.diff.line_added(ref, title, kind, first, last, amount, ref in run.created)
                touched = True
            elif line.amount != amount or line.fy_start_month != month:
                run.diff.line_changed(ref, title, kind, first, last, line.amount, amount)
                line.amount, line.fy_start_month = amount, month
                line.stated_as, line.phase = stated or line.stated_as, phase or line.phase
                self.staged.changed_line(line)
                touched = True
        return touched

    def _plan_locations(self, ref: str, group: Group, project: Project | None) -> bool:
        """Stage the places the file states and, when it states any, the removal of the project's other
        places (with all of a project's rows grouped, the file's places are complete)."""
        if not group.spots:
            return False
        current = {_location_key(loc): loc for loc in self.locations.get(project.pk, [])} if project else {}
        stale = [location for key, location in current.items() if key not in group.spots]
        missing = [spot for key, spot in group.spots.items() if key not in current]
        for location in stale:
            self.staged.removed_location(location)
        for spot in missing:
            self.staged.new_location(project.pk if project else None, ref, spot)
        if project and (stale or missing):
            self.run.diff.places_changed(ref, project.title)
        return bool(stale or missing)


def _location_key(location: Location) -> tuple[str, float | None, float | None, int | None, int | None, int | None,
                                              int | None]:
    return Spot(location.precision, location.name, location.latitude, location.longitude, location.place_id,
                location.municipality_id, location.zone_id, location.province_id).key


def _years(key: LineKey) -> str:
    _kind, first, last = key
    if first is None:
        return "(years not stated)"

    return span_label(first, last)


def _column(row: ParsedRow, kind: str) -> str:
    return next((c.label for k, _t, c in row.places if k == kind and c is not None), "")


def _jsonable(value: object) -> str | int | float | bool | None:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN/inf from a spreadsheet error cell: JSON (and SQLite's JSON_VALID) has no such number
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
