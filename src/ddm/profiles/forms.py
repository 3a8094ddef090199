from django import forms

from ddm.profiles.models import ZoneNarrative


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ZoneNarrative
        fields = ["summary", "challenges", "potentials", "catalytic_projects"]
        widgets = {name: forms.Textarea(attrs={"rows": 5, "cols": 80}) for name in fields}
