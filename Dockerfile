# One image for every Sift process: docker-compose runs it as api, worker, beat and migrate.
FROM python:3.11-slim

# PYTHONPATH puts /app ahead of site-packages, so every entry point (gunicorn, celery, the
# `sift` console script) runs the code copied below, not the stub packages installed first.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    SIFT_SITES_DIR=/app/config/sites

WORKDIR /app

# Dependencies and the `sift` console script first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY config/__init__.py config/
COPY service/__init__.py service/
COPY workers/__init__.py workers/
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /var/lib/sift --create-home sift \
    && mkdir -p /var/lib/sift/beat /var/lib/sift/metrics && chown -R sift /var/lib/sift

COPY config config
COPY service service
COPY workers workers

USER sift
EXPOSE 8000
CMD ["gunicorn", "service.wsgi:app", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
