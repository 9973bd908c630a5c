"""Technician API v1: the day's jobs and the actions taken on them, each safe to replay with an Idempotency-Key."""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.common.errors import NotFound, PermissionDenied
from dispatch.common.idempotency import run_once
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role
from dispatch.org.models import StaffProfile
from dispatch.workorders import selectors, services
from dispatch.workorders.models import Status, WorkOrderAttachment

from .serializers import (
    AttachmentSerializer,
    DayQuerySerializer,
    JobSerializer,
    MobileCompleteSerializer,
    MoveSerializer,
    PhotoSerializer,
    SignatureSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="A key the phone makes once per action; a replay with the same key is answered, not redone.")


class TechnicianView(APIView):
    permission_classes = [RolePermission]
    read_roles = write_roles = (Role.TECHNICIAN,)

    def staff(self) -> StaffProfile:
        staff = StaffProfile.objects.filter(user=self.request.user, is_active=True).first()
        if staff is None:
            raise PermissionDenied("no_staff_profile", _("Your account has no technician profile."))
        return staff

    def job(self, work_order_id: int):
        return selectors.technician_job(user=self.request.user, work_order_id=work_order_id)

    def job_response(self, work_order_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        order = selectors.work_order_get(user=self.request.user, work_order_id=work_order_id)
        return Response(JobSerializer(order, context={"detail": True}).data, status=status_code)



class MyDayView(TechnicianView):
    @extend_schema(parameters=[DayQuerySerializer], responses=JobSerializer(many=True))
    def get(self, request):
        """My jobs for the day in visiting order, with what I need at each door."""
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        jobs = selectors.technician_day(user=request.user, technician=self.staff(), day=day).exclude(
            status=Status.CANCELLED).select_related("premises__account")
        return Response({"date": day, "jobs": JobSerializer(jobs, many=True).data})


class JobDetailView(TechnicianView):
    @extend_schema(responses=JobSerializer)
    def get(self, request, pk: int):
        self.job(pk)
        return self.job_response(pk)


class JobMoveView(TechnicianView):
    @extend_schema(request=MoveSerializer, responses=JobSerializer, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request, pk: int):
        """Start travel, arrive, or report the job cannot be completed."""
        def act() -> Response:
            self.job(pk)
            payload = MoveSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            services.transition(work_order_id=pk, to_status=data["to"], actor=request.user, reason=data["reason"],
                                unable_reason=data["unable_reason"], location=services.Location.from_payload(data),
                                expected_version=data.get("version"))
            return self.job_response(pk)

        return run_once(request, act)


class JobCompleteView(TechnicianView):
    @extend_schema(request=MobileCompleteSerializer, responses=JobSerializer, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request, pk: int):
        def act() -> Response:
            self.job(pk)
            payload = MobileCompleteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            services.complete(work_order_id=pk, actor=request.user, checklist_answers=data["checklist_answers"],
                              data=data["data"], notes=data["notes"], location=services.Location.from_payload(data),
                              expected_version=data.get("version"))
            return self.job_response(pk)

        return run_once(request, act)


class AttachmentView(TechnicianView):
    parser_classes = [MultiPartParser, FormParser]
    kind = WorkOrderAttachment.Kind.PHOTO
    serializer_class = PhotoSerializer

    def post(self, request, pk: int):
        def act() -> Response:
            self.job(pk)
            payload = self.serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            attachment = services.attachment_add(
                work_order_id=pk, actor=request.user, kind=self.kind, upload=data["file"],
                caption=data.get("caption", ""), signer_name=data.get("signer_name", ""),
                location=services.Location.from_payload(data))
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

        return run_once(request, act)


class PhotoView(AttachmentView):
    @extend_schema(request={"multipart/form-data": PhotoSerializer}, responses={201: AttachmentSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    def post(self, request, pk: int):
        """A photo of the job: JPEG, PNG or WebP, checked by content; EXIF location kept."""
        return super().post(request, pk)


class SignatureView(AttachmentView):
    kind = WorkOrderAttachment.Kind.SIGNATURE
    serializer_class = SignatureSerializer

    @extend_schema(request={"multipart/form-data": SignatureSerializer}, responses={201: AttachmentSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    def post(self, request, pk: int):
        """The customer's signature drawn on the screen, with the signer's name."""
        return super().post(request, pk)


class AttachmentFileView(TechnicianView):
    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, pk: int, attachment_id: int):
        """The image itself, only to the technician whose job it belongs to."""
        self.job(pk)
        attachment = WorkOrderAttachment.objects.filter(work_order_id=pk, pk=attachment_id).first()
        if attachment is None:
            raise NotFound("not_found", _("Attachment not found."))
        return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
