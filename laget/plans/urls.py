from django.urls import path

from laget.plans import (
    invitation_views,
    lifecycle_views,
    message_views,
    person_views,
    task_views,
    views,
)

app_name = "plans"

urlpatterns = [
    path("planer/", views.my_plans, name="my_plans"),
    path("planer/<int:plan_id>/", views.plan_detail, name="plan"),
    path("planer/<int:plan_id>/rediger/", views.plan_edit, name="edit"),
    path("planer/<int:plan_id>/kriseplan/", views.crisis_plan, name="crisis_plan"),
    path("planer/<int:plan_id>/utskrift/", views.plan_print, name="print"),
    path("planer/<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("planer/<int:plan_id>/samtykke/", views.plan_consent, name="plan_consent"),
    path("planer/<int:plan_id>/meldinger/", message_views.plan_messages, name="messages"),
    path(
        "planer/<int:plan_id>/meldinger/utkast/", message_views.message_draft, name="message_draft"
    ),
    path(
        "planer/<int:plan_id>/vedlegg/<int:attachment_id>/",
        message_views.attachment_download,
        name="attachment",
    ),
    path("planer/<int:plan_id>/mal/", views.goal_add, name="goal_add"),
    path("planer/<int:plan_id>/mal/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("planer/<int:plan_id>/tiltak/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("planer/<int:plan_id>/tiltak/", views.measure_add, name="measure_add"),
    path("planer/<int:plan_id>/oppgaver/", views.task_add, name="task_add"),
    path(
        "planer/<int:plan_id>/oppgaver/<int:task_id>/ferdig/",
        task_views.task_done,
        name="task_done",
    ),
    path(
        "planer/<int:plan_id>/oppgaver/<int:task_id>/gi-videre/",
        task_views.task_reassign,
        name="task_reassign",
    ),
    path("oppgaver/", task_views.my_tasks, name="my_tasks"),
    path("planer/<int:plan_id>/aktiver/", views.plan_activate, name="activate"),
    path(
        "planer/<int:plan_id>/nodtilgang/<int:emergency_id>/sett/",
        views.emergency_review,
        name="emergency_review",
    ),
    path("planer/<int:plan_id>/team/", views.team, name="team"),
    path(
        "planer/<int:plan_id>/kommunedel/",
        person_views.person_district,
        name="person_district",
    ),
    path("planer/<int:plan_id>/stedfortreder/", views.stand_in, name="stand_in"),
    path("innboks/", views.inbox, name="inbox"),
    path("planer/<int:plan_id>/team/<int:member_id>/ut/", views.team_leave, name="team_leave"),
    path("planer/<int:plan_id>/samtykker/", person_views.consents, name="consents"),
    path(
        "planer/<int:plan_id>/samtykker/oversikt/",
        person_views.consent_summary,
        name="consent_summary",
    ),
    path(
        "planer/<int:plan_id>/samtykker/<int:consent_id>/trekk-tilbake/",
        person_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "planer/<int:plan_id>/samtykker/<int:consent_id>/angre/",
        person_views.consent_undo,
        name="consent_undo",
    ),
    path("planer/<int:plan_id>/skjul/", views.item_block, name="item_block"),
    path("planer/<int:plan_id>/skjul/<int:block_id>/vis/", views.item_unblock, name="item_unblock"),
    path("nodtilgang/", views.emergency_access, name="emergency"),
    path("min-plan/logg/", person_views.my_access_log, name="my_access_log"),
    path("min-konto/", person_views.my_account, name="my_account"),
]

# The plan's life cycle: registering, opening, requests, roles, invitations.
urlpatterns += [
    path("personer/ny/", lifecycle_views.person_register, name="register"),
    path("personer/bli-med/", lifecycle_views.join_request, name="join_request"),
    path("personer/<int:person_id>/plan/", lifecycle_views.plan_open, name="plan_open"),
    path("personer/<int:person_id>/be-om-plan/", lifecycle_views.plan_request, name="plan_request"),
    path("foresporsler/", lifecycle_views.request_queue, name="requests"),
    path(
        "foresporsler/<int:request_id>/svar/",
        lifecycle_views.request_answer,
        name="request_answer",
    ),
    path("planer/<int:plan_id>/roller/", lifecycle_views.plan_roles, name="roles"),
    path(
        "planer/<int:plan_id>/koordinator/",
        lifecycle_views.coordinator_change,
        name="coordinator_change",
    ),
    path("planer/<int:plan_id>/avslutt/", lifecycle_views.plan_close, name="close"),
    path("planer/<int:plan_id>/gjenapne/", lifecycle_views.plan_reopen, name="reopen"),
    path("planer/<int:plan_id>/inviter/", invitation_views.invite, name="invite"),
    path(
        "planer/<int:plan_id>/inviter/<int:invitation_id>/ny-lenke/",
        invitation_views.invite_resend,
        name="invite_resend",
    ),
    path("invitasjon/<str:token>/", invitation_views.invitation, name="invitation"),
    path(
        "invitasjon/<str:token>/ny-lenke/",
        invitation_views.invitation_renew,
        name="invitation_renew",
    ),
]
