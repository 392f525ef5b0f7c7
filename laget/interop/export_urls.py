from django.urls import path

from . import export_views

urlpatterns = [
    path("planer/<int:plan_id>/eksport.csv", export_views.plan_csv, name="plan_csv"),
    path("planer/<int:plan_id>/eksport.xlsx", export_views.plan_xlsx, name="plan_xlsx"),
    path("min-konto/innsyn.zip", export_views.my_copy, name="my_copy"),
]
