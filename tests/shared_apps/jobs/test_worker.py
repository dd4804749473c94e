"""The real worker (`manage.py worker`, another process) against committed
jobs: a worker killed mid-job loses nothing and sends nothing twice.

The worker runs in a process of its own with the file SMS transport
(core/sms.py), so the test reads what it handed to "Twilio". To stop it at a
chosen point of a job, the test holds a row lock the job needs there (and,
to stop it after the hand-over, makes the SMS file a pipe the job blocks on),
waits until the job is taken, and kills the worker with SIGKILL (no clean-up
runs).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connections, transaction
from procrastinate.contrib.django import app

from shared_apps.jobs.tasks import put_back_stalled_jobs
from shared_apps.lifecycle.services import spa_provision
from shared_apps.sms.models import SmsRoute
from tenant_apps.messaging.models import Channel, Message, MessageKind, MessageStatus
from tenant_apps.messaging.sending import message_queue
from tenants.db import connection
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.messaging.clock import noon_zone

BASE_DIR = Path(settings.BASE_DIR)
PHONE = "+12125550199"


def database_url() -> str:
    conf = connections["default"].settings_dict
    host = quote(conf["HOST"], safe="") if conf["HOST"].startswith("/") else conf["HOST"]
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgresql://{auth}@{host}:{conf['PORT']}/{conf['NAME']}"


def start_worker(sms_file: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(sms_file),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue",
            "spa",
            "--once",
            "--poll",
            "0.2",
            "--concurrency",
            "1",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def job_status(job_id: int) -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT status FROM public.procrastinate_jobs WHERE id = %s", [job_id])
        return str(cursor.fetchone()[0])


def wait_for(predicate, worker: subprocess.Popen[bytes], *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if worker.poll() is not None:
            raise AssertionError(f"the worker stopped: {worker.communicate()[1].decode()[-3000:]}")
        if time.monotonic() > deadline:
            worker.kill()
            raise AssertionError(f"timed out: {worker.communicate()[1].decode()[-3000:]}")
        time.sleep(0.05)


def sent(sms_file: Path) -> list[dict[str, str]]:
    if not sms_file.exists():
        return []
    return [json.loads(line) for line in sms_file.read_text().splitlines()]


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def finish(worker: subprocess.Popen[bytes]) -> None:
    _, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err.decode()[-2000:]


def put_back_jobs_of_dead_workers() -> int:
    # The killed worker's heartbeat stops; make it old now instead of waiting a minute.
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "UPDATE public.procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
        )
    return async_to_sync(put_back_stalled_jobs)(app.job_manager)


@pytest.fixture
def spa_with_a_text(committing, tmp_path):
    spa = spa_provision(
        slug="jobs-kill", name="Jobs Kill", timezone_name=noon_zone(), owner_email="o@jk.example"
    )
    connection.set_tenant(spa)
    with transaction.atomic():
        client = ClientFactory.create(phone=PHONE, email="", region="", country="US")
        message = message_queue(
            key="form_request:test",
            client=client,
            channel=Channel.SMS,
            kind=MessageKind.FORM_REQUEST,
        )
    assert message is not None
    connection.set_schema_to_public()
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT id FROM public.procrastinate_jobs WHERE task_name = 'messaging.send' "
            "AND args->>'spa_schema' = %s",
            [spa.schema_name],
        )
        job_id = cursor.fetchone()[0]
    yield spa, message.pk, job_id, tmp_path / "sms.jsonl"
    connection.set_schema_to_public()
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "DELETE FROM public.procrastinate_jobs WHERE args->>'spa_schema' = %s",
            [spa.schema_name],
        )
        # The periodic jobs the workers deferred, and the workers' rows.
        cursor.execute("DELETE FROM public.procrastinate_periodic_defers")
        cursor.execute("DELETE FROM public.procrastinate_jobs WHERE queue_name = 'platform'")
        cursor.execute("DELETE FROM public.procrastinate_workers")


def message_status(spa, message_id: int) -> str:
    connection.set_tenant(spa)
    status = Message.objects.get(pk=message_id).status
    connection.set_schema_to_public()
    return status


def test_a_worker_killed_before_the_hand_over_loses_nothing(spa_with_a_text):
    spa, message_id, job_id, sms_file = spa_with_a_text
    # Hold the message: the job stops at its first step, before anything is sent.
    with transaction.atomic():
        connection.set_tenant(spa)
        Message.objects.select_for_update().get(pk=message_id)
        worker = start_worker(sms_file)
        wait_for(lambda: job_status(job_id) == "doing", worker)
        kill(worker)
    connection.set_schema_to_public()
    assert sent(sms_file) == []
    assert message_status(spa, message_id) == MessageStatus.QUEUED

    assert put_back_jobs_of_dead_workers() == 1
    finish(start_worker(sms_file))

    assert [text["to"] for text in sent(sms_file)] == [PHONE]
    assert message_status(spa, message_id) == MessageStatus.SENT
    assert job_status(job_id) == "succeeded"


def waiting_for_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def test_a_worker_killed_after_the_hand_over_sends_nothing_twice(spa_with_a_text):
    spa, message_id, job_id, sms_file = spa_with_a_text
    # The "Twilio" file is a pipe: the job blocks handing the text over until
    # the test reads it. Meanwhile the test locks the message, so the job,
    # once it has handed the text over, stops before recording that it went.
    os.mkfifo(sms_file)
    worker = start_worker(sms_file)
    wait_for(lambda: message_status(spa, message_id) == MessageStatus.SENDING, worker)
    with transaction.atomic():
        connection.set_tenant(spa)
        Message.objects.select_for_update().get(pk=message_id)
        handed_over = Path(sms_file).read_text()
        wait_for(lambda: waiting_for_a_lock() == 1, worker)
        kill(worker)
    connection.set_schema_to_public()
    sms_file.unlink()
    sms_file.write_text(handed_over)
    assert len(sent(sms_file)) == 1
    assert job_status(job_id) == "doing"
    assert message_status(spa, message_id) == MessageStatus.SENDING
    # The number is routed to the spa already: a STOP in answer finds it.
    assert SmsRoute.objects.filter(phone=PHONE, spa=spa).exists()

    assert put_back_jobs_of_dead_workers() == 1
    finish(start_worker(sms_file))

    # Run again, the job does not send again; the message waits for Twilio's word.
    assert len(sent(sms_file)) == 1
    assert message_status(spa, message_id) == MessageStatus.UNCONFIRMED
    assert job_status(job_id) == "succeeded"
    # (A delivery callback settles it: tests/shared_apps/sms/test_webhooks.py.)
