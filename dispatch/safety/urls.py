from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.coverage_page, name="safety-coverage"),
    path("hazards/", views.hazards_page, name="safety-hazards"),
    path("overdue/", views.overdue_page, name="safety-overdue"),
    path("no-access/", views.no_access_page, name="safety-no-access"),
    path("premises/<int:premises_id>/", views.premises_file, name="safety-premises-file"),
    re_path(r"^(?P<report>coverage|hazards|overdue|no-access)/export\.(?P<fmt>xlsx|pdf)$", views.export,
            name="safety-export"),
    path("notices/inspection/<int:work_order_id>.pdf", views.inspection_notice, name="safety-inspection-notice"),
    path("notices/hazard/<int:hazard_id>.pdf", views.hazard_notice, name="safety-hazard-notice"),
]
