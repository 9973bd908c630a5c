from django.contrib import admin

from .models import ServiceRequest


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
