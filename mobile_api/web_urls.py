"""The technician's mobile web view at /m/ (the API it uses lives at /m/api/v1/)."""

from django.urls import path

from . import views

app_name = "mobile_web"

urlpatterns = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]
