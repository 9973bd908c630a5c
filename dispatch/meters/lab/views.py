"""The public page /verify/<number>: anyone holding a paper copy checks it (no sign-in).

Only an exact, issued number answers (drafts and unknown numbers are the same 404); the page shows the key data
and no personal data beyond a masked customer name; each client address may look up a limited number of
certificates per window (LAB_VERIFY_RATE, default 30 per 10 minutes), so the sequence cannot be walked."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .certificates import FROZEN, current_of, lab_info, mask_name
from .models import CertificateStatus, LabCertificate


def _throttled(request) -> bool:
    limit, window = getattr(settings, "LAB_VERIFY_RATE", (30, 600))
    key = f"lab-verify:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


@never_cache
@require_GET
def verify(request, number: str):
    if _throttled(request):
        return render(request, "meters/lab/verify.html", {"throttled": True, "lab": lab_info()}, status=429)
    cert = (LabCertificate.objects.select_related("test__meter__size", "test__profile")
            .filter(number=number, status__in=FROZEN).first())
    if cert is None:
        raise Http404
    current = current_of(cert)
    today = timezone.localdate()
    superseded = cert.status == CertificateStatus.SUPERSEDED
    expired = cert.valid_until is not None and cert.valid_until < today
    return render(request, "meters/lab/verify.html", {
        "cert": cert, "test": cert.test, "meter": cert.test.meter, "lab": lab_info(),
        "customer": mask_name(cert.customer_name), "superseded": superseded, "expired": expired,
        "current": current if superseded and current.pk != cert.pk else None,
        "is_current": not superseded and not expired,
    })
