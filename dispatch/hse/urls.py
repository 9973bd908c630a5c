"""The safety officer's pages, mounted under /hse/ by dispatch/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.register, name="hse-register"),
    path("attention/", views.attention, name="hse-attention"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hse-hazard"),
    path("register.xlsx", views.export_xlsx, name="hse-register-xlsx"),
    path("register.pdf", views.export_pdf, name="hse-register-pdf"),
]
