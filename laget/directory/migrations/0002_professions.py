"""Load the profession code list (laget/directory/professions.py)."""

from django.db import migrations

from laget.directory.professions import PROFESSIONS



def add_professions(apps, schema_editor):
    Profession = apps.get_model("directory", "Profession")
    for code, name_nb, name_en, health in PROFESSIONS:
        Profession.objects.update_or_create(
            code=code,
            defaults={"name_nb": name_nb, "name_en": name_en, "is_health_personnel": health},
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_professions, migrations.RunPython.noop)]
