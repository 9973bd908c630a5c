"""Smoke test of the admin: every registered ModelAdmin's changelist and add page open for a superuser."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _model_admin in REGISTERED]


@pytest.fixture
def admin_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=IDS)
def test_changelist_opens(client, superuser, model, model_admin):
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(url)

    assert response.status_code == 200
    searchable = client.get(url, {"q": "x"}) if model_admin.search_fields else response
    assert searchable.status_code == 200


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=IDS)
def test_add_page_opens_where_adding_is_allowed(client, superuser, admin_request, model, model_admin):
    client.force_login(superuser)

    response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))

    expected = 200 if model_admin.has_add_permission(admin_request) else 403
    assert response.status_code == expected


def test_the_foundation_models_are_registered():
    labels = set(IDS)

    assert {"common.AuditEvent", "org.ServiceOffice", "org.Area", "org.Skill", "org.StaffProfile",
            "customers.CustomerAccount", "customers.Premises", "customers.Contact"} <= labels


def test_audit_events_are_read_only_in_the_admin(admin_request):
    from dispatch.common.models import AuditEvent

    audit_admin = admin.site._registry[AuditEvent]

    assert not audit_admin.has_add_permission(admin_request)
    assert not audit_admin.has_change_permission(admin_request)
    assert not audit_admin.has_delete_permission(admin_request)


def test_change_pages_of_the_foundation_records_open(client, superuser):
    from dispatch.common.audit import record_event
    from tests.factories import AreaFactory, ContactFactory, PremisesFactory, SkillFactory, StaffProfileFactory

    area = AreaFactory()
    premises = PremisesFactory(area=area)
    records = [area, area.office, premises, premises.account, ContactFactory(account=premises.account),
               SkillFactory(), StaffProfileFactory(skills=["repair"]),
               record_event(actor=superuser, action="update", instance=premises, changes={"address": ["a", "b"]})]
    client.force_login(superuser)

    for record in records:
        url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
        assert client.get(url).status_code == 200, url
