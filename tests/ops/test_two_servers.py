"""Two stateless app servers behind one proxy on one PostgreSQL (issue 17, past one machine;
DESIGN §3): gunicorn twice with the production settings, nginx in front (bench/load/proxy.py,
as `python -m bench.load --servers 2` runs them). One real sign-in (password, then the TOTP
code) through the proxy; the session it makes is honoured by both instances."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
from collections import Counter

import pytest
from django.conf import settings

from bench.load import proxy
from bench.load.run import sign_in
from tests.halves import postgres_half_only
from tests.ops.cluster import Cluster, _environment, manage, python

pytestmark = [
    pytest.mark.postgres,
    postgres_half_only,
    pytest.mark.skipif(
        proxy.nginx() is None, reason="nginx not installed (apt-get install nginx-light)"
    ),
]

PRODUCTION = "kansrijk.conf.production"
KEY_HEX = secrets.token_hex(20)
ENV = {
    "KANSRIJK_SECRET_KEY": secrets.token_urlsafe(50),
    "KANSRIJK_MATCH_REGISTER_KEY": secrets.token_urlsafe(50),
    "KANSRIJK_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "KANSRIJK_LOG_LEVEL": "WARNING",
}
PEOPLE = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from kansrijk.access.roles import Role
from tests.factories import PASSWORD, LocationFactory, professional
teacher = professional(Role.TEACHER, LocationFactory(), username="leerkracht.twee")
teacher.set_password(PASSWORD)
teacher.save()
TOTPDevice.objects.create(user=teacher, name="app", key="{KEY_HEX}", confirmed=True)
print(PASSWORD)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_one_session_is_served_by_both_app_servers_behind_the_proxy(
    migrated_cluster: Cluster,
) -> None:
    import requests

    cluster = migrated_cluster
    url = cluster.url()
    made = python(PEOPLE, database_url=url, settings_module=PRODUCTION, **ENV)
    assert made.returncode == 0, made.stderr
    password = made.stdout.strip()
    static = tempfile.mkdtemp(prefix="kansrijk-static-")
    env = {**_environment(url, PRODUCTION), **ENV, "KANSRIJK_STATIC_ROOT": static}
    assert manage("collectstatic", "--noinput", database_url=url, settings_module=PRODUCTION,
                  **ENV, KANSRIJK_STATIC_ROOT=static).returncode == 0  # fmt: skip
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "kansrijk.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for port in ports
    ]
    front = _free_port()
    nginx = None
    try:
        nginx = proxy.start(front, ports)
        host = f"127.0.0.1:{front}"
        cookies, _seconds = sign_in(host, "leerkracht.twee", password, KEY_HEX)
        served: Counter[str] = Counter()
        for _ in range(8):
            response = requests.get(
                f"http://{host}/",
                headers={"X-Forwarded-Proto": "https",
                         "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
                allow_redirects=False, timeout=60,
            )  # fmt: skip
            assert response.status_code == 200, response.status_code  # signed in on both
            assert "leerkracht.twee" in response.text or "Mijn werk" in response.text
            served[response.headers["X-Upstream"]] += 1
        assert set(served) == {f"127.0.0.1:{port}" for port in ports}, served
    finally:
        for process in ([nginx] if nginx else []) + servers:
            process.terminate()
            process.wait(timeout=30)
