"""Write (or check) the committed SDL of the GraphQL schemas.

manage.py graphql_sdl          # rewrite config/schema_*.graphql
manage.py graphql_sdl --check  # exit 1 if they differ from the code
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from graphql import print_schema

from config.schema_booking import schema as booking_schema
from config.schema_public import schema as public_schema
from config.schema_tenant import schema as tenant_schema


def sdl_files() -> dict[Path, str]:
    config = Path(settings.BASE_DIR) / "config"
    return {
        config / "schema_tenant.graphql": print_schema(tenant_schema.graphql_schema) + "\n",
        config / "schema_public.graphql": print_schema(public_schema.graphql_schema) + "\n",
        config / "schema_booking.graphql": print_schema(booking_schema.graphql_schema) + "\n",
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
