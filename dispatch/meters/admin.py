"""Admin: the configurable rows (sizes, service life, meter-model registers) and read-mostly registry views.

Meter status never changes here: it moves only through the services (API, work orders), which record events."""

from django.contrib import admin

from dispatch.common.errors import DispatchError

from . import services
from .models import (
    Meter,
    MeterEvent,
    MeterInstallation,
    MeterModelSpec,
    MeterReading,
    MeterServiceLifePolicy,
    MeterSize,
)


@admin.register(MeterSize)
class MeterSizeAdmin(admin.ModelAdmin):
    list_display = ["code", "qmin", "qt", "qmax"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeterServiceLifePolicy)
class MeterServiceLifePolicyAdmin(admin.ModelAdmin):
    list_display = ["gas_type", "years", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: audited, and the stored expiry of that gas's meters is recomputed.
        saved = services.service_life_policy_set(actor=request.user, gas_type=obj.gas_type, years=obj.years)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeterModelSpec)
class MeterModelSpecAdmin(admin.ModelAdmin):
    list_display = ["manufacturer", "model", "register_digits"]
    search_fields = ["manufacturer", "model"]


class MeterEventInline(admin.TabularInline):
    model = MeterEvent
    fields = ["at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MeterInstallationInline(admin.TabularInline):
    model = MeterInstallation
    fields = ["premises", "installed_at", "opening_reading", "removed_at", "closing_reading", "work_order"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = ["serial", "manufacturer", "model", "size", "gas_type", "status", "premises",
                    "service_life_expires_on"]
    list_filter = ["status", "meter_type", "gas_type", "size", "accuracy_class", "location"]
    search_fields = ["serial", "manufacturer", "model"]
    readonly_fields = ["status", "premises", "service_life_expires_on"]
    inlines = [MeterInstallationInline, MeterEventInline]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            if change:
                services.meter_update(actor=request.user, meter=type(obj).objects.get(pk=obj.pk), **fields)
            else:
                obj.pk = services.meter_register(actor=request.user, **form.cleaned_data).pk
        except DispatchError as exc:
            raise exc.as_validation_error() from exc

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeterReading)
class MeterReadingAdmin(admin.ModelAdmin):
    """Readings are entered on the phone, by the desk or by import; here they are only looked at."""

    list_display = ["meter", "premises", "value", "read_at", "reading_type", "source", "plausibility"]
    list_filter = ["plausibility", "source", "reading_type"]
    search_fields = ["meter__serial", "premises__premises_no"]
    list_select_related = ["meter", "premises"]
    date_hierarchy = "read_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in MeterReading._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False




from .lab import admin as lab_admin  # noqa: E402, F401  (metrology lab admin: dispatch/meters/lab/admin.py)
