"""The dispatcher board, mounted under /board/ by dispatch/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.board, name="board"),
    path("orders/<int:pk>/assign/", views.assign, name="board-assign"),
    path("orders/<int:pk>/unassign/", views.unassign, name="board-unassign"),
    path("orders/<int:pk>/dispatch/", views.dispatch, name="board-dispatch"),
]
