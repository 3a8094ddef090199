"""One Plan: each zone's intergovernmental plan as data, versioned, from diagnostic to review.

A OnePlan belongs to one zone and has numbered PlanVersions. A version carries the whole content
(vision, focal areas > strategies > actions > commitments, M&E indicators), its formulation phases
and its sign-offs. A review copies the adopted version into a new draft version; the adopted one
stays frozen and readable. Business rules live in workflow.py, signoff.py, funding.py and
monitoring.py; models only guard what must never happen (editing frozen content).
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from simple_history.models import HistoricalRecords

from ddm.documents import DocumentRefused, check_document


class PlanFrozen(Exception):
    """Raised when content of an adopted (frozen) version would change."""


class PhaseKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Deep Dive Diagnostic"
    VISION = "vision", "Vision Setting"
    STRATEGY = "strategy", "Strategy Formulation"
    IMPLEMENTATION_PLANNING = "implementation_planning", "Implementation Planning"
    DRAFTING = "drafting", "Drafting"
    ADOPTION = "adoption", "Adoption (Intergovernmental)"
    IMPLEMENTATION = "implementation", "Implementation & Review"


PHASE_ORDER = [kind for kind, _label in PhaseKind.choices]


class PhaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft (in formulation)"
    ADOPTED = "adopted", "Adopted"
    SUPERSEDED = "superseded", "Superseded by a reviewed version"


class Horizon(models.TextChoices):
    SHORT = "short", "Short term (1-5 years)"
    MEDIUM = "medium", "Medium term (5-10 years)"
    LONG = "long", "Long term (10+ years)"


# The default focal areas of a One Plan (DDM One Plan guidelines); editable per plan.
DEFAULT_FOCAL_AREAS = [
    ("people", "People development and demographics"),
    ("economy", "Economic positioning"),
    ("spatial", "Spatial restructuring and environmental sustainability"),
    ("infrastructure", "Infrastructure engineering"),
    ("services", "Integrated service provisioning"),
    ("governance", "Governance and management"),
]


def validate_document_size(upload: File) -> None:
    """The file validator of PhaseDocument: the shared type, content and size check of ddm.documents.

    Named for its first job (size only); migration 0001 refers to it by this name."""
    try:
        check_document(upload)
    except DocumentRefused as exc:
        raise ValidationError(str(exc)) from exc


class OnePlan(models.Model):
    zone = models.OneToOneField(
        "places.Place", on_delete=models.PROTECT, related_name="one_plan", limit_choices_to={"level": "zone"}
    )
    title = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Demo data loaded by `ddm setup`, not a real plan")
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["zone__code"]
        verbose_name = "One Plan"

    def __str__(self) -> str:
        return self.title or f"{self.zone.display_name} One Plan"

    @property
    def current(self) -> "PlanVersion | None":
        """The newest version (the draft under review, or the adopted one)."""
        return self.versions.order_by("-number").first()

    @property
    def adopted(self) -> "PlanVersion | None":
        return self.versions.filter(status=VersionStatus.ADOPTED).order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(OnePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    frozen = models.BooleanField(default=False, help_text="Adopted content: no further edits")
    adopted_on = models.DateField(null=True, blank=True)
    current_phase = models.CharField(max_length=32, choices=PhaseKind.choices, default=PhaseKind.DIAGNOSTIC)
    vision = models.TextField(blank=True)
    # Diagnostic gate: the zone profile the diagnostic relied on (link and date it was read).
    profile_url = models.CharField(max_length=300, blank=True)
    profile_snapshot_date = models.DateField(null=True, blank=True)
    review_reason = models.TextField(blank=True, help_text="Why this version was opened (for a review)")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version_number")]
        ordering = ["plan_id", "number"]

    def __str__(self) -> str:
        return f"{self.plan.zone.code} One Plan v{self.number} ({self.get_status_display()})"

    def phase(self, kind: str) -> "Phase":
        return self.phases.get(kind=kind)

    def guard(self) -> None:
        if self.frozen:
            raise PlanFrozen(f"{self} is adopted and frozen; open a review to change it.")


class VersionContent(models.Model):
    """Content of a version: refuses to change once the version is frozen."""

    class Meta:
        abstract = True

    def plan_version(self) -> "PlanVersion":
        raise NotImplementedError

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.plan_version().guard()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.plan_version().guard()
        return super().delete(*args, **kwargs)


class Phase(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=32, choices=PhaseKind.choices)
    order = models.PositiveSmallIntegerField()
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    owner = models.CharField(max_length=200, blank=True, help_text="Who leads this phase (person or office)")
    status = models.CharField(max_length=16, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "kind"], name="unique_phase_per_version")]
        ordering = ["version_id", "order"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def is_late(self, today: datetime.date) -> bool:
        """Late: planned end passed and not completed, or completed after the planned end."""
        if self.planned_end is None:
            return False
        if self.actual_end is not None:
            return self.actual_end > self.planned_end
        return self.status != PhaseStatus.COMPLETED and today > self.planned_end


class PhaseDocument(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="oneplan/%Y/%m/", validators=[validate_document_size])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title


# Orderings use the *_id columns: ordering by a relation would pull in that model's own ordering
# (and its relations' ...), a join per level on every query.


class FocalArea(VersionContent):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="focal_areas")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    reviewed = models.BooleanField(default=False, help_text="Drafting: the draft text of this focal area is reviewed")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_focal_area_code")]
        ordering = ["version_id", "order", "code"]

    def __str__(self) -> str:
        return self.name

    def plan_version(self) -> "PlanVersion":
        return self.version


class Strategy(VersionContent):
    focal_area = models.ForeignKey(FocalArea, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.MEDIUM)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["focal_area_id", "order", "pk"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title

    def plan_version(self) -> "PlanVersion":
        return self.focal_area.version


class Action(VersionContent):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.SHORT)
    order = models.PositiveSmallIntegerField(default=0)
    # The same action in the previous version (set when a review copies the plan).
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    indicator = models.ForeignKey("PlanIndicator", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="actions", help_text="The plan indicator this action should move")

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def plan_version(self) -> "PlanVersion":
        return self.strategy.focal_area.version


class Commitment(VersionContent):
    """An organisation commits to deliver an action, with register projects and budget lines."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="commitments")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="oneplan_commitments")
    description = models.TextField(blank=True)
    projects = models.ManyToManyField("investment.Project", blank=True, related_name="oneplan_commitments")
    budget_lines = models.ManyToManyField("investment.BudgetLine", blank=True, related_name="oneplan_commitments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    # The links to projects and lines are the chain's evidence: every change is kept.
    history = HistoricalRecords(m2m_fields=[projects, budget_lines])

    class Meta:
        ordering = ["action_id", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.action}"

    def plan_version(self) -> "PlanVersion":
        return self.action.strategy.focal_area.version


class CommitmentReport(models.Model):
    """A quarterly progress report on a commitment (implementation record: allowed after adoption)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports")
    quarter = models.CharField(max_length=8, help_text="Calendar quarter, e.g. 2026Q3")
    progress = models.TextField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_id", "-quarter", "-created"]

    def __str__(self) -> str:
        return f"{self.commitment} {self.quarter}"


class StageKind(models.TextChoices):
    PREPARATION = "preparation", "Project Preparation"
    FUNDING = "funding", "Funding Mobilisation"
    IMPLEMENTATION = "implementation", "Project Implementation"
    MONITORING = "monitoring", "Monitoring and Evaluation"
    REVIEW = "review", "Plan Review"


STAGE_ORDER = [kind for kind, _label in StageKind.choices]


class ProjectStage(models.Model):
    """Implementation stage of one committed project (implementation record: allowed after adoption)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="stages")
    project = models.ForeignKey("investment.Project", on_delete=models.CASCADE, related_name="oneplan_stages")
    stage = models.CharField(max_length=16, choices=StageKind.choices)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment", "project", "stage"], name="unique_project_stage"),
        ]
        ordering = ["commitment_id", "project_id", "stage"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()}"


