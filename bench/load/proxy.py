"""N stateless app servers behind one proxy (issue 17, past one machine): nginx from Debian
(`apt-get install nginx-light`) balancing round robin over the gunicorn instances, started
and stopped by the load test (`--servers 2`) and by tests/ops/test_two_servers.py.

Each response names the instance that served it (`X-Upstream`), so a test can see that one
session is served by both."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CONFIG = """
worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    upstream kansrijk {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kansrijk;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def start(port: int, upstreams: list[int]) -> subprocess.Popen[bytes]:
    """nginx on `port` in front of gunicorn on `upstreams`; returns once it answers."""
    binary = nginx()
    if binary is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx-light")
    directory = Path(tempfile.mkdtemp(prefix="kansrijk-proxy-"))
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    conf = directory / "nginx.conf"
    conf.write_text(CONFIG.format(directory=directory, servers=servers, port=port))
    process = subprocess.Popen([binary, "-c", str(conf), "-e", str(directory / "error.log")])
    for _ in range(600):  # gunicorn loading the app can take a while on a busy machine
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/health", headers={"X-Forwarded-Proto": "https"}
            )
            urllib.request.urlopen(request, timeout=2)  # noqa: S310
            return process
        except urllib.error.HTTPError as answer:
            if answer.code not in (502, 504):  # an app server answered (503: no worker yet)
                return process
            time.sleep(0.1)
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"nginx did not come up: {(directory / 'error.log').read_text()}")
