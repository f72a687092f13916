import os
import socket
import subprocess
import sys

import pytest

PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/health")
print(response.status_code, response.json()["database"])
"""


@pytest.mark.django_db
def test_health_answers_200_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["worker"] == {
        "status": "none",
        "threads_alive": 0,
        "last_heartbeat_seconds": None,
        "oldest_ready_task_seconds": None,
    }


def test_health_answers_503_when_the_database_is_down():
    """A real process pointed at a PostgreSQL port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/none",
        "DJANGO_SETTINGS_MODULE": "kansrijk.conf.test",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["503", "down"]
