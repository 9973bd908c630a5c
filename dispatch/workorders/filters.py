from django_filters import rest_framework as filters

from .kinds import kind_choices
from .models import Priority, SlaState, Status, WorkOrder


class WorkOrderFilter(filters.FilterSet):
    # distinct=False: these are columns of the order itself, so no row can repeat. django-filter's default
    # (distinct=True) makes the queue a SELECT DISTINCT over every column, which must read, join and sort every
    # matching order before it can return the first page.
    status = filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    sla_state = filters.MultipleChoiceFilter(choices=SlaState.choices, distinct=False)
    kind = filters.MultipleChoiceFilter(choices=kind_choices, distinct=False)
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    unassigned = filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = WorkOrder
        fields = ["office", "area", "assignee", "scheduled_date", "premises", "status", "priority", "kind",
                  "sla_state"]
