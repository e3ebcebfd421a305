"""gunicorn's settings for the API, the same wherever it runs: `sift dev` (so `make run`),
docker-compose, the tests that start real processes, and the load benchmark, whose floor runs
under them too. Use with `gunicorn service.wsgi:app --config python:config.gunicorn`.

gevent workers: each process serves many requests at once, so the comments in flight together
share one INSERT and one LPUSH (`service.intake.group_commit`). With sync workers every comment
paid its own round trips; docs/operations.md has the measurements.
"""

import os

worker_class = "gevent"
# WEB_CONCURRENCY is gunicorn's own convention for the number of worker processes.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Requests one worker serves at once; beyond them, connections wait in the listen backlog.
worker_connections = 1000
# One listening socket per worker (SO_REUSEPORT), so the kernel spreads new connections over the
# workers. With one shared socket, the worker that wakes first accepts a burst of connections:
# in the load benchmark one of two workers sometimes took all of wrk's keep-alive connections and
# the other sat idle for the whole run (half the throughput). The cost: connections still waiting
# in a worker's own backlog when that worker dies are reset, so their clients retry; none of them
# had been answered, so nothing accepted is lost.
reuse_port = True
