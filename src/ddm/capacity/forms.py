from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from ddm.accounts.access import Visitor, can_coordinate_place
from ddm.capacity.models import BusinessPlanVersion, Hub, PlanAttachment, Position, Skill
from ddm.documents import ACCEPTED_TEXT, DocumentRefused, check_document
from ddm.places.models import Place

# Business plan attachments: the types of ddm.documents, at most 10 MB (or the site limit if lower).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attachment_limit() -> int:
    return min(ATTACHMENT_MAX_BYTES, settings.DDM_MAX_UPLOAD_BYTES)


class DateInput(forms.DateInput):
    input_type = "date"


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["person_name", "appointed_on", "contract_end"]
        widgets = {"appointed_on": DateInput, "contract_end": DateInput}
        labels = {"person_name": "Person (blank: vacant)"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("appointed_on"), data.get("contract_end")
        if start and end and end < start:
            raise forms.ValidationError("The contract cannot end before the appointment.")
        if data.get("person_name") and not start:
            self.add_error("appointed_on", "Give the appointment date of the person filling the role.")
        return data


class PlanForm(forms.ModelForm):
    class Meta:
        model = BusinessPlanVersion
        fields = ["needs", "resources_requested"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 8}), "resources_requested": forms.Textarea(attrs={"rows": 5})}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = PlanAttachment
        fields = ["title", "file"]
        help_texts = {"file": f"{ACCEPTED_TEXT}; no macros"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.FileField, self.fields["file"]).allow_empty_file = True  # check_document refuses it, naming the file

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            check_document(upload, attachment_limit())
        except DocumentRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class SkillsUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX in the template's layout")
    dry_run = forms.BooleanField(required=False, label="Check only (write nothing)")
    accept_valid = forms.BooleanField(required=False, label="Write the valid rows even if some rows have errors")

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > settings.DDM_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"{upload.name} is larger than the upload limit.")
        return upload


class OverrideForm(forms.Form):
    skill = forms.ModelChoiceField(Skill.objects.all(), to_field_name="code")
    required = forms.IntegerField(min_value=0, max_value=10000, required=False,
                                  help_text="Blank: remove the override (back to the weighted default)")
    reason = forms.CharField(max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("required") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why this municipality's requirement differs from the default.")
        return data


class HubForm(forms.ModelForm):
    zones = forms.ModelMultipleChoiceField(
        Place.objects.zones().without_geometry().order_by("code"), to_field_name="code",
        widget=forms.CheckboxSelectMultiple, help_text="The zones this hub serves (one or more)")

    class Meta:
        model = Hub
        fields = ["name", "zones", "established", "contact_name", "contact_email", "contact_phone"]
        widgets = {"established": DateInput}

    def __init__(self, *args: Any, user: Visitor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_zones(self) -> QuerySet[Place]:
        zones = self.cleaned_data["zones"]
        # Every zone added or removed must be one the user covers; unchanged zones may stay.
        before = set(self.instance.zones.all()) if self.instance.pk else set()
        changed = sorted(set(zones) ^ before, key=lambda z: z.code)
        outside = [z.code for z in changed if not can_coordinate_place(self.user, z)]
        if outside:
            raise forms.ValidationError(f"You have no role covering {', '.join(outside)}.")
        return zones
