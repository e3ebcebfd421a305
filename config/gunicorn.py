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
