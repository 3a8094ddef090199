"""An import's staging area: short transactions while it runs, one short one that publishes it.

On SQLite one writer holds the write lock at a time, so an import that wrote the register in one
transaction blocked every other writer (sign-in, other imports) for as long as it ran. An import now:

1. stages each accepted row (parsed and located, as JSON) in ``StagedRow``, a chunk per transaction;
2. reads them back grouped by project reference, compares each project once with the register and
   stages what it would write (``StagedProject`` / ``StagedLine`` / ``StagedLocation``: rows to create,
   rows to change with their new values, locations to remove), a batch per transaction;
3. publishes: one transaction copies the staged rows into the register with set-based SQL
   (INSERT ... SELECT, UPDATE from the staging rows, DELETE), writes their history rows the same
   way, and deletes the staging rows. That is the only transaction that touches the register: until
   it commits nothing of the import is visible; a preview or a refused file never runs it.

An import that dies leaves only staging rows, which no register query reads; ``discard_abandoned``
deletes them (the next worker start, job or import) when the submission is no longer running.
Same on PostgreSQL.
"""

# SQL below is built from the models' table and column names (quoted by the connection); every value is bound.
# ruff: noqa: S608
import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max

from ddm.accounts.access import Visitor
from ddm.accounts.models import Organisation
from ddm.investment.intake.bulkinsert import insert_rows
from ddm.investment.intake.locating import Spot
from ddm.investment.intake.rows import LineKey, ParsedRow
from ddm.investment.models import (
    BudgetLine,
    Location,
    Project,
    StagedLine,
    StagedLocation,
    StagedProject,
    StagedRow,
    Submission,
    SubmissionStatus,
)

STAGED_MODELS = (StagedRow, StagedProject, StagedLine, StagedLocation)
DATE_FIELDS = ("start_date", "end_date")


# -- rows ------------------------------------------------------------------------------------------

def encode_row(sheet: str, row: ParsedRow, values: list[Any]) -> str:
    """A parsed, located row as JSON text (values: the cells as read, JSON-safe, for a rejected row)."""
    fields = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.fields.items()}
    lines = [[kind, first, last, str(amount), stated, phase]
             for (kind, first, last), (amount, stated, phase) in row.lines.items()]
    spots = [[s.precision, s.name, s.latitude, s.longitude, s.place_id, s.municipality_id, s.zone_id, s.province_id]
             for s in row.spots]
    return json.dumps({"s": sheet, "n": row.number, "v": values, "f": fields, "l": lines, "p": spots},
                      separators=(",", ":"))


class StagedParsedRow:
    """A staged row read back: what grouping needs of a ParsedRow (see pipeline.Group)."""

    __slots__ = ("errors", "fields", "lines", "number", "reference", "sheet", "spots", "values")

    def __init__(self, reference: str, payload: str) -> None:
        data = json.loads(payload)
        self.reference = reference
        self.sheet: str = data["s"]
        self.number: int = data["n"]
        self.values: list[Any] = data["v"]
        self.fields: dict[str, Any] = {k: (dt.date.fromisoformat(v) if k in DATE_FIELDS and v else v)
                                       for k, v in data["f"].items()}
        self.lines: dict[LineKey, tuple[Decimal, str, str]] = {(kind, first, last): (Decimal(amount), stated, phase)
                      for kind, first, last, amount, stated, phase in data["l"]}
        self.spots = [Spot(*values) for values in data["p"]]
        self.errors: list[tuple[str, object, str]] = []

    def error(self, column: str | None, value: object, message: str) -> None:
        self.errors.append((column or "", value, message))