class SphereParty(models.TextChoices):
    NATIONAL = "national", "National (DCoG)"
    PROVINCIAL = "provincial", "Province (COGTA / Office of the Premier)"
    DISTRICT = "district", "District or metro municipality"
    LOCAL = "local", "Local municipality"


class SignOffDecision(models.TextChoices):
    SIGNED = "signed", "Signed off"
    RETURNED = "returned", "Returned for revision"


class SignOff(models.Model):
    """One sphere's decision on a draft: signed off, or returned for revision with reasons.

    Returning clears the version's sign-offs (cleared is set, rows kept as the record).
    """

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="signoffs")
    party = models.CharField(max_length=16, choices=SphereParty.choices)
    # The province, zone or local municipality signing; empty for national.
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=SignOffDecision.choices, default=SignOffDecision.SIGNED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signatory = models.CharField(max_length=200, blank=True, help_text="Name as recorded (kept if the user goes)")
    signed_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    cleared = models.DateTimeField(null=True, blank=True, help_text="When a return for revision cleared it")

    history = HistoricalRecords()

    class Meta:
        ordering = ["version_id", "signed_at"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.place or ''} {self.get_decision_display()}"


class PlanIndicator(VersionContent):
    """An M&E indicator of the plan: from the zone profile (profile_code) or defined by the plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="indicators")
    focal_area = models.ForeignKey(FocalArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators")
    code = models.SlugField(max_length=80)
    profile_code = models.CharField(max_length=120, blank=True, help_text="Indicator code in the zone profile, if taken from it")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, households, Rand")
    source = models.CharField(max_length=300, help_text="Where the baseline comes from (publisher, survey, year)")
    baseline_value = models.DecimalField(max_digits=18, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField()
    target_value = models.DecimalField(max_digits=18, decimal_places=4)
    target_year = models.PositiveSmallIntegerField()
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_plan_indicator_code")]
        ordering = ["version_id", "code"]

    def __str__(self) -> str:
        return self.name

    def plan_version(self) -> "PlanVersion":
        return self.version

    def clean(self) -> None:
        if self.target_year is not None and self.baseline_year is not None and self.target_year <= self.baseline_year:
            raise ValidationError({"target_year": "The target year must come after the baseline year."})


class IndicatorActual(models.Model):
    """A reported value of a plan indicator for a period (implementation record)."""

    indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.CharField(max_length=20, help_text="As reported, e.g. 2024/25 or 2025Q2")
    period_end = models.DateField(help_text="Last day of the period; progress is judged at this date")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reporter_name = models.CharField(max_length=200, blank=True)
    evidence = models.TextField(help_text="Evidence note: source document, survey or system the value comes from")
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_id", "period_end", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class PlanEvent(models.Model):
    """The audit log of a plan: every transition, sign-off, return, review and edit (who, what, when)."""

    plan = models.ForeignKey(OnePlan, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(PlanVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.kind}: {self.message}"
