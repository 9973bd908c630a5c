"""Filters of the register and of nonconformities, shared by the API and the safety officer's pages."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.org.models import Area, ServiceOffice

from .models import EntryKind, Hazard, HazardCategory, HazardRegister, NcSource, NcStatus, Nonconformity, RiskBand

ALL = _("All")


def _yes_no():
    return forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))])


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    register = django_filters.ModelChoiceFilter(label=_("Register"), empty_label=ALL,
                                                queryset=HazardRegister.objects.all())
    kind = django_filters.ChoiceFilter(label=_("Kind"), empty_label=ALL, choices=EntryKind.choices)
    category = django_filters.ChoiceFilter(label=_("Type"), empty_label=ALL, choices=HazardCategory.choices)
    band = django_filters.ChoiceFilter(label=_("Band"), empty_label=ALL, choices=RiskBand.choices)
    significant = django_filters.BooleanFilter(label=_("Significant"), widget=_yes_no())
    office = django_filters.ModelChoiceFilter(label=_("Office"), empty_label=ALL,
                                              queryset=ServiceOffice.objects.all())
    area = django_filters.ModelChoiceFilter(label=_("Area"), empty_label=ALL, queryset=Area.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=ALL, choices=Hazard.Status.choices)
    routine = django_filters.BooleanFilter(label=_("Routine"), widget=_yes_no())
    review_before = django_filters.DateFilter(label=_("Review due by"), field_name="review_date", lookup_expr="lte",
                                              widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Hazard
        fields = ["q", "register", "kind", "category", "band", "significant", "office", "area", "status", "routine",
                  "review_before"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(activity__icontains=value)
                               | Q(description__icontains=value) | Q(origin__icontains=value))


class NonconformityFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=NcStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=NcSource.choices)
    office = django_filters.ModelChoiceFilter(label=_("Office"), queryset=ServiceOffice.objects.all())
    area = django_filters.ModelChoiceFilter(label=_("Area"), queryset=Area.objects.all())

    class Meta:
        model = Nonconformity
        fields = ["status", "source", "office", "area"]
