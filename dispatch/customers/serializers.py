from rest_framework import serializers

from dispatch.common.geo import check_coordinates
from dispatch.org.models import Area

from .models import Contact, CustomerAccount, Premises


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "account", "name", "relation", "phone", "is_primary"]


class CustomerAccountSerializer(serializers.ModelSerializer):
    is_vulnerable = serializers.BooleanField(read_only=True)

    class Meta:
        model = CustomerAccount
        fields = ["id", "account_no", "name", "customer_class", "phone", "phone_alt", "email",
                  "is_pensioner_alone", "has_young_children", "is_medically_dependent", "has_disability",
                  "vulnerability_notes", "is_vulnerable", "is_active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class PremisesSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.filter(is_active=True), required=False,
                                              allow_null=True)
    area_code = serializers.CharField(source="area.code", read_only=True, default=None)

    class Meta:
        model = Premises
        fields = ["id", "premises_no", "account", "address", "district", "gas_type", "lat", "lng",
                  "geocode_status", "area", "area_code", "access_notes", "is_active", "created_at", "updated_at"]
        read_only_fields = ["geocode_status", "created_at", "updated_at"]

    def validate(self, attrs):
        lat = attrs.get("lat", getattr(self.instance, "lat", None))
        lng = attrs.get("lng", getattr(self.instance, "lng", None))
        check_coordinates(lat, lng)
        return attrs
