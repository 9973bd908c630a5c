"""Entering and changing register entries on the officer's pages; the services evaluate, check and version."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Hazard
from .services.register import EDITABLE


class HazardForm(forms.ModelForm):
    reason = forms.CharField(label=_("Why (kept with the revision)"), max_length=500,
                             widget=forms.TextInput(attrs={"size": 60}))

    class Meta:
        model = Hazard
        fields = ["register", *EDITABLE]
        widgets = {"analysis_date": forms.DateInput(attrs={"type": "date"}),
                   "review_date": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "acceptability_justification": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers
        self.fields["responsible"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        # Left empty, the analysis is dated today by the service.
        self.fields["analysis_date"].required = False
        if self.instance.pk:
            # The register (and so the method of evaluation) of an entry does not change.
            del self.fields["register"]

    def _post_clean(self):
        # Model validation is the service's job (it evaluates the risk first); keep only the form's own checks.
        pass
