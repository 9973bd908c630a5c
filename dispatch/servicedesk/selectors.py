from django.db.models import QuerySet

from dispatch.common.roles import Role, has_role, is_department_wide
from dispatch.org.selectors import office_ids_for

from .models import ServiceRequest

DESK_ROLES = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


def service_request_list(*, user) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.select_related("work_order", "owner", "premises")
    if not has_role(user, *DESK_ROLES):
        return requests.none()
    if is_department_wide(user):
        return requests
    return requests.filter(work_order__office_id__in=office_ids_for(user)) | requests.filter(owner=user)
