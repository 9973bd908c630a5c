"""The dispatcher board, mounted under /board/ by dispatch/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.board, name="board"),
    path("orders/<int:pk>/assign/", views.assign, name="board-assign"),
    path("orders/<int:pk>/unassign/", views.unassign, name="board-unassign"),
    path("orders/<int:pk>/dispatch/", views.dispatch, name="board-dispatch"),
    path("orders/<int:pk>/propose-insertion/", views.propose_insertion, name="board-propose-insertion"),
    path("orders/<int:pk>/confirm-insertion/", views.confirm_insertion, name="board-confirm-insertion"),
    path("plans/", views.plan_start, name="board-plan-start"),
    path("plans/<int:pk>/", views.plan_status, name="board-plan"),
    path("plans/<int:pk>/commit/", views.plan_commit, name="board-plan-commit"),
    path("plans/<int:pk>/discard/", views.plan_discard, name="board-plan-discard"),
]
