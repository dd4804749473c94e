"""Write (or check) the committed SDL of the GraphQL schemas.

manage.py graphql_sdl          # rewrite config/schema_*.graphql
manage.py graphql_sdl --check  # exit 1 if they differ from the code

Which schemas, and where their SDL is committed, is the project's to say: the
setting GRAPHQL_SCHEMAS maps each file (relative to BASE_DIR) to its schema's
dotted path, so this command imports nothing of the project itself.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from graphql import print_schema


def sdl_files() -> dict[Path, str]:
    base = Path(settings.BASE_DIR)
    return {
        base / path: print_schema(import_string(schema).graphql_schema) + "\n"
        for path, schema in settings.GRAPHQL_SCHEMAS.items()
    }


class Command(BaseCommand):
    help = "Write or check the committed GraphQL SDL files."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool, **options):
        stale = []
        for path, sdl in sdl_files().items():
            current = path.read_text() if path.exists() else None
            if current == sdl:
                continue
            if check:
                stale.append(path.name)
            else:
                path.write_text(sdl)
                self.stdout.write(f"wrote {path.name}")
        if stale:
            raise CommandError(f"out of date: {', '.join(stale)} (run manage.py graphql_sdl)")
