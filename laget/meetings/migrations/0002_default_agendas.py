"""The default agendas from the issue (seed 003 for the forum, seed 002 for the
responsibility group). They are data: professionals edit them in Laget."""

from django.db import migrations

FORUM = """Hvem er hvem: presentasjonsrunde for nye
Nytt fra hver tjeneste: endringer i tilbudet
Anonymisert sak
Prinsipper for samarbeid
Kort evaluering"""

GROUP = """Personens eget syn først
Hva har skjedd siden sist
Mål og tiltak
Neste steg"""

GENERIC = """Velkommen og hensikt
Saker
Avtaler og neste steg"""


def create(apps, schema_editor):
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    for kind, name, items in [
        ("forum", "Samhandlingsforum (standard)", FORUM),
        ("group", "Ansvarsgruppemøte (standard)", GROUP),
        ("generic", "Møte (standard)", GENERIC),
    ]:
        AgendaTemplate.objects.get_or_create(
            kind=kind, is_default=True, defaults={"name": name, "items": items}
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
