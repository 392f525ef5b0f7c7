"""The choice_label filter says what Django's get_FOO_display says, in either language."""

from __future__ import annotations

from django.template import engines
from django.utils import translation

from laget.accounts.models import User

TEMPLATE = engines["django"].from_string('{% load choices %}{{ u|choice_label:"kind" }}')


def test_choice_label_matches_get_display_in_both_languages():
    for kind in User.Kind.values:
        user = User(kind=kind)
        for language in ("nb", "en"):
            with translation.override(language):
                assert TEMPLATE.render({"u": user}) == user.get_kind_display()


def test_an_unknown_value_is_shown_as_it_is():
    assert TEMPLATE.render({"u": User(kind="retired")}) == "retired"
