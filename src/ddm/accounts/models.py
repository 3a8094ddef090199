"""Who acts: organisations (every sphere's submitters) and users' scoped roles.

Organisation lives here rather than in investment because a submitter's scope is an organisation,
and accounts sits below investment in the dependency order (see docs/architecture.md).
"""

import hashlib
import secrets
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords

from ddm.places.models import Place


class Sphere(models.TextChoices):
    NATIONAL = "national", "National"
    PROVINCIAL = "provincial", "Provincial"
    LOCAL = "local", "Local"
    PARASTATAL = "parastatal", "Parastatal"
    PRIVATE = "private", "Private sector"


GOVERNMENT_SPHERES = (Sphere.NATIONAL, Sphere.PROVINCIAL, Sphere.LOCAL, Sphere.PARASTATAL)


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", "Department"
    MUNICIPALITY = "municipality", "Municipality"
    PUBLIC_ENTITY = "public_entity", "Public entity"
    COMPANY = "company", "Company"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def government(self) -> "OrganisationQuerySet":
        return self.filter(sphere__in=GOVERNMENT_SPHERES)


class Organisation(models.Model):
    code = models.SlugField(max_length=80, unique=True, help_text="Stable code, e.g. nat-health, kzn-health, ETH")
    name = models.CharField(max_length=200)
    sphere = models.CharField(max_length=16, choices=Sphere.choices)
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    province = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "province"},
    )
    municipality = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level__in": ["municipality", "zone"]},
        help_text="For a municipality: its place (a district municipality points at its zone).",
    )
    aliases = models.JSONField(default=list, blank=True, help_text="Former and informal names")
    # First month of the organisation's financial year: 4 (April-March) or 7 (July-June).
    fy_start_month = models.PositiveSmallIntegerField(default=4)
    is_reference = models.BooleanField(default=False, help_text="Loaded from the reference lists")
    publish_on_submit = models.BooleanField(
        default=False, help_text="Its submissions are published when submitted, without review (set by an "
                                 "administrator for organisations whose own process already reviews them)",
    )
    vote_number = models.PositiveSmallIntegerField(null=True, blank=True)
    website = models.URLField(blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sphere", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name with its sphere and province, so ten Health departments read apart: "Health (Eastern Cape)",
        "Health (national)", "Amathole (municipality, Eastern Cape)". Select the province to avoid a query."""
        if self.sphere == Sphere.PROVINCIAL and self.province is not None:
            return f"{self.name} ({self.province.name})"
        if self.sphere == Sphere.LOCAL:
            where = f", {self.province.name}" if self.province is not None else ""
            return f"{self.name} (municipality{where})"
        return f"{self.name} ({self.get_sphere_display().lower()})"

    def clean(self) -> None:
        if self.sphere == Sphere.PROVINCIAL and not self.province_id:
            raise ValidationError({"province": "A provincial organisation needs its province."})
        if self.fy_start_month not in (1, 3, 4, 7, 10):
            raise ValidationError({"fy_start_month": "Financial years start in January, March, April, July or October."})


class RoleKind(models.TextChoices):
    ADMIN = "admin", "National administrator"
    PROVINCIAL = "provincial", "Provincial coordinator"
    HUB = "hub", "Hub member"
    SUBMITTER = "submitter", "Submitter"
    APPROVER = "approver", "Organisation approver"
    # A provincial treasury (scoped by province), DCoG or the Presidency's infrastructure office (no
    # scope: every government organisation) sending one file for many organisations.
    CONSOLIDATOR = "consolidator", "Consolidator"
    VIEWER = "viewer", "Viewer"


SCOPE_FIELD: dict[str, str] = {
    RoleKind.PROVINCIAL: "province",
    RoleKind.HUB: "zone",
    RoleKind.SUBMITTER: "organisation",
    RoleKind.APPROVER: "organisation",
}


class RoleScope(TypedDict, total=False):
    """A role's scope as keyword arguments: the one field SCOPE_FIELD names for its kind (a consolidator may
    also have a province), or none."""

    province: Place
    zone: Place
    organisation: "Organisation"


class Role(models.Model):
    """One scoped role of a user; a user may hold several (e.g. hub member of two zones)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ddm_roles")
    kind = models.CharField(max_length=16, choices=RoleKind.choices)
    province = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "province"},
    )
    zone = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "zone"},
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="roles")
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "province", "zone", "organisation"], name="unique_role_scope",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        scope = self.province or self.zone or self.organisation
        return f"{self.get_kind_display()} ({scope})" if scope else self.get_kind_display()

    def clean(self) -> None:
        needed = SCOPE_FIELD.get(self.kind)
        scopes = {"province": self.province_id, "zone": self.zone_id, "organisation": self.organisation_id}
        if needed and not scopes[needed]:
            raise ValidationError({needed: f"A {self.get_kind_display().lower()} needs a {needed}."})
        allowed = {needed, "province"} if self.kind == RoleKind.CONSOLIDATOR else {needed}
        extra = [name for name, value in scopes.items() if value and name not in allowed]
        if extra:
            raise ValidationError(f"A {self.get_kind_display().lower()} is not scoped by {', '.join(extra)}.")


class ApiToken(models.Model):
    """A bearer token for scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> str:
        """Create a token; the clear text is returned once and never stored."""
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, digest=cls._digest(token))
        return token

    @classmethod
    def user_for(cls, token: str) -> User | None:
        found = cls.objects.select_related("user").filter(digest=cls._digest(token), user__is_active=True).first()
        if found is None:
            return None
        cls.objects.filter(pk=found.pk).update(last_used=timezone.now())
        return found.user


# Staff, superuser and active flags and group changes of users are audited like every other change
# (roles have their own history above); the password hash and sign-in times are not copied.
register(get_user_model(), app="ddm.accounts", excluded_fields=["password", "last_login"])
