"""Run an action once per Idempotency-Key: the first request does the work, replays get the same answer."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .api import exception_handler
from .errors import Conflict, DispatchError
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 80


def run_once(request, action: Callable[[], Response]) -> Response:
    """Perform `action` unless this user already sent this key; then answer exactly as the first time.

    Refusals (4xx) are remembered too: replaying a refused action must not succeed later by surprise.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return action()
    if len(key) > MAX_KEY_LENGTH:
        raise DispatchError("invalid_idempotency_key", _("The Idempotency-Key header is too long (max 80)."))
    fingerprint = f"{request.method} {request.path}"[:300]
    previous = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if previous is not None:
        return _replay(previous, fingerprint)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    response = action()
            except DispatchError as exc:
                response = exception_handler(exc, {})
            if response.status_code >= 500:
                return response
            IdempotencyRecord.objects.create(user=request.user, key=key, request_fingerprint=fingerprint,
                                             status_code=response.status_code, response=response.data or {})
    except IntegrityError:
        # The same key arrived twice at once: the other request did the work; answer as it did.
        previous = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if previous is None:
            raise
        return _replay(previous, fingerprint)
    return response


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise Conflict("idempotency_key_reused", _("This Idempotency-Key was already used for another request."))
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replay"] = "true"
    return response