@contextlib.contextmanager
def staging_transaction() -> Iterator[None]:
    """A short transaction that writes only staging rows. On PostgreSQL its commit does not wait for
    the WAL flush (synchronous_commit off, this transaction only): a 100k-row import commits about a
    hundred of them, and on a busy disk each waited for its own flush. Nothing is lost that matters:
    a server crash drops the import's connection, so the import fails and its staging rows are
    discarded anyway; the publishing transaction keeps the server's setting. Only when this is the
    outermost transaction: SET LOCAL in a savepoint would last to the end of the caller's transaction."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def stage_rows(submission: Submission, rows: list[tuple[int, str, str]]) -> None:
    """[(seq, reference, payload)] in one short transaction."""
    with staging_transaction():
        insert_rows(StagedRow, ["submission", "seq", "reference", "payload"],
                    ((submission.pk, seq, reference, payload) for seq, reference, payload in rows))


def grouped_rows(submission: Submission, batch: int = 2000) -> Iterator[dict[str, list[StagedParsedRow]]]:
    """Yield {reference: [StagedParsedRow in file order]} for up to ``batch`` references at a time,
    every row of a reference in the same batch, references in sorted order."""
    staged = StagedRow.objects.filter(submission=submission)
    last = None
    while True:
        page = staged.order_by("reference").values_list("reference", flat=True).distinct()
        if last is not None:
            page = page.filter(reference__gt=last)
        references = list(page[:batch])
        if not references:
            return
        page_rows = staged.filter(reference__lte=references[-1])  # a range, not an IN list of 2000 references
        if last is not None:
            page_rows = page_rows.filter(reference__gt=last)
        last = references[-1]
        groups: dict[str, list[StagedParsedRow]] = {reference: [] for reference in references}
        for reference, payload in page_rows.order_by("reference", "seq").values_list("reference", "payload"):
            groups[reference].append(StagedParsedRow(reference, payload))
        yield groups


# -- the write plan --------------------------------------------------------------------------------

PROJECT_FIELDS = ["submission", "target", "reference", "title", "description", "sector", "status", "start_date",
                  "end_date", "catalytic", "implementing_agent", "extra"]
LINE_FIELDS = ["submission", "target", "project", "reference", "kind", "amount", "fy_first", "fy_last",
               "fy_start_month", "stated_as", "phase"]
LOCATION_FIELDS = ["submission", "target", "project", "reference", "precision", "latitude", "longitude", "name",
                   "place_id", "municipality_id", "zone_id", "province_id"]



def _project_default(name: str) -> Any:
    """The model's default of a Project column the file did not give."""
    field = Project._meta.get_field(name)
    return field.get_default() if isinstance(field, models.Field) else None


class Plan:
    """What one batch of projects writes, as staging rows (saved in one short transaction)."""

    def __init__(self, submission: Submission) -> None:
        self.submission_id = submission.pk
        # Rows of the staging tables, in the order of PROJECT_FIELDS, LINE_FIELDS and LOCATION_FIELDS.
        self.projects: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []
        self.locations: list[tuple[Any, ...]] = []

    def new_project(self, reference: str, fields: dict[str, Any]) -> None:
        values = {**fields, "reference": reference}
        self.projects.append((self.submission_id, None, *(
            values[name] if name in values else _project_default(name)
            for name in PROJECT_FIELDS[2:])))

    def changed_project(self, project: Project) -> None:
        self.projects.append((self.submission_id, project.pk,
                              *(getattr(project, name) for name in PROJECT_FIELDS[2:])))

    def new_line(self, project_id: int | None, reference: str, kind: str, amount: Decimal, fy_first: int | None,
                 fy_last: int | None, fy_start_month: int, stated_as: str, phase: str) -> None:
        self.lines.append((self.submission_id, None, project_id, reference, kind, amount, fy_first, fy_last,
                           fy_start_month, stated_as, phase))

    def changed_line(self, line: BudgetLine) -> None:
        self.lines.append((self.submission_id, line.pk, line.project_id, "", line.kind, line.amount, line.fy_first,
                           line.fy_last, line.fy_start_month, line.stated_as, line.phase))

    def new_location(self, project_id: int | None, reference: str, spot: Spot) -> None:
        self.locations.append((self.submission_id, None, project_id, reference, spot.precision, spot.latitude,
                               spot.longitude, spot.name, spot.place_id, spot.municipality_id, spot.zone_id,
                               spot.province_id))

    def removed_location(self, location: Location) -> None:
        self.locations.append((self.submission_id, location.pk, location.project_id, "", "", None, None, "", None,
                               None, None, None))

    def save(self) -> None:
        with staging_transaction():
            for model, fields, rows in ((StagedProject, PROJECT_FIELDS, self.projects),
                                        (StagedLine, LINE_FIELDS, self.lines),
                                        (StagedLocation, LOCATION_FIELDS, self.locations)):
                if rows:
                    insert_rows(model, fields, rows)


# -- publishing ------------------------------------------------------------------------------------

PROJECT_COLUMNS = ["reference", "title", "description", "sector", "status", "start_date", "end_date", "catalytic",
                   "implementing_agent", "extra"]
LINE_COLUMNS = ["kind", "amount", "fy_first", "fy_last", "fy_start_month", "stated_as", "phase"]
LOCATION_COLUMNS = ["precision", "latitude", "longitude", "name", "place_id", "municipality_id", "zone_id",
                    "province_id"]


