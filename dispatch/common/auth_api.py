"""Token sign-in for the mobile client, throttled like the web sign-in."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .audit import record_event
from .errors import DispatchError
from .roles import roles_of
from .throttling import check_login_allowed, clear_login_failures, client_ip, note_login_failure


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


TokenResponse = inline_serializer("TokenResponse", {
    "token": serializers.CharField(), "username": serializers.CharField(),
    "roles": serializers.ListField(child=serializers.CharField())})


class TokenLoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    # Besides the per-username lockout: sign-in attempts per client address (LOGIN_THROTTLE_RATE), so that
    # one address cannot try a password against many usernames.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenLoginSerializer, responses={200: TokenResponse})
    def post(self, request):
        credentials = TokenLoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username = credentials.validated_data["username"]
        address = client_ip(request)
        check_login_allowed(username, address)
        user = authenticate(request, username=username, password=credentials.validated_data["password"])
        if user is None:
            note_login_failure(username, address)
            record_event(actor=None, action="login_failed", reason=f"{username} from {address} (api)")
            raise DispatchError("invalid_credentials", _("Wrong username or password."), status_code=401)
        clear_login_failures(username, address)
        token, _created = Token.objects.get_or_create(user=user)
        record_event(actor=user, action="login", reason=f"{address} (api)")
        return Response({"token": token.key, "username": user.get_username(), "roles": sorted(roles_of(user))})


class TokenLogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
