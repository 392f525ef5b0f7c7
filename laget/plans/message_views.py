"""The plan's message wall: the page, the draft autosave and attachments. Reads through
plans.selectors (which logs them), writes through plans.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.notifications import services as notifications
from laget.plans import message_selectors, person_selectors, selectors, services
from laget.plans.forms import MessageForm
from laget.plans.links import plan_links
from laget.plans.models import Message, Plan
from laget.plans.views import _request_id


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_messages(request: HttpRequest, plan_id: int) -> HttpResponse:
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access = selectors.access_or_404(actor=request.user, plan_id=plan_id, category="messages")
        if form.is_valid():
            try:
                services.message_post(
                    actor=request.user,
                    plan=access.plan,
                    body=form.cleaned_data["body"],
                    reply_to=_message_of(access.plan, request.POST.get("reply_to")),
                    corrects=_message_of(access.plan, request.POST.get("corrects")),
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your message is sent to the team."))
                return redirect("plans:messages", plan_id=plan_id)
    result = message_selectors.messages_page(
        actor=request.user,
        plan_id=plan_id,
        before=request.GET.get("eldre", ""),
        request_id=_request_id(request),
    )
    if request.method != "POST" and result.draft:
        form = MessageForm(initial={"body": result.draft})  # what they had not sent yet
    elif request.method != "POST" and request.GET.get("om") and result.access.may_write_messages:
        # A comment on a measure or a task: the message starts by saying what it is about.
        opening = person_selectors.comment_opening(access=result.access, about=request.GET["om"])
        form = MessageForm(initial={"body": opening})
    form.keep_drafts_at(reverse("plans:message_draft", kwargs={"plan_id": plan_id}))
    status = 400 if request.method == "POST" else 200
    # What is new to the reader since their last visit (their unread notifications here).
    new = notifications.wall_visited(actor=request.user, plan_id=plan_id)
    return render(
        request,
        "plans/messages.html",
        {
            "m": result,
            "plan": result.access.plan,
            "form": form,
            "new_messages": new,
            "links": plan_links(plan_id),
        },
        status=status,
    )


@login_required
@require_POST
def message_draft(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Keeps the message being written (htmx autosave); answers with the status line."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id, category="messages")
    try:
        draft = services.message_draft_save(
            actor=request.user, plan=access.plan, body=request.POST.get("body", "")
        )
    except ValidationError as exc:
        return render(
            request, "plans/_draft_status.html", {"error": " ".join(exc.messages)}, status=400
        )
    return render(request, "plans/_draft_status.html", {"saved": draft is not None})


def _message_of(plan: Plan, message_id: str | None) -> Message | None:
    """A message on this plan named by a form field, or None (unknown ids are ignored)."""
    if not message_id or not message_id.isdigit():
        return None
    return plan.messages.filter(pk=int(message_id)).first()


@login_required
@require_http_methods(["GET", "HEAD"])
def attachment_download(request: HttpRequest, plan_id: int, attachment_id: int) -> FileResponse:
    attachment = message_selectors.attachment_get(
        actor=request.user,
        plan_id=plan_id,
        attachment_id=attachment_id,
        request_id=_request_id(request),
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
