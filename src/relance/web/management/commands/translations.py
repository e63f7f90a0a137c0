"""``relance translations``: compile the interface's .po catalogs into .mo files.

Babel writes the .mo files, so translators need no gettext tools installed; the
compiled files are committed next to their .po sources and shipped in the package.
To add strings: ``relance makemessages -l fr -l en`` (needs gettext's xgettext) in
``src/relance``, translate the French .po, then run this command.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogs(folders: list[Path]) -> list[Path]:
    written = []
    for folder in folders:
        for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parents[1].name)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            written.append(mo)
    return written


class Command(BaseCommand):
    help = "Compile the translation catalogs (.po → .mo) with Babel."
    requires_system_checks = []

    def handle(self, *args, **options):
        for mo in compile_catalogs([Path(p) for p in settings.LOCALE_PATHS]):
            self.stdout.write(f"compiled {mo}")
