"""District and metro hubs (core team, business plan) and municipal skills audits and requirements.

A hub serves one or more zones (one hub for the three Gauteng metros is counted once).
A skills audit is one import of a municipality's posts and people; the latest audit of a
municipality is its current one (older audits stay for the record).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

# A contract ending within this many days is flagged on the hub and national pages.
CONTRACT_WARNING_DAYS = 90


class HubRole(models.TextChoices):
    MANAGER = "manager", "District Hub Manager"
    PLANNER = "planner", "Development Planner"
    INFRASTRUCTURE = "infrastructure", "Infrastructure Specialist"
    ECONOMIST = "economist", "Economist"
    FINANCE = "finance", "Financial Management Specialist"
    CAPACITY = "capacity", "Capacity Building Coordinator"
    SHARED = "shared", "Shared Resources Facilitator"
    MONITORING = "monitoring", "Monitoring Specialist"
    INFORMATION = "information", "Information Management"


class Hub(models.Model):
    name = models.CharField(max_length=200, unique=True)
    zones = models.ManyToManyField("places.Place", related_name="hubs", limit_choices_to={"level": "zone"})
    established = models.DateField(null=True, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Demo data, not a real hub")

    history = HistoricalRecords(m2m_fields=[zones])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("capacity:hub", args=[self.pk])

    def positions_by_role(self) -> list[tuple["HubRole", "Position | None"]]:
        """Every one of the 9 core roles, with its Position (or None when never filled)."""
        found = {p.role: p for p in self.positions.all()}
        return [(role, found.get(role.value)) for role in HubRole]

    def roles_filled(self, today: datetime.date | None = None) -> int:
        """How many of the 9 core roles someone holds today (vacant posts and ended contracts are not filled)."""
        today = today or timezone.localdate()
        return sum(position_status(p, today) != PositionStatus.VACANT for _role, p in self.positions_by_role())


class PositionStatus(models.TextChoices):
    FILLED = "filled", "Filled"
    ENDING = "ending", "Filled, contract ends within 90 days"
    VACANT = "vacant", "Vacant"


class Position(models.Model):
    """One core-team role of a hub: filled by a person or vacant (no person, or contract ended)."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="positions")
    role = models.CharField(max_length=20, choices=HubRole.choices)
    person_name = models.CharField(max_length=200, blank=True, help_text="Blank when vacant")
    appointed_on = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True, help_text="Blank for a permanent post")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "role"], name="unique_hub_role")]
        ordering = ["hub", "role"]

    def __str__(self) -> str:
        return f"{self.hub}: {self.get_role_display()}"

    def status(self, today: datetime.date | None = None) -> "PositionStatus":
        return position_status(self, today or timezone.localdate())


def position_status(position: Position | None, today: datetime.date) -> PositionStatus:
    """Vacant when nobody holds it or the contract has ended; 'ending' within CONTRACT_WARNING_DAYS."""
    if position is None or not position.person_name.strip():
        return PositionStatus.VACANT
    if position.contract_end is not None:
        if position.contract_end < today:
            return PositionStatus.VACANT
        if position.contract_end <= today + datetime.timedelta(days=CONTRACT_WARNING_DAYS):
            return PositionStatus.ENDING
    return PositionStatus.FILLED


class BusinessPlanVersion(models.Model):
    """The hub's business plan as versioned text: every save is a new version, none is overwritten."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="plan_versions")
    version = models.PositiveIntegerField()
    needs = models.TextField(help_text="The hub's needs")
    resources_requested = models.TextField(blank=True, help_text="Additional resources requested")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "version"], name="unique_plan_version")]
        ordering = ["hub", "-version"]

    def __str__(self) -> str:
        return f"{self.hub} business plan v{self.version}"


def attachment_path(instance: "PlanAttachment", filename: str) -> str:
    return f"capacity/hubs/{instance.hub_id}/{filename}"


class PlanAttachment(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_path)
    size = models.PositiveIntegerField(default=0, help_text="Bytes")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hub", "-uploaded"]

    def __str__(self) -> str:
        return self.title


# --- skills -------------------------------------------------------------------------------------


class SkillLevel(models.IntegerChoices):
    """Ordered: a person counts as available for a skill from COUNTS_FROM_LEVEL upwards."""

    BASIC = 1, "Basic"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"
    PROFESSIONAL = 4, "Professional"


# Basic-level holders are learners (in development): shown, but not counted against a requirement.
COUNTS_FROM_LEVEL = SkillLevel.INTERMEDIATE


class Skill(models.Model):
    """A skill of the taxonomy (reference data, data/skills.csv)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    area = models.CharField(max_length=40, help_text="Skill area, used to match development agencies")
    # Key of profiles.services.BACKLOG_INDICATORS whose backlog raises the requirement (blank: none).
    backlog = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "name"]

    def __str__(self) -> str:
        return self.name


class DefaultRequirement(models.Model):
    """How many people with a skill a municipality of a category needs (reference data)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="defaults")
    category = models.CharField(max_length=1, help_text="MDB category: A metro, B local, C district")
    required = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["skill", "category"], name="unique_default_requirement")]


class RequirementOverride(models.Model):
    """A municipality's own requirement for a skill, replacing the weighted default."""

    municipality = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="overrides")
    required = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "skill"], name="unique_requirement_override")]


class Agency(models.Model):
    """A development agency that can support a skill area (reference data, data/agencies.csv)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    areas = models.JSONField(default=list, help_text="Skill areas it supports")
    support = models.TextField(help_text="What support it offers")
    website = models.URLField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class SkillsAudit(models.Model):
    """One import of a municipality's skills audit; the municipality's latest audit is current."""

    municipality = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="skills_audits")
    filename = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=16, default="cli", help_text="cli, upload or demo")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # Issues of rows rejected under --accept-valid: {"file", "sheet", "row", "column", "value", "reason"}.
    issues = models.JSONField(default=list, blank=True)
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality", "-created", "-pk"]

    def __str__(self) -> str:
        return f"Skills audit {self.municipality.code} {self.created:%Y-%m-%d}"


class AuditEntry(models.Model):
    """One person (or vacant post) and one of their skills; a person with two skills is two rows."""

    audit = models.ForeignKey(SkillsAudit, on_delete=models.CASCADE, related_name="entries")
    row = models.PositiveIntegerField(help_text="Row in the source file")
    post_title = models.CharField(max_length=200)
    person_name = models.CharField(max_length=200, blank=True, help_text="Blank: the post is vacant")
    occupational_category = models.CharField(max_length=120, blank=True)
    is_management = models.BooleanField(default=False)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices)

    class Meta:
        ordering = ["audit", "row"]

    @property
    def is_vacant(self) -> bool:
        return not self.person_name
