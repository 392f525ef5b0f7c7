from django.urls import path

from laget.teams import views

app_name = "teams"

urlpatterns = [
    path("samhandlingsteam/ny/", views.team_create, name="team_create"),
    path("samhandlingsteam/<slug:slug>/", views.team, name="team"),
    path("samhandlingsteam/<slug:slug>/medlemmer/", views.member_add, name="member_add"),
    path("samhandlingsteam/medlemmer/<int:member_id>/", views.member_edit, name="member_edit"),
    path("samhandlingsteam/medlemmer/<int:member_id>/slutt/", views.member_end, name="member_end"),
    path("samhandlingsteam/<slug:slug>/henvis/", views.refer, name="refer"),
    path("henvisninger/", views.my_referrals, name="my_referrals"),
    path("samhandlingsteam/<slug:slug>/inntak/", views.intake, name="intake"),
    path("samhandlingsteam/henvisninger/<int:referral_id>/vedtak/", views.decide, name="decide"),
    path("samhandlingsteam/henvisninger/<int:referral_id>/avklar/", views.clarify, name="clarify"),
    path("samhandlingsteam/saker/<int:case_id>/", views.case, name="case"),
    path("samhandlingsteam/saker/<int:case_id>/medarbeidere/", views.worker_add, name="worker_add"),
    path(
        "samhandlingsteam/medarbeidere/<int:worker_id>/slutt/", views.worker_end, name="worker_end"
    ),
    path("samhandlingsteam/saker/<int:case_id>/kontakt/", views.contact, name="contact"),
    path("samhandlingsteam/saker/<int:case_id>/overfor/", views.handoff, name="handoff"),
    path("samhandlingsteam/saker/<int:case_id>/avslutt/", views.close, name="close"),
    path("samhandlingsteam/saker/<int:case_id>/koble/", views.link_person, name="link_person"),
    path(
        "samhandlingsteam/saker/<int:case_id>/opplevd-endring/",
        views.perceived_change,
        name="perceived_change",
    ),
    path("samhandlingsteam/saker/<int:case_id>/tavle/", views.board_add, name="board_add"),
    path("samhandlingsteam/tavle/<int:entry_id>/av/", views.board_remove, name="board_remove"),
    path("samhandlingsteam/<slug:slug>/tavle/", views.board, name="board"),
    path("samhandlingsteam/<slug:slug>/veiledning/", views.consultations, name="consultations"),
    path("samhandlingsteam/<slug:slug>/tall/", views.figures, name="figures"),
]
