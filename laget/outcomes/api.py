"""Ratings under /api/v1/plans/{id}/ratings, shaped as FHIR R4 QuestionnaireResponse
resources (a Bundle of them for the list). The same selectors and services as the pages:
the same consent rule, one access-log entry per request, the same Norwegian refusals."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from laget.outcomes import selectors, services
from laget.outcomes.models import Rating

router = Router(tags=["outcomes"], auth=django_auth)
QUESTIONNAIRE = "urn:laget:questionnaire:"


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def questionnaire_response(r: Rating) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(r.pk),
        "status": "completed",
        "questionnaire": QUESTIONNAIRE + r.instrument,
        "subject": {"reference": f"Patient/{r.plan.person_id}"},
        "authored": r.date.isoformat(),
        "source": {"display": str(r.get_rater_display())},
        "author": {"reference": f"HealthcareService/{r.service_id}", "display": r.service.name},
        "item": [
            {"linkId": key, "answer": [{"valueDecimal": value}]}
            for key, value in r.answers.items()
            if value is not None
        ]
        + [{"linkId": "total", "answer": [{"valueDecimal": float(r.total)}]}]
        + [{"linkId": "session", "answer": [{"valueInteger": r.session}]}],
    }


@router.get("/plans/{plan_id}/ratings")
def list_ratings(request: HttpRequest, plan_id: int) -> dict:
    _access, ratings = selectors.ratings_for_api(
        actor=request.user, plan_id=plan_id, request_id=_rid(request)
    )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "total": len(ratings),
        "entry": [{"resource": questionnaire_response(r)} for r in ratings],
    }


class RatingIn(Schema):
    instrument: str
    service_id: int
    answers: dict[str, float | int | str | None]
    client_key: uuid.UUID


@router.post("/plans/{plan_id}/ratings", response={201: dict})
def post_rating(request: HttpRequest, plan_id: int, payload: RatingIn):
    access, service = selectors.rating_target(
        actor=request.user, plan_id=plan_id, service_id=payload.service_id
    )
    if service is None:
        raise HttpError(422, "Tjenesten finnes ikke. Bruk id-en til en tjeneste i teamet.")
    try:
        rating = services.rating_record(
            actor=request.user,
            plan=access.plan,
            service=service,
            instrument=payload.instrument,
            answers=payload.answers,
            client_key=payload.client_key,
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return Status(201, questionnaire_response(rating))
