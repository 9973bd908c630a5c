"""The KPI dashboard and drill-down pages: figures, charts, office scoping."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_department_head_sees_every_office_with_charts(month_data, manager, english):
    html = signed_in(manager).get("/reports/", {"month": "2026-03"}).content.decode()
    assert 'data-kpi="sla"' in html and "66.7" in html
    assert html.count("<svg") == 9 and "office-table" in html
    assert "Jiangnan" in html and "Qingxiu" in html


def test_office_dashboard_and_drill_down(month_data, manager, english):
    client = signed_in(manager)
    office = month_data["qx"].pk
    html = client.get("/reports/", {"month": "2026-03", "office": office}).content.decode()
    assert "80.0" in html and "office-table" not in html
    html = client.get("/reports/kpi/sla/", {"month": "2026-03", "office": office}).content.decode()
    assert '<span id="record-count">5</span>' in html
    assert client.get("/reports/kpi/nonsense/").status_code == 404


def test_dispatcher_sees_only_their_office(month_data, dispatcher):
    client = signed_in(dispatcher)
    assert client.get("/reports/", {"month": "2026-03"}).status_code == 200
    assert client.get("/reports/", {"month": "2026-03", "office": month_data["jn"].pk}).status_code == 403


def test_technician_has_no_dashboard(technician):
    assert signed_in(technician).get("/reports/").status_code == 403
