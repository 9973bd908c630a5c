from django import forms
from django.contrib import admin

from dispatch.common.errors import DispatchError
from dispatch.common.geo import check_coordinates

from . import services
from .models import Contact, CustomerAccount, Premises


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go through the services so that they are audited like every other change."""

    create_service = update_service = None
    instance_kwarg = ""

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            current = type(obj).objects.get(pk=obj.pk)
            type(self).update_service(actor=request.user, **{self.instance_kwarg: current}, **fields)
        else:
            saved = type(self).create_service(actor=request.user, **form.cleaned_data)
            obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomerAccount)
class CustomerAccountAdmin(AuditedAdmin):
    create_service, update_service, instance_kwarg = services.account_create, services.account_update, "account"
    list_display = ["account_no", "name", "customer_class", "phone", "is_active"]
    list_filter = ["customer_class", "is_active", "is_pensioner_alone", "has_young_children"]
    search_fields = ["account_no", "name", "phone"]
    inlines = [ContactInline]


class PremisesAdminForm(forms.ModelForm):
    """Refuses, as form errors, the coordinates and placements the services would refuse."""

    class Meta:
        model = Premises
        fields = services.PREMISES_FIELDS

    def clean(self):
        cleaned = super().clean()
        placing = self.instance._state.adding or {"lat", "lng", "area"} & set(self.changed_data)
        if not placing or {"lat", "lng", "area"} & set(self.errors):
            return cleaned
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        try:
            check_coordinates(lat, lng)
            if lat is not None and cleaned.get("area") is None:
                services.premises_area_at(lat, lng)
        except DispatchError as exc:
            raise exc.as_validation_error() from exc
        return cleaned


@admin.register(Premises)
class PremisesAdmin(AuditedAdmin):
    form = PremisesAdminForm
    create_service, update_service, instance_kwarg = (services.premises_create, services.premises_update,
                                                      "premises")
    list_display = ["premises_no", "address", "account", "area", "gas_type", "geocode_status"]
    list_filter = ["gas_type", "geocode_status", "area__office"]
    search_fields = ["premises_no", "address", "account__account_no"]
    raw_id_fields = ["account"]
    list_select_related = ["account", "area"]
    readonly_fields = ["geocode_status"]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    create_service, update_service, instance_kwarg = services.contact_create, services.contact_update, "contact"
    list_display = ["name", "phone", "relation", "account", "is_primary"]
    search_fields = ["name", "phone", "account__account_no"]
    raw_id_fields = ["account"]
