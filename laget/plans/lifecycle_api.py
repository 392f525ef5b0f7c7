"""The plan's life cycle in the API: register a person, open a plan, requests and their
answers, coordinator change, closing, invitations. The same services as the pages, so the
same rules, Norwegian messages and logs. A refusal of the input is 422 with `detail` (and
`errors` by field); a number already registered is 409 and says how to ask to join."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from laget.accounts.models import User
from laget.core.validation import Id
from laget.directory.models import District, Service
from laget.plans import invitations, lifecycle, registration, requests, selectors
from laget.plans.lifecycle_access import is_professional
from laget.plans.lifecycle_models import PlanRequest
from laget.plans.models import Person

router = Router(tags=["plan life cycle"], auth=django_auth)


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


class Refusal(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _refused(exc: ValidationError) -> HttpError:
    error = HttpError(422, " ".join(exc.messages))
    return error


def _service(service_id: int) -> Service:
    return get_object_or_404(Service, pk=service_id, is_active=True)


def _professional(request: HttpRequest) -> None:
    if not is_professional(request.user):
        raise HttpError(403, "Bare fagpersoner kan gjøre dette.")


class PersonIn(Schema):
    service_id: int = Field(..., description="The service the professional registers for")
    national_id: str = Field(..., max_length=14)
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    birth_date: dt.date
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    preferred_language: str = Person.Language.BOKMAL
    district_id: Id | None = Field(
        None, description="A municipality district of a network the service is in (optional)"
    )


class PersonOut(Schema):
    id: int
    name: str
    birth_date: dt.date
    national_id_masked: str


class JoinRequestIn(Schema):
    service_id: int
    national_id: str = Field(..., max_length=14)
    reason: str = Field(..., max_length=1000)


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    person: str
    plan_id: int | None
    from_user: str
    from_service: str | None
    to_user: str | None
    to_service: str | None
    reason: str
    answer: str
    created_at: dt.datetime


class PlanIn(Schema):
    person_id: int
    service_id: int = Field(..., description="The municipal service that opens the plan")
    consent_method: str = Field(..., description="in_person, digital or verbal")
    consent_witness: str = Field("", max_length=200)
    coordinator_user_id: int | None = Field(None, description="Empty: the one opening it")
    coordinator_service_id: int | None = None


class PlanOpened(Schema):
    id: int
    status: str
    coordinator_offer: RequestOut | None


class PlanRequestIn(Schema):
    person_id: int
    service_id: int
    to_service_id: int
    reason: str = Field(..., max_length=1000)
    consent_method: str
    consent_witness: str = Field("", max_length=200)


class AnswerIn(Schema):
    answer: str = Field("", max_length=1000)


class CoordinatorRequestIn(Schema):
    user_id: int
    service_id: int
    reason: str = Field(..., max_length=300)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class PlanStatusOut(Schema):
    id: int
    status: str
    closed_reason: str


class InvitationIn(Schema):
    role: str = Field(..., description="person or relative")
    email: str = Field(..., max_length=254)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    relation: str = Field("", max_length=100)
    represents: str = Field("", description="'', parent, guardian_personal, guardian_financial")
    representation_scope: str = Field("", max_length=300)
    agreement: str = Field("", description="in_person or verbal: how the person agreed")
    agreement_witness: str = Field("", max_length=200)


class InvitationOut(Schema):
    id: int
    role: str
    expires_at: dt.datetime


def _request(r: PlanRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        kind=r.kind,
        status=r.status,
        person=str(r.person),
        plan_id=r.plan_id,
        from_user=str(r.from_user),
        from_service=r.from_service.name if r.from_service else None,
        to_user=str(r.to_user) if r.to_user else None,
        to_service=r.to_service.name if r.to_service else None,
        reason=r.reason,
        answer=r.answer,
        created_at=r.created_at,
    )


@router.post(
    "/persons", response={201: PersonOut, 409: Refusal, 422: Refusal}, url_name="register_person"
)
def register_person(request: HttpRequest, payload: PersonIn):
    _professional(request)
    data = payload.dict()
    service = _service(data.pop("service_id"))
    district_id = data.pop("district_id")
    data["district"] = District.objects.filter(pk=district_id).first() if district_id else None
    if district_id and data["district"] is None:
        raise HttpError(422, registration.not_ours())
    try:
        person = registration.person_register(actor=request.user, service=service, **data)
    except registration.PersonAlreadyKnown as exc:
        return Status(
            409,
            Refusal(
                detail=" ".join(exc.messages), errors={"join_request": ["/api/v1/join-requests"]}
            ),
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(
        201,
        PersonOut(
            id=person.pk,
            name=str(person),
            birth_date=person.birth_date,
            national_id_masked=person.masked_national_id,
        ),
    )


@router.post("/join-requests", response={201: RequestOut}, url_name="join_request")
def join_request(request: HttpRequest, payload: JoinRequestIn):
    _professional(request)
    try:
        made = registration.join_request_create(
            actor=request.user,
            service=_service(payload.service_id),
            national_id=payload.national_id,
            reason=payload.reason,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, _request(made))


# Registered on the plans router (laget/plans/api.py), which owns the path /plans.
def open_plan(request: HttpRequest, payload: PlanIn):
    _professional(request)
    person = lifecycle.person_for_opening(
        actor=request.user, person_id=payload.person_id, request_id=_rid(request)
    )
    coordinator = None
    if payload.coordinator_user_id is not None:
        coordinator = get_object_or_404(User, pk=payload.coordinator_user_id, is_active=True)
    coordinator_service = (
        _service(payload.coordinator_service_id) if payload.coordinator_service_id else None
    )
    try:
        plan, offer = lifecycle.plan_open(
            actor=request.user,
            person=person,
            service=_service(payload.service_id),
            consent_method=payload.consent_method,
            consent_witness=payload.consent_witness,
            coordinator=coordinator,
            coordinator_service=coordinator_service,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(
        201,
        PlanOpened(
            id=plan.pk, status=plan.status, coordinator_offer=_request(offer) if offer else None
        ),
    )


@router.post("/plan-requests", response={201: RequestOut}, url_name="request_plan")
def request_plan(request: HttpRequest, payload: PlanRequestIn):
    _professional(request)
    person = lifecycle.person_for_opening(
        actor=request.user, person_id=payload.person_id, request_id=_rid(request)
    )
    try:
        made = requests.plan_request_create(
            actor=request.user,
            person=person,
            service=_service(payload.service_id),
            to_service=_service(payload.to_service_id),
            reason=payload.reason,
            consent_method=payload.consent_method,
            consent_witness=payload.consent_witness,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, _request(made))


@router.get("/requests", response=list[RequestOut], url_name="list_requests")
def list_requests(request: HttpRequest):
    """Waiting for the caller's answer first, then sent, then answered."""
    _professional(request)
    queue = requests.request_queue(actor=request.user, request_id=_rid(request))
    return [_request(r) for r in queue.to_answer + queue.sent + queue.answered]


