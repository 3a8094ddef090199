"""The investment register: projects of every sphere, their locations and budget lines.

Money is Decimal Rand. A budget line keeps the financial-year span as stated; annual views
apportion multi-year lines evenly and say so. A location's resolved municipality/zone/province
are stored so that totals per zone are one indexed query.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Sector(models.TextChoices):
    WATER = "water", "Water"
    SANITATION = "sanitation", "Sanitation"
    ENERGY = "energy", "Electricity and energy"
    TRANSPORT = "transport", "Roads and transport"
    HUMAN_SETTLEMENTS = "human_settlements", "Human settlements"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    AGRICULTURE = "agriculture", "Agriculture and rural development"
    ECONOMIC = "economic", "Economic development"
    SOCIAL = "social", "Community and social services"
    SAFETY = "safety", "Safety"
    ENVIRONMENT = "environment", "Environment"
    ICT = "ict", "ICT"
    GOVERNANCE = "governance", "Governance and other"


class Precision(models.TextChoices):
    """Location precision, after IATI's location precision codes (1 exact ... 4 national)."""

    POINT = "point", "Exact point"
    WARD = "ward", "Ward"
    MUNICIPALITY = "municipality", "Local municipality"
    ZONE = "zone", "Zone (district or metro)"
    PROVINCE = "province", "Province"
    NATIONAL = "national", "National / unspecified"


class BudgetKind(models.TextChoices):
    BUDGET = "budget", "Budget"
    ADJUSTED = "adjusted", "Adjusted budget"
    ACTUAL = "actual", "Expenditure (actual)"
    PLANNED = "planned", "Estimate / planned investment"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    PREVIEW = "preview", "Validated, awaiting confirmation"
    SUBMITTED = "submitted", "Awaiting review (not published)"
    RETURNED = "returned", "Returned for correction (not published)"
    APPROVED = "approved", "Approved (written by its commit)"
    COMMITTED = "committed", "Committed"
    PARTIAL = "partial", "Committed, some rows rejected"
    REJECTED = "rejected", "Rejected (nothing written)"
    FAILED = "failed", "Failed"