class Publisher:
    """The final transaction: staged rows into the register and its history, by set-based SQL.

    Table and column names below come from the models' metadata, quoted by the connection; every
    value is a bound parameter."""

    def __init__(self, submission: Submission, organisation: Organisation, user: Visitor, reason: str,
                 now: dt.datetime) -> None:
        self.submission_id = submission.pk
        self.organisation_id = organisation.pk
        self.user_id = getattr(user, "pk", None)
        self.reason = reason
        self.now = now
        self.quote = connection.ops.quote_name

    def _table(self, model: type[models.Model]) -> str:
        return self.quote(model._meta.db_table)

    def _datetime(self, model: type[models.Model], name: str, value: dt.datetime) -> Any:
        field = cast("models.Field[Any, Any]", model._meta.get_field(name))  # a column, not a reverse relation
        return field.get_db_prep_save(value, connection)

    def publish(self) -> None:
        """Run inside the caller's transaction."""
        # Publishing imports of one organisation one at a time (PostgreSQL; SQLite's write lock already
        # does): the "+" history below finds this import's new rows by id.
        Organisation.objects.select_for_update().filter(pk=self.organisation_id).exists()
        with connection.cursor() as cursor:
            self.cursor: CursorWrapper = cursor
            before = {model: model.objects.aggregate(top=Max("pk"))["top"] or 0
                      for model in (Project, BudgetLine, Location)}
            self._projects()
            self._lines()
            self._locations()
            for model in (Project, BudgetLine, Location):  # "+": rows this transaction created
                self._history(model, "+", "id > %s AND submission_id = %s" if model is not Location else
                              f"id > %s AND project_id IN (SELECT id FROM {self._table(Project)} "
                              "WHERE organisation_id = %s)",
                              [before[model], self.submission_id if model is not Location else self.organisation_id])
        discard_staged(self.submission_id)

    def _execute(self, sql: str, params: list[Any]) -> None:
        self.cursor.execute(sql, params)

    def _projects(self) -> None:
        project, staged = self._table(Project), self._table(StagedProject)
        columns = ", ".join(self.quote(c) for c in PROJECT_COLUMNS)
        created = self._datetime(Project, "created", self.now)
        self._execute(
            f"INSERT INTO {project} (organisation_id, {columns}, stage, is_aggregate, is_demo, submission_id, created, "
            f"updated) SELECT %s, {columns}, '', %s, %s, %s, %s, %s FROM {staged} WHERE submission_id = %s "
            "AND target IS NULL ORDER BY id",
            [self.organisation_id, False, False, self.submission_id, created, created, self.submission_id])
        changed = [c for c in PROJECT_COLUMNS if c != "reference"]
        self._update(Project, StagedProject, changed, {"submission_id": self.submission_id, "updated": created})

    def _update(self, model: type[Project] | type[BudgetLine], staged_model: type[models.Model], columns: list[str],
                constants: dict[str, Any]) -> None:
        """Set ``columns`` of the register rows a staged row targets to its values (and ``constants``),
        then write their "~" history rows."""
        table, staged = self._table(model), self._table(staged_model)
        where = "submission_id = %s AND target IS NOT NULL"
        sets = [f"{self.quote(c)} = (SELECT s.{self.quote(c)} FROM {staged} s WHERE s.submission_id = %s "
                f"AND s.target = {table}.id)" for c in columns]
        sets += [f"{self.quote(c)} = %s" for c in constants]
        params = [self.submission_id] * len(columns) + list(constants.values())
        targets = f"id IN (SELECT target FROM {staged} WHERE {where})"
        self._execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {targets}", [*params, self.submission_id])
        self._history(model, "~", targets, [self.submission_id])

    def _with_project(self, staged_model: type[models.Model]) -> str:
        """FROM a staged line or location table (alias s) joined to the project this import created for it
        (alias p) when it names its project by reference; (organisation, reference) is unique, so each
        staged row stays one row. Takes the organisation id as its parameter.

        A join, run as a hash join on PostgreSQL (see _no_nested_loops): per staged row, a lookup of
        the project (a correlated subquery, or a nested-loop join) is planned from statistics taken
        before the organisation had these projects, so the planner picked the index on organisation
        alone and read all of the organisation's projects for each line: quadratic, minutes for 20k rows."""
        return (f"{self._table(staged_model)} s LEFT JOIN {self._table(Project)} p ON s.project IS NULL "
                "AND p.organisation_id = %s AND p.reference = s.reference")

    def _no_nested_loops(self, enabled: bool = False) -> None:
        if connection.vendor == "postgresql":
            self._execute(f"SET LOCAL enable_nestloop TO {'DEFAULT' if enabled else 'OFF'}", [])

    def _lines(self) -> None:
        self._insert_new(BudgetLine, StagedLine, LINE_COLUMNS, with_submission=True)
        self._update(BudgetLine, StagedLine, ["amount", "fy_start_month", "stated_as", "phase"],
                     {"submission_id": self.submission_id})

    def _locations(self) -> None:
        location, staged = self._table(Location), self._table(StagedLocation)
        removed = f"id IN (SELECT target FROM {staged} WHERE submission_id = %s AND target IS NOT NULL)"
        self._history(Location, "-", removed, [self.submission_id])
        self._execute(f"DELETE FROM {location} WHERE {removed}", [self.submission_id])
        self._insert_new(Location, StagedLocation, LOCATION_COLUMNS, with_submission=False)

    def _insert_new(self, model: type[models.Model], staged_model: type[models.Model], columns: list[str],
                    with_submission: bool) -> None:
        """Insert the staged rows that replace nothing (target NULL) into model's table, in staging order, each
        on its project: an existing one, or the one this import created (_with_project); budget lines also
        record the submission that wrote them."""
        names = ", ".join(self.quote(c) for c in columns)
        picked = ", ".join(f"s.{self.quote(c)}" for c in columns)
        into, value, params = (", submission_id", ", %s", [self.submission_id]) if with_submission else ("", "", [])
        self._no_nested_loops()
        self._execute(f"INSERT INTO {self._table(model)} (project_id, {names}{into}) "
                      f"SELECT COALESCE(s.project, p.id), {picked}{value} FROM {self._with_project(staged_model)} "
                      "WHERE s.submission_id = %s AND s.target IS NULL ORDER BY s.id",
                      [*params, self.organisation_id, self.submission_id])
        self._no_nested_loops(enabled=True)

    def _history(self, model: type[Project] | type[BudgetLine] | type[Location], kind: str, where: str,
                 params: list[Any]) -> None:
        """One history row per register row matching ``where``, as simple_history writes them."""
        history = model.history.model
        meta = {"history_date": self._datetime(history, "history_date", self.now),
                "history_change_reason": self.reason, "history_type": kind, "history_user_id": self.user_id}
        fields = [f.column for f in history._meta.local_concrete_fields
                  if f.attname != "history_id" and f.attname not in meta]
        columns = ", ".join(self.quote(c) for c in [*fields, *meta])
        picked = ", ".join(self.quote(c) for c in fields)
        self._execute(f"INSERT INTO {self._table(history)} ({columns}) "
                      f"SELECT {picked}, %s, %s, %s, %s FROM {self._table(model)} WHERE {where} ORDER BY id",
                      [*meta.values(), *params])


