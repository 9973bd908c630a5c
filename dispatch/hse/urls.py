"""The safety officer's pages, mounted under /hse/ by dispatch/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.register, name="hse-register"),
    path("attention/", views.attention, name="hse-attention"),
    path("hazards/new/", views.hazard_new, name="hse-hazard-new"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hse-hazard"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hse-hazard-edit"),
    path("register.xlsx", views.export_xlsx, name="hse-register-xlsx"),
    path("register.pdf", views.export_pdf, name="hse-register-pdf"),
]
