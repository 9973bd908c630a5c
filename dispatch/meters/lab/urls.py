from django.urls import path

from . import views

urlpatterns = [path("<str:number>", views.verify, name="lab-verify")]
