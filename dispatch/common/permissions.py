from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import has_role


class RolePermission(BasePermission):
    """Reads need one of the view's `read_roles`, writes one of its `write_roles`."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        roles = view.read_roles if request.method in SAFE_METHODS else view.write_roles
        return has_role(request.user, *roles)
