import pytest

from core import sms


@pytest.fixture(autouse=True)
def sms_outbox():
    """core/sms.py's locmem transport, emptied before and after each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
