"""{% outcome_alerts %}: the ratings section of "Needs attention", read through the
outcomes selector (access check and access log as everywhere)."""

from __future__ import annotations

from django import template

from laget.outcomes.selectors import alerts_for

register = template.Library()


@register.inclusion_tag("outcomes/_alerts.html", takes_context=True)
def outcome_alerts(context: template.Context) -> dict:
    request = context["request"]
    found = alerts_for(
        actor=request.user,
        request_id=getattr(request, "request_id", ""),
        team=getattr(request, "laget_team_accesses", None),  # read once by the dashboard
    )
    return {"outcome_alerts": found}
