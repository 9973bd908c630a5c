"""Admin of the metrology lab: standards and profiles are edited here (a profile through `profile_save`, so a
version used by a test is never changed in place); tests, certificates and re-billings are read-only records —
they change only through the services (API), which enforce the signing chain and audit every step."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.common.admin import ReadOnlyAdmin
from dispatch.common.errors import DispatchError

from . import services
from .models import (
    CertificatePrintJob,
    ComplaintAdjustment,
    LabBatch,
    LabCertificate,
    ReferenceStandard,
    RegulationProfile,
    VerificationTest,
    VerificationTestPoint,
)


@admin.register(ReferenceStandard)
class ReferenceStandardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "serial", "range_min", "range_max", "uncertainty", "calibration_certificate_no",
                    "calibration_valid_until", "calibration_current", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "serial", "calibration_certificate_no"]

    @admin.display(boolean=True, description=_("calibration current"))
    def calibration_current(self, obj):
        return obj.calibration_valid_until >= timezone.localdate()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegulationProfile)
class RegulationProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "current", "name", "in_service_factor", "conditioning_hours", "updated_at"]
    list_filter = ["code", "current"]
    readonly_fields = ["version", "current"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS if name in form.cleaned_data}
        try:
            saved = services.profile_save(actor=request.user, code=obj.code, **fields)
        except DispatchError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            raise error.as_validation_error() from error
        if saved.pk != obj.pk and change:
            self.message_user(request, _("This version is used by tests: saved as version %(v)s.")
                              % {"v": saved.version}, level=messages.WARNING)
        obj.pk, obj.version, obj.current = saved.pk, saved.version, saved.current

    def has_delete_permission(self, request, obj=None):
        return False


class PointInline(admin.TabularInline):
    model = VerificationTestPoint
    fields = ["code", "flow", "v_ref", "v_meter", "t_ref_c", "p_ref_kpa", "t_meter_c", "p_meter_kpa",
              "v_ref_corrected", "error", "error_rounded", "mpe", "passed"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VerificationTest)
class VerificationTestAdmin(ReadOnlyAdmin):
    list_display = ["record_no", "meter", "purpose", "limits", "profile", "standard", "tested_on", "status",
                    "passed"]
    list_filter = ["status", "passed", "purpose", "profile"]
    search_fields = ["record_no", "meter__serial", "complaint_ref"]
    inlines = [PointInline]


@admin.register(LabBatch)
class LabBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "manufacturer", "delivery_ref", "received_on"]
    search_fields = ["number", "delivery_ref"]


@admin.register(LabCertificate)
class LabCertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "status", "test", "issued_on", "valid_until", "verifier", "checker",
                    "approver"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "base_number", "test__meter__serial"]
    exclude = ["pdf"]


@admin.register(ComplaintAdjustment)
class ComplaintAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["test", "complaint_ref", "period_start", "period_end", "error_used", "measured_m3",
                    "corrected_m3", "credit"]
    search_fields = ["complaint_ref"]


@admin.register(CertificatePrintJob)
class CertificatePrintJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "state", "total", "done", "failed", "created_at", "finished_at"]
