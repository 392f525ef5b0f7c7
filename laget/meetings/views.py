"""Meeting pages. Thin: selectors read (and log), services write, access decides."""

from __future__ import annotations

from typing import Any, cast

from django import forms as forms_lib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from laget.accounts.models import User
from laget.audit.services import EditConflict
from laget.core.feedback import run_and_report
from laget.directory import selectors as directory_selectors
from laget.directory.models import Service
from laget.meetings import calendar, selectors, services
from laget.meetings.access import MeetingAccess
from laget.meetings.forms import (
    AgendaItemForm,
    AgendaTemplateForm,
    ApproveMinutesForm,
    CaseEditForm,
    CaseForm,
    CommentForm,
    DecisionForm,
    EvaluationForm,
    ForumForm,
    GenericMeetingForm,
    GroupMeetingForm,
    InviteForm,
    MinutesForm,
    NotHeldForm,
    RescheduleForm,
    WhenWhereForm,
)
from laget.meetings.models import Decision, Forum
from laget.plans.models import TeamMember
from laget.plans.selectors import access_or_404 as plan_access_or_404

KIND_LABELS = {
    "national_id": gettext_lazy("national identity number"),
    "birth_date": gettext_lazy("birth date"),
    "date": gettext_lazy("full date"),
    "age_place": gettext_lazy("age with a place"),
    "phone": gettext_lazy("phone number"),
    "email": gettext_lazy("e-mail address"),
    "address": gettext_lazy("street address"),
    "postcode": gettext_lazy("postcode and place"),
    "name": gettext_lazy("a person's name"),
}


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# The services name model fields; the forms ask for a date and two times.
FORM_FIELD = {"starts_at": "start", "ends_at": "end"}


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal onto the form: under the field it concerns when the form has
    that field, otherwise at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = FORM_FIELD.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def highlight(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """`text` escaped, with each (start, end) span wrapped in <mark>."""
    out, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        out += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped above)


