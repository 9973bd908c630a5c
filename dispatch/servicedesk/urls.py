from django.urls import path

from . import views

urlpatterns = [
    path("", views.intake, name="desk"),
    path("search/", views.search, name="desk-search"),
    path("customer/<int:account_id>/", views.customer, name="desk-customer"),
    path("script/", views.script, name="desk-script"),
    path("request/", views.open_request, name="desk-request"),
    path("complaints/", views.complaint_list, name="desk-complaints"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="desk-complaint"),
    path("callbacks/", views.callback_list, name="desk-callbacks"),
]
