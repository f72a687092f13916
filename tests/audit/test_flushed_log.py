"""An emptied log (`flush`: the test database after every transactional test) has its signed
head, as migration 0004 leaves an empty one: the first entry after it is chained without
creating the head in its request (seven queries more, which a page's query count took for
its own)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.audit import chain
from kansrijk.audit.models import AccessLogEntry, ChainHead, Event
from kansrijk.audit.services import audit_key, log_access

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_emptied_log_has_its_signed_head_and_chains_the_first_entry_to_it(world) -> None:
    log_access(by=world.coach, event=Event.LIST, purpose="before the flush")
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)  # as pytest-django
    assert not AccessLogEntry.objects.exists()
    head = ChainHead.objects.get()
    state = chain.HeadState()
    assert (head.last_id, head.last_hash, head.count) == (0, state.last_hash, 0)
    assert head.signature == chain.head_signature(state, audit_key())
    with CaptureQueriesContext(connection) as first:
        log_access(by=None, event=Event.LIST, purpose="after the flush")
    with CaptureQueriesContext(connection) as second:
        log_access(by=None, event=Event.LIST, purpose="and again")
    assert len(first) == len(second)
