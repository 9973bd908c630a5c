from django.contrib import admin

from .models import Callback, CallbackPolicy, Complaint, ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "request_type", "channel", "caller_phone", "owner", "work_order", "created_at"]
    list_filter = ["request_type", "channel", "joined_existing"]
    search_fields = ["number", "caller_phone", "address"]
    readonly_fields = [field.name for field in ServiceRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallbackPolicy)
class CallbackPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "sample_percent"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "category", "founded", "office", "due_at", "handled_at", "escalation_level"]
    list_filter = ["status", "category", "founded", "root_cause", "office"]
    search_fields = ["number", "request__number"]
    readonly_fields = [field.name for field in Complaint._meta.fields]

    def has_add_permission(self, request):
        return False  # complaints are opened at the desk and move only through their loop


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["work_order", "kind", "office", "scheduled_at", "status", "satisfaction", "follow_up"]
    list_filter = ["status", "kind", "office", "follow_up"]
    readonly_fields = [field.name for field in Callback._meta.fields]

    def has_add_permission(self, request):
        return False
