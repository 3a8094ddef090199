from typing import Any

from django import forms
from django.db.models import QuerySet

from ddm.accounts.forms import OrganisationField
from ddm.engagement.models import Event, Item, ItemStatus, StakeholderGroup
from ddm.investment.models import Project
from ddm.oneplan.models import Action, PlanIndicator
from ddm.places.models import Place


class DateInput(forms.DateInput):
    input_type = "date"


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "date", "venue", "description", "sources"]
        widgets = {"date": DateInput, "description": forms.Textarea(attrs={"rows": 4}),
                   "sources": forms.Textarea(attrs={"rows": 2})}


class AttendanceForm(forms.Form):
    group = forms.ChoiceField(choices=StakeholderGroup.choices)
    count = forms.IntegerField(min_value=0, required=False, help_text="Blank when not counted")
    organisations = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="Named organisations or office-bearers, one per line")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("count") is None and not (data.get("organisations") or "").strip():
            raise forms.ValidationError("Give a head count, named organisations, or both.")
        return data


class ItemForm(forms.ModelForm):
    owner_organisation = OrganisationField(required=False, label="Owner organisation")

    class Meta:
        model = Item
        fields = ["kind", "text", "raised_by", "owner_organisation", "owner_person", "due_date", "status"]
        widgets = {"due_date": DateInput, "text": forms.Textarea(attrs={"rows": 3})}


class ItemEditForm(ItemForm):
    class Meta(ItemForm.Meta):
        fields = ["kind", "text", "raised_by", "owner_organisation", "owner_person", "due_date"]


class FollowUpForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(choices=[("", "(unchanged)"), *ItemStatus.choices], required=False)


class LinksForm(forms.Form):
    """Links of an item to One Plan actions, register projects and plan indicators of the same zone."""

    action: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    projects: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(queryset=None, required=False)
    indicator: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The plan indicator it should move (blank: its action's)")

    def __init__(self, *args: Any, zone: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, QuerySet[Any]] = {
            "action": Action.objects.filter(strategy__focal_area__version__plan__zone=zone),
            "projects": Project.objects.filter(locations__zone=zone).distinct(),
            "indicator": PlanIndicator.objects.filter(version__plan__zone=zone)}
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