# -- a race lost ---------------------------------------------------------------------------------

def references_taken(submission_id: int, organisation_id: int) -> list[tuple[str, str, int | None, Project]]:
    """[(reference, sheet, row, the Project now holding it)] for the projects this import would create
    that the register holds by now: another import of the organisation published the same reference
    while this one ran (its publish then breaks the unique reference). Sheet and row: the reference's
    first row in this file."""
    wanted = list(StagedProject.objects.filter(submission_id=submission_id, target__isnull=True)
                  .values_list("reference", flat=True))
    taken = Project.objects.filter(organisation_id=organisation_id, reference__in=wanted).select_related(
        "submission__user").order_by("reference")
    found = []
    for project in taken:
        first = StagedRow.objects.filter(submission_id=submission_id, reference=project.reference).order_by("seq").first()
        where = json.loads(first.payload) if first else {}
        found.append((project.reference, where.get("s", ""), where.get("n"), project))
    return found


# -- cleaning up -----------------------------------------------------------------------------------

def discard_staged(submission_id: int) -> None:
    """Delete an import's staging rows (published, a preview, a refused file, an error). Plain SQL:
    the ORM's delete would load every row to send signals (ddm.caching listens to all models)."""
    with connection.cursor() as cursor:
        for model in STAGED_MODELS:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "
                           "WHERE submission_id = %s", [submission_id])


def discard_abandoned() -> int:
    """Delete the staging rows of imports that are not running (they died, or stopped before cleaning up)."""
    stale: set[int] = set()
    for model in STAGED_MODELS:
        stale.update(model.objects.values_list("submission_id", flat=True).distinct())
    if stale:
        stale -= set(Submission.objects.filter(pk__in=stale, status=SubmissionStatus.RUNNING)
                     .values_list("pk", flat=True))
    for submission_id in stale:
        discard_staged(submission_id)
    return len(stale)