# --- Lists --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_meetings(actor=request.user, request_id=_rid(request))
    return render(request, "meetings/list.html", {"mine": mine})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_meetings(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A person's responsibility-group meetings, and a form to schedule the next."""
    access = plan_access_or_404(actor=request.user, plan_id=plan_id)
    may_schedule = access.is_coordinator or access.is_professional
    chairs = User.objects.filter(
        pk__in=TeamMember.objects.active()
        .filter(plan=access.plan, role__in=["coordinator", "member", "group"])
        .values("user_id")
    )
    form = GroupMeetingForm(chairs=chairs, initial={"chair": request.user.pk})
    status = 200
    if request.method == "POST":
        if not may_schedule:
            raise PermissionDenied
        form = GroupMeetingForm(request.POST, chairs=chairs)
        if form.is_valid():
            try:
                meeting = services.group_meeting_schedule(
                    actor=request.user,
                    plan=access.plan,
                    chair=form.cleaned_data["chair"],
                    **form.times(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The meeting is planned and the team is invited."))
                return redirect("meetings:meeting", meeting_id=meeting.pk)
        status = 400
    meetings = selectors.plan_meetings(actor=request.user, access=access, request_id=_rid(request))
    return render(
        request,
        "meetings/plan_meetings.html",
        {
            "plan": access.plan,
            "access": access,
            "meetings": meetings,
            "form": form,
            "may_schedule": may_schedule,
        },
        status=status,
    )


# --- One meeting ---------------------------------------------------------------------------


def _render_meeting(
    request: HttpRequest, meeting_id: int, status: int = 200, **forms: Any
) -> HttpResponse:
    page = selectors.meeting_page(
        actor=request.user, meeting_id=meeting_id, request_id=_rid(request)
    )
    meeting = page.meeting
    local_start = timezone.localtime(meeting.starts_at)
    local_end = timezone.localtime(meeting.ends_at)
    service_choices = Service.objects.filter(
        pk__in=[p.service_id for p in page.participants if p.service_id]
    ).order_by("name")
    context = {
        "p": page,
        "meeting": meeting,
        "today": timezone.localdate(),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "case_form": forms.get("case_form") or CaseForm(),
        "case_findings": forms.get("case_findings"),
        "decision_form": forms.get("decision_form") or DecisionForm(services=service_choices),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(
            initial={
                "minutes": meeting.minutes,
                "minutes_plain": meeting.minutes_plain,
                "version": meeting.minutes_version,
            }
        ),
        "minutes_conflict": forms.get("minutes_conflict"),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "approve_form": forms.get("approve_form") or ApproveMinutesForm(),
        "not_held_form": forms.get("not_held_form")
        or NotHeldForm(initial={"version": meeting.version}),
        "came": sum(1 for x in page.participants if x.attended),
        "evaluation_form": forms.get("evaluation_form") or EvaluationForm(),
        "move_form": forms.get("move_form")
        or RescheduleForm(
            initial={
                "date": local_start.date(),
                "start": local_start.time(),
                "end": local_end.time(),
                "place": meeting.place,
                "video_link": meeting.video_link,
                "version": meeting.version,
            }
        ),
    }
    invite_form = forms.get("invite_form") or _invite_form(page)
    # Offer only the choices that have options (a person's meeting invites the team).
    context["invite_fields"] = [
        f
        for f in invite_form
        if cast(forms_lib.ModelChoiceField, f.field).queryset.exists()  # type: ignore[union-attr]
    ]
    return render(request, "meetings/meeting.html", context, status=status)


def _invite_form(page: selectors.MeetingPage, data: Any = None) -> InviteForm:
    invited = {p.user_id for p in page.participants if p.user_id}
    meeting = page.meeting
    if meeting.plan_id is not None:
        people = User.objects.filter(
            pk__in=TeamMember.objects.active().filter(plan_id=meeting.plan_id).values("user_id")
        ).exclude(pk__in=invited)
        services_qs = Service.objects.none()
    else:
        people = (
            User.objects.filter(
                kind="professional",
                professional__memberships__service__organisation__networks=meeting.network_id,
            )
            .exclude(pk__in=invited)
            .distinct()
        )
        services_qs = (
            Service.objects.filter(organisation__networks=meeting.network_id)
            .exclude(pk__in=[p.service_id for p in page.participants if p.user_id is None])
            .distinct()
        )
    return InviteForm(data, people=people.order_by("first_name", "last_name"), services=services_qs)


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _render_meeting(request, meeting_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_calendar(
        actor=request.user, meeting_id=meeting_id, request_id=_rid(request)
    )
    response = HttpResponse(
        calendar.meeting_ics(meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mote-{meeting.pk}.ics"'
    return response


def _access(request: HttpRequest, meeting_id: int, *, organise: bool = False) -> MeetingAccess:
    access = selectors.access_or_404(actor=request.user, meeting_id=meeting_id)
    if organise and not access.may_organise:
        raise PermissionDenied
    return access


def _back(meeting_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("meetings:meeting", meeting_id=meeting_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def reschedule(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_reschedule(
                actor=request.user,
                meeting=access.meeting,
                based_on_version=form.cleaned_data["version"],
                data=form.times(),
            )
        except EditConflict:
            form.add_error(
                None,
                _(
                    "Someone changed the meeting before you."
                    " Here is how it is now: check and try again."
                ),
            )
            return _render_meeting(request, meeting_id, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is moved. Calendars get the change."))
            return _back(meeting_id)
    return _render_meeting(request, meeting_id, status=400, move_form=form)


@login_required
@require_POST
def cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    try:
        services.meeting_cancel(
            actor=request.user,
            meeting=access.meeting,
            based_on_version=_int(request.POST.get("version")),
        )
    except EditConflict:
        messages.error(request, _("Someone changed the meeting before you. Look at it again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The meeting is cancelled. Calendars get the cancellation."))
    return _back(meeting_id)


@login_required
@require_POST
def not_held(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    form = NotHeldForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_mark_not_held(
                actor=request.user,
                meeting=access.meeting,
                based_on_version=form.cleaned_data["version"],
                reason=form.cleaned_data["not_held_reason"],
            )
        except EditConflict:
            messages.error(request, _("Someone changed the meeting before you. Look at it again."))
            return _back(meeting_id)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is marked as not held."))
            return _back(meeting_id)
    return _render_meeting(request, meeting_id, status=400, not_held_form=form)


@login_required
@require_POST
def invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    # Bound to every user and service: the service decides, with a message, who is outside.
    form = InviteForm(request.POST, people=User.objects.all(), services=Service.objects.all())
    if not form.is_valid():
        messages.error(request, _("Choose a person or a service to invite."))
    else:
        run_and_report(
            request,
            lambda: services.participant_invite(
                actor=request.user, meeting=access.meeting, **form.cleaned_data
            ),
            _("The invitation is added."),
        )
    return _back(meeting_id, "deltakere")


@login_required
@require_POST
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    present = [_int(v) for v in request.POST.getlist("present")]
    run_and_report(
        request,
        lambda: services.attendance_record(
            actor=request.user, meeting=access.meeting, present=present
        ),
        _("Attendance is saved."),
    )
    return _back(meeting_id, "deltakere")


def _save_form(
    request: HttpRequest,
    meeting_id: int,
    form: Any,
    form_key: str,
    write: Any,
    success: str,
    anchor: str,
) -> HttpResponse:
    """The shape every form on the meeting page shares: a valid form goes to its service;
    a refusal (or an invalid form) shows the page again with the form's messages."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return _back(meeting_id, anchor)
    return _render_meeting(request, meeting_id, status=400, **{form_key: form})


@login_required
@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id)
    return _save_form(
        request,
        meeting_id,
        AgendaItemForm(request.POST),
        "agenda_form",
        lambda data: services.agenda_item_add(actor=request.user, meeting=access.meeting, **data),
        _("Your point is on the agenda."),
        "dagsorden",
    )


@login_required
@require_POST
def case_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    form = CaseForm(request.POST)
    findings = None
    if form.is_valid():
        try:
            services.case_add(actor=request.user, meeting=access.meeting, **form.cleaned_data)
        except services.IdentifiersFound as exc:
            add_errors(form, exc)
            findings = _findings_view(form.cleaned_data, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The case is saved."))
            return _back(meeting_id, "saker")
    return _render_meeting(request, meeting_id, status=400, case_form=form, case_findings=findings)


def _findings_view(data: dict[str, Any], exc: services.IdentifiersFound) -> list[dict[str, Any]]:
    """Each field the guard struck in, with the matches marked, and what they are."""
    labels = {name: field.label for name, field in CaseForm.base_fields.items()}
    rows = []
    for name in ("title", "situation", "question", "learning"):
        text = data.get(name) or ""
        found = exc.by_field.get(name, [])
        if found:
            rows.append(
                {
                    "label": labels[name],
                    "text": highlight(text, [(f.start, f.end) for f in found]),
                    "kinds": sorted({str(KIND_LABELS[f.kind]) for f in found}),
                }
            )
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """Edit a saved case, through the same identifier guard as a new one."""
    case = selectors.case_for_organiser(actor=request.user, case_id=case_id)
    findings = None
    status = 200
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                services.case_update(
                    actor=request.user, case=case, based_on_version=data.pop("version"), **data
                )
            except EditConflict:
                form.add_error(
                    None,
                    _(
                        "Someone changed the case before you. Copy what you wrote,"
                        " reload the page and try again."
                    ),
                )
                status = 409
            except services.IdentifiersFound as exc:
                add_errors(form, exc)
                findings = _findings_view(form.cleaned_data, exc)
                status = 400
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The case is saved."))
                return _back(case.meeting_id, "saker")
        else:
            status = 400
    else:
        form = CaseEditForm(
            initial={
                "title": case.title,
                "situation": case.situation,
                "question": case.question,
                "learning": case.learning,
                "override_reason": case.override_reason,
                "version": case.version,
            }
        )
    return render(
        request,
        "meetings/case_edit.html",
        {"case": case, "meeting": case.meeting, "form": form, "case_findings": findings},
        status=status,
    )


@login_required
@require_POST
def case_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_organiser(actor=request.user, case_id=case_id)
    try:
        services.case_delete(
            actor=request.user, case=case, based_on_version=_int(request.POST.get("version"))
        )
    except EditConflict:
        messages.error(request, _("Someone changed the case before you. Look at it again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is deleted."))
    return _back(case.meeting_id, "saker")


@login_required
@require_POST
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id, organise=True)
    return _save_form(
        request,
        meeting_id,
        DecisionForm(request.POST, services=Service.objects.all()),
        "decision_form",
        lambda data: services.decision_add(actor=request.user, meeting=access.meeting, **data),
        _("The decision is recorded."),
        "vedtak",
    )


@login_required
@require_POST
def action_done(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=decision_id)
    _access(request, decision.meeting_id, organise=True)
    try:
        services.action_complete(
            actor=request.user,
            decision=decision,
            based_on_version=_int(request.POST.get("version")),
        )
    except EditConflict:
        messages.error(request, _("Someone changed the action before you. Look at it again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The action is marked as done."))
    if request.POST.get("from") == "forum" and decision.meeting.forum_id:
        return redirect("meetings:forum", forum_id=decision.meeting.forum_id)
    return _back(decision.meeting_id, "vedtak")


@login_required
@require_POST
def minutes_save(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Saves the minutes; from htmx (autosave) it answers with the status line only."""
    access = _access(request, meeting_id, organise=True)
    form = MinutesForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    if not form.is_valid():
        if htmx:
            return render(
                request,
                "meetings/_minutes_status.html",
                {"error": _("Not saved: the minutes are too long.")},
                status=400,
            )
        return _render_meeting(request, meeting_id, status=400, minutes_form=form)
    try:
        saved = services.minutes_save(
            actor=request.user,
            meeting=access.meeting,
            minutes=form.cleaned_data["minutes"],
            minutes_plain=form.cleaned_data["minutes_plain"],
            based_on_version=form.cleaned_data["version"],
        )
    except EditConflict as exc:
        if htmx:
            return render(
                request, "meetings/_minutes_status.html", {"conflict": exc.current}, status=409
            )
        return _render_meeting(
            request, meeting_id, status=409, minutes_form=form, minutes_conflict=exc.current
        )
    except ValidationError as exc:
        if htmx:
            return render(
                request,
                "meetings/_minutes_status.html",
                {"error": " ".join(exc.messages)},
                status=400,
            )
        messages.error(request, " ".join(exc.messages))
        return _back(meeting_id, "referat")
    if htmx:
        return render(request, "meetings/_minutes_status.html", {"saved": saved})
    messages.success(request, _("The minutes are saved."))
    return _back(meeting_id, "referat")


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Approve and send: the form asks the chair to confirm first."""
    access = _access(request, meeting_id)
    if not access.may_chair:
        raise PermissionDenied
    form = ApproveMinutesForm(request.POST)
    form.is_valid()
    try:
        services.minutes_approve(
            actor=request.user,
            meeting=access.meeting,
            confirmed=bool(form.cleaned_data.get("confirm")),
        )
    except ValidationError as exc:
        if "confirm" in getattr(exc, "error_dict", {}):  # not confirmed: the box is marked
            add_errors(form, exc)
            return _render_meeting(request, meeting_id, status=400, approve_form=form)
        messages.error(request, " ".join(exc.messages))
        return _back(meeting_id, "referat")
    messages.success(request, _("The minutes are approved and sent to those who came."))
    return _back(meeting_id, "referat")


@login_required
@require_POST
def comment_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id)
    if not access.may_read_minutes:
        raise PermissionDenied
    return _save_form(
        request,
        meeting_id,
        CommentForm(request.POST),
        "comment_form",
        lambda data: services.comment_add(actor=request.user, meeting=access.meeting, **data),
        _("Your comment is added to the minutes."),
        "referat",
    )


@login_required
@require_POST
def evaluate(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = _access(request, meeting_id)
    return _save_form(
        request,
        meeting_id,
        EvaluationForm(request.POST),
        "evaluation_form",
        lambda data: services.evaluation_submit(actor=request.user, meeting=access.meeting, **data),
        _("Thank you for your evaluation."),
        "evaluering",
    )


# --- Forums ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    return _render_forum(request, forum_id)


def _render_forum(
    request: HttpRequest, forum_id: int, status: int = 200, form: Any = None
) -> HttpResponse:
    page = selectors.forum_page(actor=request.user, forum_id=forum_id)
    if form is None:
        initial = {}
        if page.next_start is not None:
            initial = {"date": page.next_start.date(), "start": page.next_start.time()}
            if page.history:
                last = page.history[-1]
                initial["end"] = (page.next_start + (last.ends_at - last.starts_at)).time()
                initial["place"] = last.place
                initial["video_link"] = last.video_link
        form = WhenWhereForm(initial=initial)
    return render(request, "meetings/forum.html", {"f": page, "form": form}, status=status)


@login_required
@require_POST
def forum_schedule(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=forum_id)
    page = selectors.forum_page(actor=request.user, forum_id=forum_id)  # 404 outside the network
    if not page.may_organise:
        raise PermissionDenied
    form = WhenWhereForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.forum_meeting_schedule(
                actor=request.user, forum=forum, **form.times()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned and the services are invited."))
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return _render_forum(request, forum_id, status=400, form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def forum_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.network_for_forum_create(actor=request.user, slug=slug)
    staff = directory_selectors.network_staff(actor=request.user, network=network)
    form = ForumForm(staff=staff)
    status = 200
    if request.method == "POST":
        form = ForumForm(request.POST, staff=staff)
        if form.is_valid():
            data = form.cleaned_data
            try:
                forum = services.forum_create(
                    actor=request.user,
                    network=network,
                    name=data["name"],
                    purpose=data["purpose"],
                    interval_weeks=data["interval_weeks"],
                    anchors=list(data["anchors"]),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The forum is created. Plan its first meeting."))
                return redirect("meetings:forum", forum_id=forum.pk)
        status = 400
    return render(
        request, "meetings/forum_create.html", {"network": network, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def generic_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A generic meeting in a network (a team's weekly intake meeting, for one)."""
    network = selectors.network_for_forum_create(actor=request.user, slug=slug)
    form = GenericMeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.generic_meeting_schedule(
                    actor=request.user,
                    network=network,
                    title=form.cleaned_data["title"],
                    **form.times(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The meeting is planned. Invite people on its page."))
                return redirect("meetings:meeting", meeting_id=meeting.pk)
        status = 400
    return render(
        request, "meetings/generic_create.html", {"network": network, "form": form}, status=status
    )


# --- Calendar feed and agenda templates -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user)
            messages.success(request, _("The calendar address is switched off."))
        else:
            services.calendar_feed_renew(actor=request.user)
            messages.success(
                request, _("You have a new calendar address. The old one no longer works.")
            )
        return redirect("meetings:calendar")
    feed = selectors.calendar_feed(actor=request.user)
    url = request.build_absolute_uri(_feed_path(feed.token)) if feed else None
    return render(request, "meetings/calendar.html", {"feed_url": url})


def _feed_path(token: str) -> str:
    return reverse("meetings:feed", kwargs={"token": token})


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: no login (calendar apps cannot log in); the secret address is
    the key, and the events name no person."""
    meetings = selectors.feed_meetings(token=token)
    return HttpResponse(calendar.to_ics(meetings), content_type="text/calendar; charset=utf-8")


@login_required
@require_http_methods(["GET", "HEAD"])
def agenda_templates(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "kind", "") != "professional":
        raise PermissionDenied
    services.agenda_templates_ensure()
    return render(
        request,
        "meetings/templates.html",
        {"templates": selectors.agenda_templates(actor=request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    if getattr(request.user, "kind", "") != "professional":
        raise PermissionDenied
    template = get_object_or_404(selectors.agenda_templates(actor=request.user), pk=template_id)
    form = AgendaTemplateForm(instance=template, initial={"version": template.version})
    conflict = None
    status = 200
    if request.method == "POST":
        form = AgendaTemplateForm(
            request.POST,
            instance=selectors.agenda_templates(actor=request.user).get(pk=template_id),
        )
        if form.is_valid():
            try:
                services.agenda_template_update(
                    actor=request.user,
                    template=template,
                    based_on_version=form.cleaned_data["version"],
                    name=form.cleaned_data["name"],
                    items=form.cleaned_data["items"],
                )
            except EditConflict as exc:
                conflict = exc.current
                status = 409
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The agenda template is saved. New meetings use it."))
                return redirect("meetings:templates")
        else:
            status = 400
    return render(
        request,
        "meetings/template_edit.html",
        {"template": template, "form": form, "conflict": conflict},
        status=status,
    )
