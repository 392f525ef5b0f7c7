"""What a notification says outside Laget (e-mail, SMS) and in the bell. Never a name,
never health content, never a quote: the kind of thing that happened, and a link. The
in-app line may say a little more (it is behind the login), but it too names nobody, so
the bell and its list need no read of anyone's plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from laget.notifications.models import Kind

# The whole text of an SMS and the subject of an e-mail: plain, and safe on a lock screen.
HEADLINE = {
    Kind.MESSAGE_NEW: _("You have a new message in Laget"),
    Kind.MESSAGE_REPLY: _("Someone answered your message in Laget"),
    Kind.TASK_ASSIGNED: _("You have a new task in Laget"),
    Kind.TASK_OVERDUE: _("A task in Laget is overdue"),
    Kind.HANDOFF_REQUESTED: _("A hand-off waits for your service in Laget"),
    Kind.HANDOFF_ANSWERED: _("Your hand-off has been answered in Laget"),
    Kind.MEETING_INVITED: _("You are invited to a meeting in Laget"),
    Kind.MEETING_CHANGED: _("A meeting in Laget has changed"),
    Kind.MEETING_CANCELLED: _("A meeting in Laget is cancelled"),
    Kind.MINUTES_APPROVED: _("Minutes are ready in Laget"),
    Kind.CONSENT_WITHDRAWN: _("A consent was withdrawn in Laget"),
    Kind.EMERGENCY_ACCESS: _("A plan was opened with emergency access in Laget"),
    Kind.JOIN_REQUESTED: _("Someone asks to join a team in Laget"),
    Kind.COORDINATOR_REQUESTED: _("Someone asks to take over as coordinator in Laget"),
    Kind.QUESTION_UNANSWERED: _("A question has waited two working days in Laget"),
    Kind.CALL_REQUESTED: _("Someone wants to be called, see Laget"),
    Kind.COORDINATOR_OFFERED: _("You are asked to be coordinator in Laget"),
    Kind.PLAN_REQUESTED: _("A request for an individual plan waits in Laget"),
    Kind.PLAN_REQUEST_ANSWERED: _("Your request has been answered in Laget"),
    Kind.PLAN_CLOSED: _("A plan was closed in Laget"),
    Kind.PLAN_REOPENED: _("A plan was reopened in Laget"),
    Kind.INVITATION_RENEWAL: _("Someone asks for a new invitation in Laget"),
    Kind.CONSENT_REQUESTED: _("You are asked for a consent in Laget"),
    Kind.REFERRAL_RECEIVED: _("A referral waits for your team in Laget"),
    Kind.REFERRAL_DECIDED: _("Your referral is answered in Laget"),
    Kind.CASE_FLAGGED: _("A case in Laget needs a worker"),
    Kind.CASE_HANDOFF: _("A case you work on is being handed back in Laget"),
    Kind.BOARD_ON: _("A case is on the board in Laget"),
    Kind.OUTCOME_ALERT: _("Ratings in Laget need your attention"),
    Kind.OUTCOME_LINK: _("You can give your ratings in Laget"),
    Kind.USER_SURVEY: _("A short survey about the services waits for you in Laget"),
}


def headline(kind: str) -> str:
    return str(HEADLINE[Kind(kind)])
