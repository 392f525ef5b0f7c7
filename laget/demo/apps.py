from django.apps import AppConfig


class DemoConfig(AppConfig):
    # The fictional Fjordvik network: the one place that loads every app's demo data, so no
    # domain app has to know the others (`manage.py seed_demo`, refused in production).
    name = "laget.demo"
    label = "demo"
    verbose_name = "Demo"