@router.post("/requests/{request_id}/accept", response=RequestOut, url_name="accept_request")
def accept_request(request: HttpRequest, request_id: int):
    _professional(request)
    try:
        return _request(requests.request_accept(actor=request.user, request_id=request_id))
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.post("/requests/{request_id}/decline", response=RequestOut, url_name="decline_request")
def decline_request(request: HttpRequest, request_id: int, payload: AnswerIn):
    _professional(request)
    try:
        done = requests.request_decline(
            actor=request.user, request_id=request_id, reason=payload.answer
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return _request(done)


@router.post(
    "/plans/{plan_id}/coordinator-requests",
    response={201: RequestOut},
    url_name="request_coordinator",
)
def request_coordinator(request: HttpRequest, plan_id: int, payload: CoordinatorRequestIn):
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    try:
        made = requests.coordinator_request(
            actor=request.user,
            plan=access.plan,
            to_user=get_object_or_404(User, pk=payload.user_id),
            service=_service(payload.service_id),
            reason=payload.reason,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, _request(made))


def _status(plan) -> PlanStatusOut:
    return PlanStatusOut(id=plan.pk, status=plan.status, closed_reason=plan.closed_reason)


@router.post("/plans/{plan_id}/close", response=PlanStatusOut, url_name="close_plan")
def close_plan(request: HttpRequest, plan_id: int, payload: ReasonIn):
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    try:
        return _status(
            lifecycle.plan_close(actor=request.user, plan=access.plan, reason=payload.reason)
        )
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.post("/plans/{plan_id}/reopen", response=PlanStatusOut, url_name="reopen_plan")
def reopen_plan(request: HttpRequest, plan_id: int, payload: ReasonIn):
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    try:
        return _status(
            lifecycle.plan_reopen(actor=request.user, plan=access.plan, reason=payload.reason)
        )
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.post(
    "/plans/{plan_id}/invitations", response={201: InvitationOut}, url_name="invite_to_plan"
)
def invite_to_plan(request: HttpRequest, plan_id: int, payload: InvitationIn):
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    try:
        made = invitations.invitation_create(
            actor=request.user,
            plan=access.plan,
            link_base=request.build_absolute_uri("/"),
            **payload.dict(),
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, InvitationOut(id=made.pk, role=made.role, expires_at=made.expires_at))
