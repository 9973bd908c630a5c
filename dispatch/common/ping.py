"""GET /api/ping/: the cheapest authenticated API answer the server can give.

It exists as the baseline of `make bench`: the same middleware, DRF authentication and JSON rendering as every
other endpoint, and no database work beyond authenticating the caller (one token lookup, or the session). Any
latency an endpoint shows above this one is its own queries and serialisation.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    # Plain IsAuthenticated on purpose: the role permission would add a groups query, and this endpoint must
    # cost no more than authentication itself.
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("Pong", {"pong": serializers.BooleanField()}))
    def get(self, request: Request) -> Response:
        return Response({"pong": True})


# Included from dispatch/urls.py as path("api/ping/", include("dispatch.common.ping")).
urlpatterns = [path("", PingView.as_view(), name="api-ping")]
