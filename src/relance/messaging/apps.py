from django.apps import AppConfig


class Config(AppConfig):
    name = "relance.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"