class Submission(models.Model):
    """One intake: a file upload, CLI import, API batch, form edit or demo load."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=16, default="cli", help_text="upload, cli, api, form or demo")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    source_file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING)
    content = models.CharField(max_length=16, default="projects",
                               help_text="projects (projects and budgets) or progress (quarterly updates)")
    dry_run = models.BooleanField(default=False)
    accept_valid = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    projects_created = models.PositiveIntegerField(default=0)
    projects_updated = models.PositiveIntegerField(default=0)
    projects_unchanged = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0, help_text="Rows processed so far")
    # Lists of {"level": "error"|"warning", "sheet", "row", "column", "value", "message"}.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The rejected rows as read, so they can be downloaded, fixed and re-imported:
    # {"headers": {sheet: [header texts]}, "rows": [{"sheet", "row", "values", "errors"}]} (or []).
    rejected_rows = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    # What the submitter said about the file and what the import applied, e.g. {"years": "start",
    # "unit": "1000", "unit_statement": "amounts read in R thousand (stated in the title block ...)"}.
    options = models.JSONField(default=dict, blank=True)
    preview = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="commits",
        help_text="The preview (dry run) this submission committed, for uploads checked before writing",
    )
    # What the file would change in the published register (see intake/diff.py for the shape).
    diff = models.JSONField(default=dict, blank=True)
    resubmission_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resubmissions",
        help_text="The returned submission this one corrects",
    )
    consolidated = models.ForeignKey(
        "ConsolidatedUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts",
        help_text="The consolidated file this organisation's part came from",
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "organisation"], name="submission_review_queue")]

    def __str__(self) -> str:
        return f"Submission {self.pk} {self.filename or self.channel} ({self.status})"

    @property
    def committable(self) -> bool:
        """A preview can be committed when it has valid rows; with errors, only those rows are written."""
        if not self.dry_run:
            return False
        if self.status == SubmissionStatus.PREVIEW:
            return True
        return self.status == SubmissionStatus.REJECTED and self.rows_read > self.rows_rejected

    @property
    def status_text(self) -> str:
        """The status as the submitter needs to read it: a preview says whether it was committed and
        whether its valid rows can still be written (the stored status alone says "rejected")."""
        if not self.dry_run:
            return self.get_status_display()
        commits = list(self.commits.all())
        if commits:
            done = "Approved" if self.status == SubmissionStatus.APPROVED else "Preview"
            return f"{done}, committed as submission {commits[0].pk}"
        if self.status == SubmissionStatus.PREVIEW:
            return "Checked, awaiting confirmation"
        if self.committable:
            valid = self.rows_read - self.rows_rejected
            return (f"Checked: {self.rows_rejected} row{'s' if self.rows_rejected != 1 else ''} with errors; "
                    f"{valid} valid row{'s' if valid != 1 else ''} can be written")
        if self.status == SubmissionStatus.REJECTED:
            return "Checked: nothing can be written (fix the errors and upload again)"
        return self.get_status_display()


class ConsolidatedUpload(models.Model):
    """A consolidated file uploaded on the web: one file naming an organisation on each row, checked as
    one preview (a Submission, ``parts``) per organisation (intake/consolidated.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    source_file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    accept_valid = models.BooleanField(default=False)
    status = models.CharField(max_length=16, default="pending",
                              help_text="pending, running, checked, refused, submitted or failed")
    errors = models.JSONField(default=list, blank=True, help_text="Why the whole file was refused")
    # [{"sheet", "text", "province", "organisation" (code or ""), "name", "how", "rows"}]: each row's organisation.
    found = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Consolidated file {self.pk} {self.filename} ({self.status})"


class Stage(models.TextChoices):
    """A project's stage, as the National Treasury's Infrastructure Reporting Model names them."""

    INITIATION = "initiation", "Initiation"
    CONCEPT = "concept", "Concept"
    DESIGN = "design", "Design"
    TENDER = "tender", "Tender"
    CONSTRUCTION = "construction", "Construction"
    HANDOVER = "handover", "Handover"
    CLOSE_OUT = "close_out", "Close-out"
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved and published"
    RETURNED = "returned", "Returned with comments"
    RESUBMITTED = "resubmitted", "Resubmitted (corrected)"


class ReviewDecision(models.Model):
    """One step of a submission's review, by whom and why (append-only; investment.review writes it)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=16, choices=ReviewAction.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # [{"sheet", "row", "reference", "comment"}]: a reviewer's comments on particular rows or projects.
    row_comments = models.JSONField(default=list, blank=True)
    how = models.CharField(max_length=200, blank=True,
                           help_text="e.g. published on submit (organisation setting), --publish on the command line")
    commit = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="For an approval: the submission that wrote the file to the register")

    history = HistoricalRecords()

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["submission", "created"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: submission {self.submission_id}"


class ProjectQuerySet(models.QuerySet["Project"]):
    def counted(self) -> "ProjectQuerySet":
        """Projects that count in totals: not a confirmed duplicate of another, not invented demo data."""
        return self.filter(duplicate_of__isnull=True, is_demo=False)

    def demo(self) -> "ProjectQuerySet":
        return self.filter(is_demo=True)

    def unmapped(self) -> "ProjectQuerySet":
        return self.filter(locations__isnull=True)


class Project(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="projects")
    reference = models.CharField(max_length=120, help_text="The submitter's own project reference")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=24, choices=Sector.choices, default=Sector.GOVERNANCE)
    status = models.CharField(max_length=80, blank=True, help_text="Status or stage as reported")
    start_date = models.DateField(null=True, blank=True, help_text="Planned start")
    end_date = models.DateField(null=True, blank=True, help_text="Planned completion")
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True,
                             help_text="Current stage, from the latest quarterly progress report")
    actual_start = models.DateField(null=True, blank=True)
    actual_completion = models.DateField(null=True, blank=True)
    catalytic = models.BooleanField(default=False)
    implementing_agent = models.CharField(max_length=200, blank=True)
    is_aggregate = models.BooleanField(
        default=False, help_text="An aggregate line standing for many projects (e.g. a published sphere total)"
    )
    extra = models.JSONField(default=dict, blank=True, help_text="Columns the importer did not recognise")
    is_demo = models.BooleanField(
        default=False, help_text="Invented by the demo data (ddm setup): labelled demo, never in a real total")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        help_text="Set when a reviewer confirmed this record duplicates another; it is then not counted.",
    )
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="unique_project_reference"),
        ]
        indexes = [
            models.Index(fields=["sector"]),
            # Covering index for the quantum (PostgreSQL index-only scans; a plain index elsewhere).
            models.Index(fields=["id"], include=["organisation", "sector", "is_aggregate", "duplicate_of", "is_demo"],
                         name="project_quantum_cover"),
            # The few demo projects, found without reading the register: a zone's queries leave them out
            # (or take only them) through this index instead of a scan of every project.
            models.Index(fields=["id"], condition=models.Q(is_demo=True), name="project_demo"),
        ]
        ordering = ["organisation", "reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("investment:project", args=[self.pk])


class Location(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    precision = models.CharField(max_length=16, choices=Precision.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    name = models.CharField(max_length=200, blank=True, help_text="Place as stated by the submitter")
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The place at the stated precision (ward, municipality, zone or province)",
    )
    # Resolved containers, stored for indexed totals; null above their level.
    municipality = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    share = models.DecimalField(
        max_digits=9, decimal_places=8, null=True, blank=True,
        help_text="Share of the project at this location; blank means equal shares among its locations",
    )

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["zone", "project"]), models.Index(fields=["municipality", "project"]),
            # Covering index for the quantum (PostgreSQL index-only scans; a plain index elsewhere).
            models.Index(fields=["zone"], include=["id", "project", "municipality", "precision", "share"],
                         name="location_quantum_zone_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.get_precision_display()}: {self.name or self.place or (self.latitude, self.longitude)}"


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(max_length=16, choices=BudgetKind.choices, default=BudgetKind.BUDGET)
    amount = models.DecimalField(max_digits=18, decimal_places=2, help_text="Rand")
    # Financial years by the calendar year they start in: 2019 = 2019/20. Both null: years not stated.
    fy_first = models.PositiveSmallIntegerField(null=True, blank=True)
    fy_last = models.PositiveSmallIntegerField(null=True, blank=True)
    fy_start_month = models.PositiveSmallIntegerField(default=4, help_text="Calendar the years were stated in")
    stated_as = models.CharField(max_length=120, blank=True, help_text="Year label as given, e.g. 2019/20-2023/24")
    phase = models.CharField(max_length=80, blank=True, help_text="Budget phase as given, e.g. MTEF, Audited Outcome")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["project", "kind", "fy_first"]),
            # Covering index for the quantum (PostgreSQL index-only scans; a plain index elsewhere).
            models.Index(fields=["project"], include=["kind", "fy_first", "fy_last", "fy_start_month", "amount"],
                         name="budgetline_quantum_cover"),
        ]
        ordering = ["project", "fy_first", "kind"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.stated_as or 'years not stated'}: R{self.amount}"

    @property
    def year_count(self) -> int | None:
        if self.fy_first is None:
            return None
        return (self.fy_last or self.fy_first) - self.fy_first + 1

    @property
    def is_multi_year(self) -> bool:
        return (self.year_count or 1) > 1


class PublishedTotal(models.Model):
    """A total as someone published it (e.g. a pilot launch), kept beside the lines behind it.

    The zone page reconciles it: the sum of `components` against `amount`, what the published
    figure includes and excludes, and the zone's other lines that it leaves out.
    """

    zone = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=80, unique=True, help_text="Stable code, e.g. pilot-eth-2019")
    amount = models.DecimalField(max_digits=18, decimal_places=2, help_text="Rand, as published")
    stated_as = models.CharField(max_length=120, help_text='The figure as printed, e.g. "R55.81 billion"')
    label = models.CharField(max_length=200, help_text='What it was called, e.g. "government expenditure"')
    source = models.CharField(max_length=300, help_text="Citation: document, date")
    includes = models.TextField(blank=True, help_text="What the published figure includes, in plain words")
    excludes = models.TextField(blank=True, help_text="What it leaves out, in plain words")
    note = models.TextField(blank=True)
    breakdown_published = models.BooleanField(
        default=True, help_text="False when only the total was published (no lines stand behind it)",
    )
    components = models.ManyToManyField(Project, blank=True, related_name="published_totals",
                                        help_text="The register's projects whose lines make up this total")

    class Meta:
        ordering = ["zone", "key"]

    def __str__(self) -> str:
        return f"{self.zone.code}: {self.stated_as} {self.label}"


class ProjectNote(models.Model):
    """An annotation on a project by a hub member, coordinator or administrator in scope."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"Note {self.pk} on project {self.project_id}"


class ProgressReport(models.Model):
    """A project's quarterly progress: stage, physical progress and expenditure to date.

    The quarter is stored by its last day (calendar quarters are the same for every organisation;
    investment.progress labels them in the organisation's financial year). Budget lines are never
    changed by a progress report."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress")
    quarter_end = models.DateField(help_text="Last day of the quarter reported on")
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                   help_text="Physical progress, per cent (0-100)")
    expenditure_to_date = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True,
                                              help_text="Rand spent on the project to the quarter's end (cumulative)")
    actual_start = models.DateField(null=True, blank=True)
    actual_completion = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported = models.DateTimeField(auto_now=True)
    first_reported = models.DateTimeField(default=timezone.now, help_text="When the quarter was first reported "
                                          "(timeliness); a later correction keeps it")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "quarter_end"], name="unique_progress_quarter")]
        indexes = [models.Index(fields=["quarter_end", "project"])]
        ordering = ["project", "quarter_end"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.quarter_end}: {self.stage} {self.progress}%"


# -- An import's staging area (intake/staging.py) ---------------------------------------------------
# A running import writes here in short transactions; its final transaction copies the rows into the
# register (set-based SQL) and deletes them, so the register never shows half an import and no
# transaction holds SQLite's write lock for long. Rows of an import that died are deleted at the next
# worker start or import. No history: these are not the register.


class StagedRow(models.Model):
    """One accepted row of a running import, as parsed and located (JSON), until rows are grouped by project."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField(help_text="Order in the file")
    reference = models.CharField(max_length=255)
    payload = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["submission", "reference", "seq"], name="stagedrow_group")]


