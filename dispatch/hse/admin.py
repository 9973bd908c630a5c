"""Admin: the configuration and reference rows (risk tables, registers, checklists, training records).

Register entries and nonconformities are read-only here: they change through the services (API), which
evaluate, version and record every change."""

from django.contrib import admin

from dispatch.common.admin import ReadOnlyAdmin

from .models import (
    CapaAction,
    Hazard,
    HazardControl,
    HazardRegister,
    HazardRevision,
    Incident,
    InspectionChecklist,
    Nonconformity,
    NonconformityEvent,
    RiskMethodConfig,
    SelfInspection,
    TrainingRecord,
)


@admin.register(RiskMethodConfig)
class RiskMethodConfigAdmin(admin.ModelAdmin):
    list_display = ["__str__", "action_reminder_days", "training_warning_days", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RiskMethodConfig.objects.exists()

    def get_changeform_initial_data(self, request):
        defaults = RiskMethodConfig.defaults()
        return {name: getattr(defaults, name) for name in ("lec_likelihood", "lec_exposure", "lec_consequence",
                                                          "lec_bands", "matrix_bands")}

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HazardRegister)
class HazardRegisterAdmin(admin.ModelAdmin):
    list_display = ["name", "method", "office", "is_active"]
    list_filter = ["method", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # The method cannot change once entries were evaluated with it.
        return ["method"] if obj is not None and obj.hazards.exists() else []

    def has_delete_permission(self, request, obj=None):
        return False



class ControlInline(admin.TabularInline):
    model = HazardControl
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(ControlInline):
    model = HazardRevision
    fields = ["version", "at", "actor", "action", "reason", "changes"]
    readonly_fields = fields


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["number", "activity", "category", "band", "significant", "office", "review_date", "status"]
    list_filter = ["register", "kind", "band", "significant", "status"]
    search_fields = ["number", "activity", "description"]
    inlines = [ControlInline, RevisionInline]


class ActionInline(ControlInline):
    model = CapaAction


class EventInline(ControlInline):
    model = NonconformityEvent


@admin.register(Nonconformity)
class NonconformityAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "source", "status", "office", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["number", "title"]
    inlines = [ActionInline, EventInline]


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "area", "every_days", "next_due", "is_active"]
    list_filter = ["is_active"]


@admin.register(SelfInspection)
class SelfInspectionAdmin(ReadOnlyAdmin):
    list_display = ["checklist", "date", "inspector"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "occurred_at", "place", "status"]
    list_filter = ["kind", "status"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["staff", "course", "completed_on", "valid_until", "skill"]
    search_fields = ["course", "staff__employee_no", "staff__user__username"]
