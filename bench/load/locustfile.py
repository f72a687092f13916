"""The locust side of the region load test (bench/load/run.py starts it; see there).

Each simulated user signs in for real (password, then the TOTP code computed from the bench
device's secret) as a login of the page's role, then asks for its page without think time.
Users of the same login share one session (a TOTP code is accepted once per 30 s). Every
response's time and the server's X-Bench-* headers (queries, CPU) are kept per page and
written to --samples-out when locust stops. No Django here: locust runs under gevent.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import struct
import time
from collections import defaultdict
from typing import Any

from gevent.lock import Semaphore
from locust import HttpUser, constant, events, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAMPLES: dict[str, list[list[float]]] = defaultdict(list)
SESSIONS: dict[str, dict[str, str]] = {}
LOCKS: dict[str, Semaphore] = defaultdict(Semaphore)
SIGNED_IN: list[float] = []  # when each user was ready: samples before the last are dropped
COUNTER = itertools.count()


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (SHA-1), as django-otp's TOTPDevice computes it with its defaults."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--plan", default="", help="JSON: logins and URL per page")
    parser.add_argument("--page", default="mix", help="one page of the plan, or mix")
    parser.add_argument("--samples-out", default="", help="where to write the samples (JSON)")


@events.request.add_listener
def _sample(
    name: str, response_time: float, response: Any = None, exception: Any = None, **_kwargs: Any
) -> None:
    if name.startswith("login") or response is None:
        return
    headers = response.headers
    SAMPLES[name].append(
        [
            response_time,
            float(headers.get("X-Bench-Queries", -1)),
            float(headers.get("X-Bench-App-CPU-ms", -1)),
            float(headers.get("X-Bench-DB-CPU-ms", -1)),
            float(len(response.content or b"")),
            0.0 if exception is None and response.status_code == 200 else 1.0,
            time.time(),
        ]
    )


@events.quitting.add_listener
def _write(environment: Any, **_kwargs: Any) -> None:
    out = environment.parsed_options.samples_out
    if not out:
        return
    cutoff = max(SIGNED_IN, default=0.0)
    kept = {name: [r for r in rows if r[6] >= cutoff] for name, rows in SAMPLES.items()}
    last = max((r[6] for rows in kept.values() for r in rows), default=cutoff)
    with open(out, "w") as handle:
        json.dump({**kept, "_seconds": [[max(last - cutoff, 0.001)]]}, handle)


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        options = self.environment.parsed_options
        with open(options.plan) as handle:
            plan = json.load(handle)
        number = next(COUNTER)
        pages = list(plan["pages"]) if options.page == "mix" else [options.page]
        self.page = pages[number % len(pages)]
        spec = plan["pages"][self.page]
        self.url = spec["urls"][number % len(spec["urls"])] if "urls" in spec else spec["url"]
        login = spec["logins"][number % len(spec["logins"])]
        self.https = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{plan['host']}",
            "Referer": f"https://{plan['host']}/",
        }
        self.jar: dict[str, str] = {}
        self._sign_in(login, plan["password"], plan["keys"][login])

    def _headers(self) -> dict[str, str]:
        """gunicorn is reached over plain HTTP with X-Forwarded-Proto: https, as behind the
        TLS proxy, so the production settings' Secure cookies are sent by hand."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        return {**self.https, "Cookie": cookie}

    def _call(self, method: str, url: str, name: str, **kwargs: Any) -> Any:
        response = self.client.request(
            method, url, headers=self._headers(), name=name, allow_redirects=False, **kwargs
        )
        self.jar.update(response.cookies.items())
        return response

    def _sign_in(self, username: str, password: str, key: str) -> None:
        with LOCKS[username]:
            if username not in SESSIONS:
                page = self._call("GET", "/login/", "login")
                token = CSRF.search(page.text).group(1)
                form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
                step = self._call("POST", "/login/", "login", data=form)
                verify_url = step.headers["Location"]
                verify = self._call("GET", verify_url, "login")
                token = CSRF.search(verify.text).group(1)
                form = {"code": totp(key), "csrfmiddlewaretoken": token}
                done = self._call("POST", verify_url, "login", data=form)
                if done.status_code != 302:
                    raise RuntimeError(f"sign-in of {username} failed: {done.status_code}")
                SESSIONS[username] = dict(self.jar)
            self.jar = dict(SESSIONS[username])
        SIGNED_IN.append(time.time())

    @task
    def page_view(self) -> None:
        self.client.get(self.url, headers=self._headers(), name=self.page, allow_redirects=False)
