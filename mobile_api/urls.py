from django.urls import path

from dispatch.common.auth_api import TokenLoginView, TokenLogoutView

from . import api

app_name = "mobile_api"

urlpatterns = [
    path("auth/login/", TokenLoginView.as_view(), name="login"),
    path("auth/logout/", TokenLogoutView.as_view(), name="logout"),
    path("day/", api.MyDayView.as_view(), name="day"),
    path("jobs/<int:pk>/", api.JobDetailView.as_view(), name="job"),
    path("jobs/<int:pk>/move/", api.JobMoveView.as_view(), name="job-move"),
    path("jobs/<int:pk>/complete/", api.JobCompleteView.as_view(), name="job-complete"),
    path("jobs/<int:pk>/photos/", api.PhotoView.as_view(), name="job-photos"),
    path("jobs/<int:pk>/signature/", api.SignatureView.as_view(), name="job-signature"),
    path("jobs/<int:pk>/attachments/<int:attachment_id>/", api.AttachmentFileView.as_view(), name="job-attachment"),
]
