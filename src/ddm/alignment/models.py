"""Review decisions on duplicate candidates.

A decision is about one pair of projects (stored with the lower id first) and remembers a
fingerprint of both projects as they were when decided, so the pair is not flagged again unless
either project changes. A "duplicate" decision names the record that stands; the other record's
Project.duplicate_of points at it, so the quantum counts the undertaking once.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ddm.investment.models import Project


class Decision(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate (the same undertaking)"
    RELATED = "related", "Related (linked, but both count)"
    DISTINCT = "distinct", "Distinct projects"


class DuplicateReview(models.Model):
    project_a = models.ForeignKey("investment.Project", on_delete=models.CASCADE, related_name="+")
    project_b = models.ForeignKey("investment.Project", on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+",
                             help_text="The zone whose review list the decision was made in")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    standing = models.ForeignKey(
        "investment.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="For a duplicate: the record that stands (the other is marked duplicate_of it)",
    )
    note = models.TextField(blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    decided = models.DateTimeField(auto_now=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Candidate score when decided")
    reasons = models.JSONField(default=list, blank=True)
    fingerprint_a = models.CharField(max_length=64)
    fingerprint_b = models.CharField(max_length=64)
    # Both projects as they were when decided (title, organisation, reference, years, amounts, places).
    snapshot = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project_a", "project_b"], name="unique_duplicate_review_pair"),
            models.CheckConstraint(condition=models.Q(project_a__lt=models.F("project_b")),
                                   name="duplicate_review_pair_ordered"),
        ]
        ordering = ["-decided"]

    def __str__(self) -> str:
        return f"{self.project_a_id}/{self.project_b_id}: {self.decision}"

    @property
    def other(self) -> "Project | None":
        """For a duplicate: the record marked as not counted."""
        if self.standing_id is None:
            return None
        return self.project_b if self.standing_id == self.project_a_id else self.project_a
