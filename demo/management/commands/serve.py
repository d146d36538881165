"""Run Linli: the web server and one background-job consumer, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and one Huey consumer; print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        from demo.city import demo_accounts_table
        from demo.front_door import demo_join_line

        # The console gateway's outbox opens to visitors, so the demo's text codes can be read
        # (the web server and the consumer below read their settings with this set).
        os.environ.setdefault("TEXT_CONSOLE_OUTBOX_PUBLIC", "1")
        # The demo's admin accounts log in with the demo password alone (production asks street,
        # district, city and unit admins for a second factor); anyone may turn one on from
        # Inbox → Security, and SECOND_FACTOR_ROLES=street_admin,… makes it required here too.
        os.environ.setdefault("SECOND_FACTOR_ROLES", "")
        self.stdout.write(demo_accounts_table())
        if not os.environ["SECOND_FACTOR_ROLES"].strip():
            self.stdout.write(
                "Second factor: not required in the demo (SECOND_FACTOR_ROLES is empty); try it "
                "from Inbox → Security, or start with SECOND_FACTOR_ROLES=street_admin,"
                "district_admin,city_admin,unit_admin to require it."
            )
        url = f"http://{options['host']}:{options['port']}/"
        join = demo_join_line(url.rstrip("/"))
        if join:
            self.stdout.write(join)
        self.stdout.write(self.style.SUCCESS(f"Linli is running on {url}  (Ctrl-C stops it)"))
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
            cwd=settings.BASE_DIR,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["workers"]),
                "--threads",
                "4",
                # Paths only: query strings can carry searched names or phone digits.
                "--access-logfile",
                "-",
                "--access-logformat",
                '%(t)s "%(m)s %(U)s" %(s)s %(M)sms',
                "--log-level",
                "warning",
                # ID and phone numbers masked in gunicorn's own log lines too.
                "--logger-class",
                "config.gunicorn_logger.MaskingLogger",
            ],
            cwd=settings.BASE_DIR,
        )
        try:
            while server.poll() is None and consumer.poll() is None:
                try:
                    server.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (server, consumer):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (server, consumer):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if server.returncode not in (0, None, -signal.SIGTERM):
            raise SystemExit(server.returncode)
