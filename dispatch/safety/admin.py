from django.contrib import admin

from dispatch.common.admin import ReadOnlyAdmin

from .models import (
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    HazardGradePolicy,
    HazardType,
    Inspection,
    InspectionInterval,
    InspectionPlan,
    PipelineEndPoint,
    PressureRange,
    SafetyFile,
    SafetyPolicy,
)


@admin.register(InspectionInterval)
class InspectionIntervalAdmin(admin.ModelAdmin):
    list_display = ["customer_class", "months"]


@admin.register(HazardGradePolicy)
class HazardGradePolicyAdmin(admin.ModelAdmin):
    list_display = ["grade", "rectify_within_days"]


@admin.register(SafetyPolicy)
class SafetyPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "no_access_attempts", "inspection_capacity_percent", "notice_days_before",
                    "pressure_samples_per_area"]


@admin.register(PressureRange)
class PressureRangeAdmin(admin.ModelAdmin):
    list_display = ["gas_type", "rated_kpa", "min_kpa", "max_kpa"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["customer_class", "gas_type", "version", "is_active", "created_at"]
    list_filter = ["customer_class", "gas_type", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # A version in use by an inspection is history: make a new version instead of editing it.
        if obj is not None and obj.inspections.exists():
            return ["customer_class", "gas_type", "version", "items"]
        return []


@admin.register(HazardType)
class HazardTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "default_grade", "customer_must_act", "is_theft", "is_active"]
    list_filter = ["default_grade", "is_theft", "is_active"]


@admin.register(PipelineEndPoint)
class PipelineEndPointAdmin(admin.ModelAdmin):
    list_display = ["premises", "is_active", "last_sampled_on"]
    raw_id_fields = ["premises"]



class HazardEventInline(admin.TabularInline):
    model = HazardEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "reason", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["premises", "hazard_type", "grade", "status", "found_at", "deadline"]
    list_filter = ["grade", "status", "hazard_type"]
    inlines = [HazardEventInline]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["premises", "outcome", "inspected_at", "checklist_version"]
    list_filter = ["outcome"]


@admin.register(SafetyFile)
class SafetyFileAdmin(ReadOnlyAdmin):
    list_display = ["premises", "last_inspected_on", "no_access_attempts", "escalated_at"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["area", "year", "orders_created", "created_at"]
