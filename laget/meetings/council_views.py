"""The user council's pages. Thin: council_selectors read, council writes, access
decides. Its meetings are the meetings app's own pages (forum page, meeting page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.audit.services import EditConflict
from laget.meetings import council, council_selectors
from laget.meetings.council_forms import CouncilForm, LeaveForm, MemberForm


def _add_errors(form: object, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)  # type: ignore[attr-defined]
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def councils(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's user councils; leaders set one up here."""
    page = council_selectors.network_councils(actor=request.user, slug=slug)
    form = CouncilForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not page.may_run:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                created = council.council_create(
                    actor=request.user,
                    network=page.network,
                    name=d["name"],
                    purpose=d["purpose"],
                    interval_weeks=d["interval_weeks"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The council is set up. Add its members."))
                return redirect("meetings:council", council_id=created.pk)
        status = 400
    return render(request, "meetings/councils.html", {"p": page, "form": form}, status=status)


def _render_council(
    request: HttpRequest, council_id: int, form: MemberForm | None = None, status: int = 200
) -> HttpResponse:
    page = council_selectors.council_page(actor=request.user, council_id=council_id)
    return render(
        request,
        "meetings/council.html",
        {"p": page, "form": form or MemberForm()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    return _render_council(request, council_id)


@login_required
@require_POST
def member_add(request: HttpRequest, council_id: int) -> HttpResponse:
    target = council_selectors.council_to_run(actor=request.user, council_id=council_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            council.member_add(
                actor=request.user,
                council=target,
                email=d["email"],
                first_name=d["first_name"],
                last_name=d["last_name"],
                role=d["role"],
                affiliation=d["affiliation"],
                link_base=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The member is added and will be invited to the council's next meetings."),
            )
            return redirect("meetings:council", council_id=council_id)
    return _render_council(request, council_id, form=form, status=400)


@login_required
@require_POST
def member_leave(request: HttpRequest, member_id: int) -> HttpResponse:
    member = council_selectors.member_to_run(actor=request.user, member_id=member_id)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was changed. Reload the page and try again."))
    else:
        try:
            council.member_leave(
                actor=request.user, member=member, based_on_version=form.cleaned_data["version"]
            )
        except EditConflict:
            messages.error(request, _("Someone changed the member before you. Look again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The member has left the council."))
    return redirect("meetings:council", council_id=member.forum_id)
