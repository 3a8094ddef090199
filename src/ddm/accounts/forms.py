"""Form fields shared by every app that picks an organisation."""

from collections.abc import Iterable, Iterator
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Manager, QuerySet
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ddm.accounts.models import SCOPE_FIELD, Organisation, RoleKind, RoleScope
from ddm.places.models import Place


class OrganisationInput(forms.TextInput):
    """A text input searching a <datalist> of organisation labels (native type-ahead, no script needed)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.labels: Iterable[str] = []

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: BaseRenderer | None = None) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-options"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        options = format_html_join("", '<option value="{}"></option>', ((label,) for label in self.labels))
        return format_html('{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer),
                           list_id, options)


class OrganisationField(forms.ModelChoiceField[Organisation]):
    """Pick an organisation by its label ("Health (Eastern Cape)") from a searchable list, or by its code."""

    widget = OrganisationInput

    def __init__(self, queryset: QuerySet[Organisation] | None = None, **kwargs: Any) -> None:
        queryset = queryset if queryset is not None else Organisation.objects.all()
        kwargs.setdefault("help_text", "Start typing the name and pick from the list, e.g. Health (Eastern Cape)")
        super().__init__(queryset.select_related("province"), **kwargs)

    def _set_queryset(self, queryset: QuerySet[Organisation] | Manager[Organisation] | None) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]  # Django's private setter; django-stubs omits it
        if isinstance(self.widget, OrganisationInput):
            self.widget.labels = _LazyLabels(self.queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Organisation):
            return value.label
        if value not in self.empty_values and not isinstance(value, str):
            found = self.queryset.filter(pk=value).first()
            return found.label if found else value
        return value

    def to_python(self, value: Any | None) -> Organisation | None:
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if not isinstance(text, str):
            return super().to_python(text)
        by_code = self.queryset.filter(code__iexact=text).first()
        if by_code is not None:
            return by_code
        name = text.rsplit(" (", 1)[0] if text.endswith(")") else text
        matches = [o for o in self.queryset.filter(name__iexact=name) if o.label.lower() == text.lower()
                   or text == name]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            labels = "; ".join(o.label for o in matches[:5])
            raise ValidationError(f"'{text}' could be {labels}: pick one from the list.", code="ambiguous")
        raise ValidationError(f"No organisation '{text}': pick one from the list (name and province) or type its code.",
                              code="invalid_choice")


class _LazyLabels:
    """The labels, read from the database only when the widget renders."""

    def __init__(self, queryset: QuerySet[Organisation]) -> None:
        self.queryset = queryset

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(o.label for o in self.queryset))


class RoleForm(forms.Form):
    """A role and its scope (the scope field the kind needs; the others stay empty)."""

    kind = forms.ChoiceField(label="Role")
    province: forms.ModelChoiceField[Place] = forms.ModelChoiceField(queryset=None, required=False,
                                                              help_text="For a provincial coordinator")
    zone: forms.ModelChoiceField[Place] = forms.ModelChoiceField(queryset=None, required=False, help_text="For a hub member")
    organisation = OrganisationField(required=False, help_text="For a submitter (department or municipality): "
                                     "start typing, e.g. Health (Eastern Cape)")

    def __init__(self, *args: Any, kinds: Iterable[RoleKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds per-form copies of the class fields above, typed only as Field.
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k.value, k.label) for k in kinds]
        province = cast("forms.ModelChoiceField[Place]", self.fields["province"])
        province.queryset = Place.objects.provinces().without_geometry().order_by("name")
        zone = cast("forms.ModelChoiceField[Place]", self.fields["zone"])
        zone.queryset = Place.objects.zones().without_geometry().order_by("code")
        zone.label_from_instance = lambda z: f"{z.code} {z.name}"  # type: ignore[method-assign,assignment]

    def scope(self) -> RoleScope:
        needed = SCOPE_FIELD.get(self.cleaned_data["kind"])
        # The key is the kind's one scope field, so the value is the Place or Organisation RoleScope gives it.
        return cast(RoleScope, {needed: self.cleaned_data[needed]} if needed else {})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        needed = SCOPE_FIELD.get(data.get("kind", ""))
        if needed and not data.get(needed):
            self.add_error(needed, f"This role needs a {needed}.")
        return data


class InviteForm(RoleForm):
    username = forms.SlugField(max_length=150, help_text="Letters, digits, - and _; e.g. nmokoena")
    full_name = forms.CharField(max_length=300)
    email = forms.EmailField(required=False)
    field_order = ["username", "full_name", "email", "kind", "province", "zone", "organisation"]
