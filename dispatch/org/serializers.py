from rest_framework import serializers

from dispatch.common.geo import check_coordinates, parse_boundary

from .models import Area, ServiceOffice, Skill, StaffProfile, StaffSkill, WeeklyShift


class ServiceOfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceOffice
        fields = ["id", "code", "name", "address", "phone", "lat", "lng"]

    def validate(self, attrs):
        # A partial update that moves one coordinate is checked against the other one already stored.
        check_coordinates(attrs.get("lat", getattr(self.instance, "lat", None)),
                          attrs.get("lng", getattr(self.instance, "lng", None)))
        return attrs


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "office", "boundary", "travel_speed_kmh", "is_active"]

    def validate_boundary(self, value):
        if value is not None:
            parse_boundary(value)
        return value


class StaffSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="code", queryset=Skill.objects.all())

    class Meta:
        model = StaffSkill
        fields = ["skill", "certificate_no", "valid_until"]


class WeeklyShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeeklyShift
        fields = ["weekday", "start", "end", "break_start", "break_end"]


class StaffProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    skills = StaffSkillSerializer(many=True, read_only=True)
    weekly_shifts = WeeklyShiftSerializer(many=True, read_only=True)

    class Meta:
        model = StaffProfile
        fields = ["id", "username", "full_name", "employee_no", "phone", "office", "primary_area",
                  "allowed_areas", "home_lat", "home_lng", "daily_capacity", "is_active", "skills",
                  "weekly_shifts"]
        read_only_fields = fields


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name", "requires_certificate"]


class PointQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()

    def validate(self, attrs):
        check_coordinates(attrs["lat"], attrs["lng"])
        return attrs
