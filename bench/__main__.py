"""`make bench`: every benchmark in turn, each writing its JSON to bench/results/.

Each runs in its own process (own Django setup and arguments); set DATABASE_URL for the
PostgreSQL ones (the Makefile starts a throw-away cluster)."""

from __future__ import annotations

import os
import subprocess
import sys

BENCHMARKS = (
    "bench.roster_bench",
    "bench.audit_bench",
    "bench.monitor_bench",
    "bench.import_bench",
    "bench.match_bench",
)


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansrijk.conf.test"}
    failed = []
    for module in BENCHMARKS:
        print(f"=== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module], env=env, check=False).returncode:
            failed.append(module)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
