from django.contrib import admin

from .models import Area, ServiceOffice, ShiftException, Skill, StaffProfile, StaffSkill, WeeklyShift
from .services import area_create, area_update


@admin.register(ServiceOffice)
class ServiceOfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "phone", "address"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "office", "travel_speed_kmh", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            area_update(actor=request.user, area=Area.objects.get(pk=obj.pk), **fields)
        else:
            saved = area_create(actor=request.user, **form.cleaned_data)
            obj.pk = saved.pk


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "requires_certificate"]


class StaffSkillInline(admin.TabularInline):
    model = StaffSkill
    extra = 0


class WeeklyShiftInline(admin.TabularInline):
    model = WeeklyShift
    extra = 0


class ShiftExceptionInline(admin.TabularInline):
    model = ShiftException
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["employee_no", "user", "office", "primary_area", "daily_capacity", "is_active"]
    list_filter = ["office", "is_active", "skills__skill"]
    search_fields = ["employee_no", "user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["allowed_areas", "additional_offices"]
    inlines = [StaffSkillInline, WeeklyShiftInline, ShiftExceptionInline]
    list_select_related = ["user", "office", "primary_area"]
