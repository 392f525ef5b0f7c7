# The plan and its actors, shared with the plan tests.
import datetime as dt

import pytest
from django.utils import timezone

from laget.plans import services as plan_services
from laget.plans.models import Category
from laget.plans.tests.conftest import _media_in_tmp, plan_client, plan_world  # noqa: F401
from laget.tests.test_browser import browser, demo, page_for  # noqa: F401 (the journey's)


def give_outcome_consent(w, **to) -> None:
    """The person lets a service (or a relative) see the ratings."""
    today = timezone.localdate()
    plan_services.consent_record(
        actor=w.person,
        plan=w.plan,
        valid_from=today - dt.timedelta(days=1),
        valid_to=today + dt.timedelta(days=365),
        method="digital",
        categories=[Category.OUTCOMES],
        **to,
    )


@pytest.fixture
def consent():
    return give_outcome_consent
