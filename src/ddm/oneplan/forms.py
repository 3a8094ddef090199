"""Forms of the One Plan pages; the services in workflow/funding/monitoring/signoff do the rules."""

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet

from ddm.accounts.access import Visitor
from ddm.accounts.models import Organisation
from ddm.documents import ACCEPTED_TEXT
from ddm.investment.models import BudgetLine, Project
from ddm.oneplan import access, monitoring, signoff
from ddm.oneplan.models import (
    Action,
    Commitment,
    FocalArea,
    IndicatorActual,
    Phase,
    PhaseDocument,
    PlanIndicator,
    PlanVersion,
    ProjectStage,
    Strategy,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisionForm(forms.Form):
    vision = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text="The zone's long-term vision statement.")


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["planned_start", "planned_end", "actual_start", "actual_end", "owner", "notes"]
        widgets = dict.fromkeys(["planned_start", "planned_end", "actual_start", "actual_end"], DATE)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PhaseDocument
        fields = ["title", "file"]
        help_texts = {"file": f"{ACCEPTED_TEXT}; no macros"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.FileField, self.fields["file"]).allow_empty_file = True  # the model's validator refuses it, naming it


def _choose_from(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in a model choice field (the model form declares the field: this narrows its type)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class UniqueCodeInVersion:
    """The code is unique within the version (the version is set on the instance, not a form field)."""

    # Given by the model form this is mixed into.
    cleaned_data: dict[str, Any]
    instance: Any

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        others = type(self.instance).objects.filter(version=self.instance.version, code=code).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"The code '{code}' is already used in this version.")
        return code


class FocalAreaForm(UniqueCodeInVersion, forms.ModelForm):
    class Meta:
        model = FocalArea
        fields = ["code", "name", "order", "description", "reviewed"]


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["focal_area", "title", "description", "horizon", "order"]

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "focal_area", version.focal_areas.all())


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["strategy", "title", "description", "horizon", "order"]

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "strategy", Strategy.objects.filter(focal_area__version=version).select_related("focal_area"))


class CommitmentForm(forms.ModelForm):
    """Projects offered: those located in the zone of the organisations the user may commit for."""

    class Meta:
        model = Commitment
        fields = ["action", "organisation", "description", "projects", "budget_lines"]
        widgets = {"projects": forms.CheckboxSelectMultiple, "budget_lines": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, version: PlanVersion, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = version.plan.zone
        organisations = access.committing_organisations(user, zone, version)
        _choose_from(self, "action", Action.objects.filter(strategy__focal_area__version=version))
        offered = Q(locations__zone=zone, organisation__in=organisations)
        if self.instance.pk:
            # The commitment's own organisation stays selectable for a submitter who may manage but not add it,
            # and projects linked before stay listed (one query: a distinct and a plain queryset cannot be OR-ed).
            organisations = Organisation.objects.filter(
                Q(pk__in=organisations.values("pk")) | Q(pk=self.instance.organisation_id))
            offered |= Q(pk__in=self.instance.projects.values("pk"))
        _choose_from(self, "organisation", organisations)
        projects = Project.objects.filter(offered).distinct()
        _choose_from(self, "projects", projects.select_related("organisation"))
        _choose_from(self, "budget_lines", BudgetLine.objects.filter(project__in=projects).select_related("project"))
        self.fields["projects"].required = self.fields["budget_lines"].required = False


class ReportForm(forms.Form):
    progress = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Progress this quarter: what was done, spent, delayed and why.")


class StageForm(forms.ModelForm):
    class Meta:
        model = ProjectStage
        fields = ["project", "stage", "planned_start", "planned_end", "actual_start", "actual_end", "status", "note"]
        widgets = dict.fromkeys(["planned_start", "planned_end", "actual_start", "actual_end"], DATE)

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "project", commitment.projects.all())


class IndicatorForm(UniqueCodeInVersion, forms.ModelForm):
    """An indicator defined by the plan, or taken from the zone profile: give its profile code and leave the
    name, unit, source and baseline blank to have them filled from the profile."""

    FROM_PROFILE = ["name", "unit", "source", "baseline_value", "baseline_year"]

    class Meta:
        model = PlanIndicator
        fields = ["focal_area", "code", "profile_code", "name", "unit", "source", "baseline_value", "baseline_year",
                  "target_value", "target_year"]

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = version.plan.zone
        _choose_from(self, "focal_area", version.focal_areas.all())
        for name in self.FROM_PROFILE:
            self.fields[name].required = False
            self.fields[name].help_text = "Blank: taken from the zone profile (with a profile code)."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("profile_code") or "").strip()
        if code:
            found = monitoring.profile_baseline(self.zone, code)
            if found is None:
                self.add_error("profile_code", f"The {self.zone.code} zone profile has no value of indicator '{code}'.")
                return data
            for name, value in zip(self.FROM_PROFILE, found, strict=True):
                if data.get(name) in (None, ""):
                    data[name] = value
        for name in self.FROM_PROFILE:
            if name != "unit" and data.get(name) in (None, ""):
                self.add_error(name, "Required (or give a profile code to take it from the zone profile).")
        return data


class ActualForm(forms.ModelForm):
    class Meta:
        model = IndicatorActual
        fields = ["period", "period_end", "value", "evidence"]
        widgets = {"period_end": DATE}


class SignForm(forms.Form):
    party = forms.ChoiceField(label="Signing for")
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, version: PlanVersion, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ChoiceField)  # declared above: narrows the type
        party.choices = [(p.key, p.label) for p in self.parties(user, version)]

    @staticmethod
    def parties(user: Visitor, version: PlanVersion) -> list[signoff.Party]:
        return signoff.unsigned_parties_for(user, version)


class ReturnForm(SignForm):
    @staticmethod
    def parties(user: Visitor, version: PlanVersion) -> list[signoff.Party]:
        return signoff.parties_for(user, version)

    comment = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Why the draft goes back to Drafting; every sign-off so far is cleared.")


class ReviewForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why the plan is reviewed (e.g. the five-year review).")
