"""Status of, or stop, the development embedded PostgreSQL (.data/postgres).

manage.py embedded_postgres status
manage.py embedded_postgres stop
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.database import embedded_server, stop_embedded


class Command(BaseCommand):
    help = "Show or stop the embedded development PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action: str, **options):
        data_dir = Path(settings.BASE_DIR) / ".data" / "postgres"
        server = embedded_server(data_dir)
        if server is None:
            raise CommandError(
                "No embedded PostgreSQL here (DATABASE_URL is set, or none was made)."
            )
        info = server.get_postmaster_info()
        if action == "status":
            self.stdout.write(f"running, pid {info.pid}, socket {info.socket_dir}, data {data_dir}")
            return
        stop_embedded(server)
        self.stdout.write(f"stopped (data kept in {data_dir})")
