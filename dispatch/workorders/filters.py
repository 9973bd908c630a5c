from django_filters import rest_framework as filters

from .kinds import kind_choices
from .models import Priority, SlaState, Status, WorkOrder


class WorkOrderFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices)
    sla_state = filters.MultipleChoiceFilter(choices=SlaState.choices)
    kind = filters.MultipleChoiceFilter(choices=kind_choices)
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    unassigned = filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = WorkOrder
        fields = ["office", "area", "assignee", "scheduled_date", "premises", "status", "priority", "kind",
                  "sla_state"]
