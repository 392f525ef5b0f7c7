"""A round's results under /api/v1/surveys/: the same selector as the page, so the same
roles, the same closing rule and the same suppression."""

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from laget.surveys import selectors, service_survey_selectors

router = Router(tags=["surveys"], auth=django_auth)


@router.get("/surveys/{round_id}/results")
def get_round_results(request: HttpRequest, round_id: int) -> dict:
    res = selectors.results(actor=request.user, round_id=round_id)
    return {
        "round": res.round.pk,
        "title": res.round.title,
        "status": res.round.status,
        "ready": res.ready,
        "result": res.result,
    }


@router.get("/surveys/user-rounds/{round_id}/results")
def get_user_round_results(request: HttpRequest, round_id: int) -> dict:
    """The user survey of the services: per service, respondents and the mean of each
    statement, or only `suppressed: true` below the round's threshold (as the page)."""
    res = service_survey_selectors.user_results(actor=request.user, round_id=round_id)
    return {
        "round": res.round.pk,
        "title": res.round.title,
        "status": res.round.status,
        "ready": res.ready,
        "min_n": res.round.min_n,
        "invited": res.invited,
        "answered": res.answered,
        "services": [
            {"service": s.name, "suppressed": True}
            if s.suppressed
            else {
                "service": s.name,
                "suppressed": False,
                "respondents": s.n,
                "statements": {i.key: i.mean for i in s.items},
            }
            for s in res.services
        ],
    }
