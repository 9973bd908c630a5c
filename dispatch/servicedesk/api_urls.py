from django.urls import path

from .api import CustomerLookupView

urlpatterns = [
    path("customer-search/", CustomerLookupView.as_view(), name="desk-customer-search"),
]
