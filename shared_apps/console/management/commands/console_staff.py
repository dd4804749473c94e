"""Platform staff: who may use the console, and their authenticators.

manage.py console_staff grant ops@medspa.example --name "Ops" [--password-stdin]
manage.py console_staff enroll ops@medspa.example   # prints a QR code to scan (replaces any)
manage.py console_staff revoke ops@medspa.example
manage.py console_staff list
manage.py console_staff code ops@medspa.example     # DEBUG only: the current code (demo)
"""

from __future__ import annotations

import io
import sys

import segno
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts.models import User, normalize_email
from shared_apps.console.staff import staff_enroll, staff_grant, staff_revoke


class Command(BaseCommand):
    help = "Grant, enrol, revoke and list platform staff (the console's users)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser("grant", help="Make an account platform staff (creating it).")
        grant.add_argument("email")
        grant.add_argument("--name", default="")
        grant.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        enroll = sub.add_parser("enroll", help="Give an account a new TOTP authenticator.")
        enroll.add_argument("email")
        revoke = sub.add_parser("revoke", help="Take the console away from an account.")
        revoke.add_argument("email")
        sub.add_parser("list", help="List platform staff.")
        code = sub.add_parser("code", help="Development only: print the current TOTP code.")
        code.add_argument("email")

    def handle(self, *args, action: str, **options) -> None:
        if action == "grant":
            password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
            user = staff_grant(email=options["email"], name=options["name"], password=password)
            self.stdout.write(f"{user.email} is platform staff. Next: console_staff enroll.")
        elif action == "enroll":
            user = self._staff(options["email"])
            enrolment = staff_enroll(user=user)
            self.stdout.write("Scan this with the authenticator app (shown once):\n")
            drawing = io.StringIO()
            segno.make(enrolment.otpauth_url, error="m").terminal(out=drawing, compact=True)
            self.stdout.write(drawing.getvalue())
            self.stdout.write(f"\nOr enter this address by hand: {enrolment.otpauth_url}\n")
        elif action == "code":
            if not settings.DEBUG:
                # A shell that can print codes defeats the second factor: demo only.
                raise CommandError("Codes are printed only in development (DJANGO_DEBUG=true).")
            device = TOTPDevice.objects.filter(
                user=self._staff(options["email"]), confirmed=True
            ).first()
            if device is None:
                raise CommandError("That account has no authenticator (enroll it).")
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
            self.stdout.write(f"{code:0{device.digits}d}")
        elif action == "revoke":
            if staff_revoke(email=options["email"]) is None:
                raise CommandError("No such account.")
            self.stdout.write("Revoked.")
        else:
            for user in User.objects.filter(is_platform_staff=True).order_by("email"):
                enrolled = user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]
                self.stdout.write(
                    f"{user.email:<40} {'active' if user.is_active else 'inactive':<9}"
                    f" {'enrolled' if enrolled else 'NO AUTHENTICATOR'}"
                )

    @staticmethod
    def _staff(email: str) -> User:
        user = User.objects.filter(email=normalize_email(email), is_platform_staff=True).first()
        if user is None:
            raise CommandError("No platform staff account with that email (grant it first).")
        return user
