from django.apps import AppConfig


class Config(AppConfig):
    name = "relance.dunning"
    label = "dunning"
    default_auto_field = "django.db.models.BigAutoField"
