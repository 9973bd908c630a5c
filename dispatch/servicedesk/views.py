"""The agent's intake screen (server-rendered, htmx): find the caller, see their file, open a request."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dispatch.common.errors import DispatchError
from dispatch.common.roles import has_role
from dispatch.customers.selectors import premises_list

from . import callbacks, complaints, selectors, services
from .models import (
    Callback,
    ComplaintCategory,
    ComplaintStatus,
    Department,
    RequestType,
    RootCause,
    ServiceRequest,
)
from .scripts import CLOSING, GAS_LEAK_ADVICE, OPENING, SCRIPTS


def desk_view(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, *selectors.DESK_ROLES):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _script(request_type: str) -> list[tuple[str, object]]:
    return SCRIPTS.get(request_type, [])


@desk_view
@require_GET
def intake(request):
    request_type = request.GET.get("request_type", RequestType.REPAIR)
    return render(request, "servicedesk/intake.html", {
        "request_types": RequestType.choices, "request_type": request_type, "script": _script(request_type),
        "opening": OPENING % {"name": request.user.get_full_name() or request.user.username},
        "categories": ComplaintCategory.choices, "query": request.GET.get("q", ""),
        "results": selectors.customer_lookup(user=request.user, query=request.GET.get("q", "")),
    })


@desk_view
@require_GET
def search(request):
    query = request.GET.get("q", "")
    return render(request, "servicedesk/_results.html", {
        "query": query, "results": selectors.customer_lookup(user=request.user, query=query)})


@desk_view
@require_GET
def customer(request, account_id: int):
    card = selectors.customer_card(user=request.user, account_id=account_id)
    if card is None:
        raise Http404
    return render(request, "servicedesk/_customer.html", card)


@desk_view
@require_GET
def script(request):
    request_type = request.GET.get("request_type", "")
    return render(request, "servicedesk/_script.html", {
        "request_type": request_type, "script": _script(request_type), "categories": ComplaintCategory.choices,
        "advice": GAS_LEAK_ADVICE if request_type == RequestType.GAS_LEAK else []})


@desk_view
@require_POST
def open_request(request):
    data = request.POST
    request_type = data.get("request_type", "")
    answers = {key: data.get(f"script_{key}", "").strip() for key, _question in _script(request_type)
               if data.get(f"script_{key}", "").strip()}
    premises = None
    if data.get("premises"):
        premises = premises_list(user=request.user).filter(pk=data["premises"]).first()
    context = {"request_type": request_type, "request_types": RequestType.choices,
               "advice": GAS_LEAK_ADVICE if request_type == RequestType.GAS_LEAK else [],
               "script": _script(request_type), "categories": ComplaintCategory.choices}
    try:
        if request_type not in RequestType.values:
            raise DispatchError("invalid", _("Choose the type of request."),
                                fields={"request_type": [_("Choose the type of request.")]})
        description = data.get("description", "").strip() or "; ".join(answers.values())
        if not description:
            raise DispatchError("invalid", _("Describe the request."),
                                fields={"description": [_("This field is required.")]})
        created = services.request_intake(
            actor=request.user, request_type=request_type, description=description,
            channel=data.get("channel") or ServiceRequest.Channel.HOTLINE, caller_name=data.get("caller_name", ""),
            caller_phone=data.get("caller_phone", ""), premises=premises, address=data.get("address", ""),
            script_answers=answers, complaint_category=data.get("category", ""))
    except DispatchError as error:
        return render(request, "servicedesk/_request_form.html", {**context, "error": error, "values": data},
                      status=422)
    return render(request, "servicedesk/_request_done.html", {
        **context, "created": created, "closing": CLOSING % {"number": created.number}})


@desk_view
@require_GET
def complaint_list(request):
    complaints_ = selectors.complaint_list(user=request.user).order_by("due_at")
    show = request.GET.get("show", "open")
    if show == "open":
        complaints_ = complaints_.exclude(status=ComplaintStatus.CLOSED)
    return render(request, "servicedesk/complaints.html", {
        "complaints": complaints_[:200], "show": show, "now": timezone.now()})


@desk_view
def complaint_detail(request, complaint_id: int):
    complaint = selectors.complaint_list(user=request.user).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("action") == "handover":
                target = get_user_model().objects.filter(username=data.get("to_user", "")).first()
                complaints.handover(request_id=complaint.request_id, to_user=target, actor=request.user,
                                    reason=data.get("reason", ""))
            else:
                fields = {key: data[key].strip() for key in ("category", "department", "root_cause", "investigation",
                                                             "proposal", "action_taken", "customer_told",
                                                             "callback_comments", "summary") if data.get(key)}
                if data.get("founded") in ("yes", "no"):
                    fields["founded"] = data["founded"] == "yes"
                if data.get("satisfaction", "").isdigit():
                    fields["satisfaction"] = int(data["satisfaction"])
                complaints.complaint_transition(complaint_id=complaint.pk, to_status=data.get("to_status", ""),
                                                actor=request.user, reason=data.get("reason", ""), **fields)
            return redirect("desk-complaint", complaint_id=complaint.pk)
        except DispatchError as exc:
            error = exc
    complaint = selectors.complaint_list(user=request.user).get(pk=complaint_id)
    return render(request, "servicedesk/complaint.html", {
        "complaint": complaint, "error": error,
        "events": complaint.events.select_related("actor"),
        "handovers": complaint.request.handovers.select_related("from_owner", "to_owner", "by"),
        "next_steps": [(status, ComplaintStatus(status).label)
                       for status in complaints.TRANSITIONS[complaint.status]],
        "categories": ComplaintCategory.choices, "departments": Department.choices, "root_causes": RootCause.choices,
        "now": timezone.now()}, status=422 if error else 200)


@desk_view
def callback_list(request):
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            callbacks.record_callback(
                callback_id=int(data.get("callback", 0)), actor=request.user, reached=data.get("reached") == "yes",
                satisfaction=int(data["satisfaction"]) if data.get("satisfaction", "").isdigit() else None,
                problem_solved={"yes": True, "no": False}.get(data.get("problem_solved", "")),
                comments=data.get("comments", ""), follow_up=data.get("follow_up", ""))
            return redirect("desk-callbacks")
        except DispatchError as exc:
            error = exc
    return render(request, "servicedesk/callbacks.html", {
        "callbacks": selectors.my_callbacks(user=request.user, day=timezone.localdate())[:200], "error": error,
        "follow_ups": Callback.FollowUp.choices, "in_window": callbacks.in_allowed_hours(timezone.now())},
        status=422 if error else 200)
