"""{% team_alerts %}: the cross-level team's section of "Needs attention" (the continuity
dashboard), read through teams.selectors (access check and access log as everywhere)."""

from __future__ import annotations

from django import template

from laget.teams.selectors import alerts_for

register = template.Library()


@register.inclusion_tag("teams/_alerts.html", takes_context=True)
def team_alerts(context: template.Context) -> dict:
    request = context["request"]
    rows = alerts_for(actor=request.user, request_id=getattr(request, "request_id", ""))
    return {"team_alerts": rows}
