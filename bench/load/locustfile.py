"""The locust side of the region load test (bench/load/run.py starts it; see there).

The runner has signed every login in for real (password, then the TOTP code of the bench
device) and put the session cookies in the plan; each simulated user takes a login of its
page's role and asks for its page without think time; a write (plan["writes"]) posts its
login's JSON bodies in turn to the API with the session's CSRF token. Every response's time and the
server's X-Bench-* headers (queries, CPU, the time it spent writing the access log) are kept
per page and written to --samples-out when locust stops. No Django here: locust runs under
gevent.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict
from typing import Any

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

SAMPLES: dict[str, list[list[float]]] = defaultdict(list)
COUNTER = itertools.count()
STARTED: list[float] = []  # when each user was ready: samples before the last are dropped


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--plan", default="", help="JSON: sessions and URL per page")
    parser.add_argument("--page", default="mix", help="one page of the plan, or mix")
    parser.add_argument("--samples-out", default="", help="where to write the samples (JSON)")


@events.request.add_listener
def _sample(
    name: str, response_time: float, response: Any = None, exception: Any = None, **_kwargs: Any
) -> None:
    if response is None or name.startswith("_"):  # the set-up's requests (a CSRF token)
        return
    headers = response.headers
    SAMPLES[name].append(
        [
            response_time,
            float(headers.get("X-Bench-Queries", -1)),
            float(headers.get("X-Bench-App-CPU-ms", -1)),
            float(headers.get("X-Bench-DB-CPU-ms", -1)),
            float(len(response.content or b"")),
            0.0 if exception is None and response.status_code in (200, 201) else 1.0,
            time.time(),
            float(headers.get("X-Bench-Log-ms", -1)),
        ]
    )


@events.quitting.add_listener
def _write(environment: Any, **_kwargs: Any) -> None:
    out = environment.parsed_options.samples_out
    if not out:
        return
    cutoff = max(STARTED, default=0.0)
    kept = {name: [r for r in rows if r[6] >= cutoff] for name, rows in SAMPLES.items()}
    last = max((r[6] for rows in kept.values() for r in rows), default=cutoff)
    with open(out, "w") as handle:
        json.dump({**kept, "_seconds": [[max(last - cutoff, 0.001)]]}, handle)


class PageUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        options = self.environment.parsed_options
        with open(options.plan) as handle:
            plan = json.load(handle)
        number = next(COUNTER)
        pages = list(plan["pages"]) if options.page == "mix" else [options.page]
        self.page = pages[number % len(pages)]
        spec = plan["pages"].get(self.page) or plan["writes"][self.page]
        self.url = spec["urls"][number % len(spec["urls"])] if "urls" in spec else spec["url"]
        login = spec["logins"][number % len(spec["logins"])]
        # gunicorn is reached over plain HTTP with X-Forwarded-Proto: https, as behind the TLS
        # proxy, so the production settings' Secure cookies are sent by hand.
        cookie = "; ".join(f"{k}={v}" for k, v in plan["sessions"][login].items())
        self.headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
        self.bodies: list[str] = []
        self.sent = 0
        if "bodies" in spec:  # a write through the API: JSON, with the session's CSRF token
            # The login's bodies, sent in turn (a teacher signals pupils of their group).
            self.bodies = [json.dumps(b) for b in spec["bodies"][number % len(spec["bodies"])]]
            origin = f"https://{plan['host']}"
            answer = self.client.get("/api/csrf", headers=self.headers, name="_csrf")
            self.headers |= {
                "X-CSRFToken": answer.json()["csrf_token"],
                "Content-Type": "application/json",
                "Origin": origin,
                "Referer": origin + "/",
            }
        STARTED.append(time.time())

    @task
    def page_view(self) -> None:
        if not self.bodies:
            self.client.get(self.url, headers=self.headers, name=self.page, allow_redirects=False)
        else:
            body = self.bodies[self.sent % len(self.bodies)]
            self.sent += 1
            self.client.post(
                self.url, data=body, headers=self.headers, name=self.page, allow_redirects=False
            )
