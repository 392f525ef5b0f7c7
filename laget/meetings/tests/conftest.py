# The plan and its actors, shared with the plan tests.
from laget.plans.tests.conftest import _media_in_tmp, plan_client, plan_world  # noqa: F401
