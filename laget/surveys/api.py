"""A round's results under /api/v1/surveys/: the same selector as the page, so the same
roles, the same closing rule and the same suppression."""

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from laget.surveys import selectors

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
