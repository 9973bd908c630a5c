from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("kpi/<slug:code>/", views.drill_down, name="reports-drill-down"),
    path("monthly/", views.monthly_report, name="reports-monthly"),
]
