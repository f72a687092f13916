"""`python -m bench.load`: the region load test (bench/load/run.py)."""

import sys

from bench.load.run import main

sys.exit(main())
