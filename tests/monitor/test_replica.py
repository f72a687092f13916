"""The monitor's reads on a streaming replica (issue 17, past one machine): the router sends
the snapshot reads there and every write to the primary. The last test needs a real replica:

    KANSRIJK_PG_REPLICA=1 scripts/with_postgres.sh \
        .venv/bin/pytest tests/monitor/test_replica.py -n 0
"""

from __future__ import annotations

import os
import time

import dj_database_url
import pytest
from django.db import connections

from kansrijk.core.models import Professional
from kansrijk.monitor.models import MonitorSnapshot
from kansrijk.monitor.periods import Period
from kansrijk.monitor.replica import MonitorReplicaRouter
from kansrijk.monitor.selectors import snapshot_computed_at
from kansrijk.monitor.services import snapshot_refresh
from tests.auth import sign_in

REPLICA_URL = os.environ.get("KANSRIJK_REPLICA_DATABASE_URL", "")


def test_the_router_reads_snapshots_on_the_replica_and_writes_on_the_primary() -> None:
    router = MonitorReplicaRouter()
    assert router.db_for_read(MonitorSnapshot) == "replica"
    assert router.db_for_read(Professional) is None  # everything else: the default
    assert router.db_for_write(MonitorSnapshot) == "default"
    assert router.allow_migrate("replica", "monitor") is False
    assert router.allow_migrate("default", "monitor") is True


@pytest.mark.skipif(
    not REPLICA_URL or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs a streaming replica: KANSRIJK_PG_REPLICA=1 scripts/with_postgres.sh",
)
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_monitor_page_reads_its_snapshot_from_the_streaming_replica(client, world) -> None:
    replica, default = connections["replica"], connections["default"]
    mirrored = replica.settings_dict
    standby = dj_database_url.parse(REPLICA_URL)
    replica.close()
    # The test database, on the standby that streams the whole primary cluster.
    replica.settings_dict = {**default.settings_dict, "HOST": standby["HOST"],
                             "PORT": standby["PORT"]}  # fmt: skip
    try:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True  # a standby, not the primary
        period = Period.default()
        written = snapshot_refresh(period=period)  # the worker's write, on the primary
        assert MonitorSnapshot.objects.db_manager("default").filter(pk=written.pk).exists()
        deadline = time.monotonic() + 20
        while snapshot_computed_at(period) != written.computed_at:  # read on the replica
            assert time.monotonic() < deadline, "the replica did not catch up in 20 s"
            time.sleep(0.1)
        assert MonitorSnapshot.objects.all().db == "replica"
        sign_in(client, world.coordinator)
        page = client.get("/monitor/").content.decode()
        assert "De cijfers van deze periode worden voorbereid" not in page
        with pytest.raises(Exception, match="read-only"), replica.cursor() as cursor:
            cursor.execute("DELETE FROM monitor_monitorsnapshot")
    finally:
        replica.close()
        replica.settings_dict = mirrored
