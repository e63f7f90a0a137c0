from pathlib import Path

from django.apps import AppConfig

STATIC_DIR = Path(__file__).resolve().parent / "static"


class Config(AppConfig):
    name = "relance.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"