class StagedProject(models.Model):
    """A project an import creates (target null) or changes (target = the register's project id)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    target = models.BigIntegerField(null=True)
    reference = models.CharField(max_length=255)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=24)
    status = models.CharField(max_length=80, blank=True)
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)
    catalytic = models.BooleanField(default=False)
    implementing_agent = models.CharField(max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["submission", "target"], name="stagedproject_target")]


class StagedLine(models.Model):
    """A budget line an import adds (target null) or changes (target = the register's line id)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    target = models.BigIntegerField(null=True)
    project = models.BigIntegerField(null=True, help_text="The register's project; null: a project this import creates")
    reference = models.CharField(max_length=255)
    kind = models.CharField(max_length=16)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    fy_first = models.PositiveSmallIntegerField(null=True)
    fy_last = models.PositiveSmallIntegerField(null=True)
    fy_start_month = models.PositiveSmallIntegerField()
    stated_as = models.CharField(max_length=120, blank=True)
    phase = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["submission", "target"], name="stagedline_target")]


class StagedLocation(models.Model):
    """A location an import adds (target null) or removes (target = the register's location id)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    target = models.BigIntegerField(null=True)
    project = models.BigIntegerField(null=True, help_text="The register's project; null: a project this import creates")
    reference = models.CharField(max_length=255)
    precision = models.CharField(max_length=16, blank=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    name = models.CharField(max_length=200, blank=True)
    place_id = models.BigIntegerField(null=True)
    municipality_id = models.BigIntegerField(null=True)
    zone_id = models.BigIntegerField(null=True)
    province_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["submission", "target"], name="stagedlocation_target")]
# ---------------------------------------------------------------------------------------------
# The zone summary (ddm.investment.summary): the quantum's located groups per zone, stored when data
# changes so that pages read them instead of adding up the register. Derived data, rebuilt from the
# register at any time (`ddm summary refresh`): no history, no admin.

class ZoneSummaryState(models.Model):
    """Whether a zone's stored summary may be used: `built == generation`. Every change to the zone's
    data bumps `generation` in the changing transaction; a refresh sets `built` to the generation it
    locked before adding up, so a change committed meanwhile leaves the zone stale, never wrong."""

    zone = models.OneToOneField("places.Place", on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveBigIntegerField(default=0)
    built = models.PositiveBigIntegerField(null=True, blank=True)
    refreshed = models.DateTimeField(null=True, blank=True)


class ZoneSummary(models.Model):
    """One located group of a zone (located.Group): its sum in integer cents."""

    zone = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    fy_first = models.PositiveSmallIntegerField(null=True)
    fy_last = models.PositiveSmallIntegerField(null=True)
    fy_start_month = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=24)
    is_aggregate = models.BooleanField()
    municipality = models.ForeignKey("places.Place", null=True, on_delete=models.CASCADE, related_name="+")
    precision = models.CharField(max_length=16)
    cents = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["zone", "kind"])]


class ZoneYearTotal(models.Model):
    """A zone's located cents per sphere, sector (None: aggregate lines), kind and financial year of a
    calendar (year None: years not stated), each group spread as calendar.to_calendar spreads it:
    what the national ranking and spend per zone and sector add up."""

    zone = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    sphere = models.CharField(max_length=16)
    sector = models.CharField(max_length=24, null=True)  # noqa: DJ001 (None: aggregate lines, no sector, as in the quantum)
    kind = models.CharField(max_length=16)
    calendar_month = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True)
    cents = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["calendar_month", "kind"]), models.Index(fields=["zone"])]


class ZoneLineTotal(models.Model):
    """A zone's budget lines as stated (whole, not split between places: each line of a counted project
    located in the zone, once) per organisation, kind and years: their sum in integer cents and their
    number. What a published total's reconciliation lists as the zone's other lines."""

    zone = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    fy_first = models.PositiveSmallIntegerField(null=True)
    fy_last = models.PositiveSmallIntegerField(null=True)
    fy_start_month = models.PositiveSmallIntegerField()
    cents = models.BigIntegerField()
    lines = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["zone"])]
