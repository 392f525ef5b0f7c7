"""Counts of the user survey of the services for the quality indicators (issue 19): numbers
only, never a name, an id or a row; one query (laget.core.months); the
indicator `ui_user_survey_answered` in quality/indicators.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q

from laget.core.months import Cell, grouped_by_month
from laget.directory.models import Network, Service
from laget.surveys.models import Invitation, Round


def user_survey_answered(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Persons first told of a user survey in the month (the denominator), and of them
    those who have answered it (the numerator). With a service: the surveys that asked
    about it. Counts invitations, so a cell below the threshold is hidden by the caller."""
    qs = Invitation.objects.filter(round__kind=Round.Kind.USERS)
    if network is not None:
        qs = qs.filter(round__network=network)
    if service is not None:
        qs = qs.filter(round__groups__service=service)
    return grouped_by_month(qs, months, "sent_on", meets=Q(answered_on__isnull=False))
