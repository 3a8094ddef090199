"""Launches, Imbizos and consultations per zone; who attended; issues raised and commitments
pronounced there, with owner, due date, status and a follow-up history.

An item is overdue when its due date has passed and it is neither done nor dropped
(see services.overdue_items; "today" is a parameter so reports and tests are reproducible).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class EventKind(models.TextChoices):
    LAUNCH = "launch", "Launch"
    IMBIZO = "imbizo", "Imbizo"
    CONSULTATION = "consultation", "Consultation"
    OTHER = "other", "Other"


class Event(models.Model):
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    title = models.CharField(max_length=300)
    zone = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="engagement_events",
                             limit_choices_to={"level": "zone"})
    date = models.DateField()
    venue = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    sources = models.TextField(blank=True, help_text="Where the facts recorded here come from (one per line)")
    is_reference = models.BooleanField(default=False, help_text="A historical fact loaded by ddm setup")
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "zone"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %B %Y})"

    def get_absolute_url(self) -> str:
        return reverse("engagement:event", args=[self.pk])


class StakeholderGroup(models.TextChoices):
    NATIONAL = "national", "National government"
    PROVINCIAL = "provincial", "Provincial government"
    LOCAL = "local", "Local government"
    RELIGIOUS = "religious", "Religious leaders"
    NGOS = "ngos", "NGOs"
    YOUTH = "youth", "Youth"
    WOMEN = "women", "Women"
    COMMUNITY = "community", "Community organisations"
    TRADITIONAL = "traditional", "Traditional leaders"
    BUSINESS = "business", "Business"
    LABOUR = "labour", "Labour"
    POLITICAL = "political", "Political leaders"
    OTHER = "other", "Other"


SPHERE_GROUPS = (StakeholderGroup.NATIONAL, StakeholderGroup.PROVINCIAL, StakeholderGroup.LOCAL)


class Attendance(models.Model):
    """Who attended, by sphere or stakeholder group: a head count and/or named organisations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    group = models.CharField(max_length=16, choices=StakeholderGroup.choices)
    count = models.PositiveIntegerField(null=True, blank=True, help_text="Blank when not counted")
    organisations = models.TextField(blank=True, help_text="Named organisations or office-bearers, one per line")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "group"], name="unique_attendance_group")]
        ordering = ["event", "group"]

    def organisation_list(self) -> list[str]:
        return [line.strip() for line in self.organisations.splitlines() if line.strip()]


class ItemKind(models.TextChoices):
    ISSUE = "issue", "Issue raised"
    COMMITMENT = "commitment", "Commitment pronounced"


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


CLOSED_STATUSES = (ItemStatus.DONE, ItemStatus.DROPPED)


class Item(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    text = models.TextField()
    raised_by = models.CharField(max_length=200, blank=True, help_text="Who raised or pronounced it, e.g. the President")
    owner_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="engagement_items")
    owner_person = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    projects = models.ManyToManyField("investment.Project", blank=True, related_name="engagement_items")
    action = models.ForeignKey("oneplan.Action", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="engagement_items")
    indicator = models.ForeignKey("oneplan.PlanIndicator", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="engagement_items",
                                  help_text="The plan indicator it should move (blank: its action's)")
    source = models.CharField(max_length=500, blank=True, help_text="Where it is recorded (for reference items)")
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner(self) -> str:
        return " / ".join(str(x) for x in (self.owner_organisation, self.owner_person) if x) or "no owner"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_date is not None and self.due_date < today and self.status not in CLOSED_STATUSES

    def days_overdue(self, today: datetime.date) -> int:
        """Days since the due date of an overdue item; 0 when it is not overdue."""
        if self.due_date is None or not self.is_overdue(today):
            return 0
        return (today - self.due_date).days


class FollowUp(models.Model):
    """One entry of an item's follow-up history: a note and, when it changed, the new status."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField()
    note = models.TextField()
    old_status = models.CharField(max_length=16, choices=ItemStatus.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=ItemStatus.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "date", "pk"]
