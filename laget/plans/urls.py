from django.urls import path

from laget.plans import person_views, views

app_name = "plans"

urlpatterns = [
    path("planer/", views.my_plans, name="my_plans"),
    path("planer/<int:plan_id>/", views.plan_detail, name="plan"),
    path("planer/<int:plan_id>/rediger/", views.plan_edit, name="edit"),
    path("planer/<int:plan_id>/kriseplan/", views.crisis_plan, name="crisis_plan"),
    path("planer/<int:plan_id>/utskrift/", views.plan_print, name="print"),
    path("planer/<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("planer/<int:plan_id>/samtykke/", views.plan_consent, name="plan_consent"),
    path("planer/<int:plan_id>/meldinger/", views.plan_messages, name="messages"),
    path("planer/<int:plan_id>/meldinger/utkast/", views.message_draft, name="message_draft"),
    path(
        "planer/<int:plan_id>/vedlegg/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("planer/<int:plan_id>/mal/", views.goal_add, name="goal_add"),
    path("planer/<int:plan_id>/mal/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("planer/<int:plan_id>/tiltak/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("planer/<int:plan_id>/tiltak/", views.measure_add, name="measure_add"),
    path("planer/<int:plan_id>/oppgaver/", views.task_add, name="task_add"),
    path("planer/<int:plan_id>/oppgaver/<int:task_id>/ferdig/", views.task_done, name="task_done"),
    path(
        "planer/<int:plan_id>/oppgaver/<int:task_id>/gi-videre/",
        views.task_reassign,
        name="task_reassign",
    ),
    path("oppgaver/", views.my_tasks, name="my_tasks"),
    path("planer/<int:plan_id>/aktiver/", views.plan_activate, name="activate"),
    path(
        "planer/<int:plan_id>/nodtilgang/<int:emergency_id>/sett/",
        views.emergency_review,
        name="emergency_review",
    ),
    path("planer/<int:plan_id>/team/", views.team, name="team"),
    path("planer/<int:plan_id>/stedfortreder/", views.stand_in, name="stand_in"),
    path("innboks/", views.inbox, name="inbox"),
    path("planer/<int:plan_id>/team/<int:member_id>/ut/", views.team_leave, name="team_leave"),
    path("planer/<int:plan_id>/samtykker/", person_views.consents, name="consents"),
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
