# syntax=docker/dockerfile:1
#
# One image recipe for all four services; pick the service with a build arg:
#
#   docker build --build-arg SERVICE=intake       -t complaints-intake .
#   docker build --build-arg SERVICE=routing      -t complaints-routing .
#   docker build --build-arg SERVICE=notification -t complaints-notification .
#   docker build --build-arg SERVICE=archive      -t complaints-archive .
#
# Dependencies come from the workspace's uv.lock (`uv sync --frozen`), so an image
# is built from exactly the versions the tests ran against.

ARG PYTHON_IMAGE=python:3.11-slim

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS builder

ARG SERVICE
ARG UV_VERSION=0.13.9

RUN case "${SERVICE}" in \
      intake|routing|notification|archive) ;; \
      *) echo "build arg SERVICE must be one of intake, routing, notification, archive (got '${SERVICE}')" >&2; exit 1 ;; \
    esac

RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# 1) Third-party dependencies only (cached layer: changes only with uv.lock or a
#    pyproject.toml). uv needs every workspace member's pyproject.toml to read the
#    lock, but none of their sources.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY services/intake/pyproject.toml services/intake/pyproject.toml
COPY services/routing/pyproject.toml services/routing/pyproject.toml
COPY services/notification/pyproject.toml services/notification/pyproject.toml
COPY services/archive/pyproject.toml services/archive/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE}" --no-install-workspace

# 2) The service and the shared library, installed as regular (non-editable)
#    wheels so the runtime image needs nothing but the virtualenv.
COPY shared/src shared/src
COPY services/${SERVICE}/src services/${SERVICE}/src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE}" --no-editable

# A fixed name for the entrypoint, so ENTRYPOINT can stay in exec form (the
# service runs as PID 1 and gets SIGTERM directly) while the script is
# complaints-${SERVICE}. Fails the build if the console script is missing.
RUN test -x "/app/.venv/bin/complaints-${SERVICE}" \
 && ln -s "complaints-${SERVICE}" /app/.venv/bin/complaints-service

# ------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

ARG SERVICE
LABEL org.opencontainers.image.title="complaints-${SERVICE}" \
      org.opencontainers.image.description="Complaint-handling platform: ${SERVICE} service" \
      org.opencontainers.image.licenses="Apache-2.0"

# Non-root user with a fixed uid/gid (the Kubernetes manifests use 10001 too).
RUN groupadd --system --gid 10001 complaints \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /var/lib/complaints --shell /usr/sbin/nologin complaints \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/complaints

# The virtualenv stays owned by root: the service cannot modify its own code.
COPY --from=builder /app/.venv /app/.venv

# *_HOST: the services bind 127.0.0.1 by default (right for a developer's
# machine); inside a container they must listen on all interfaces. Each service
# reads only its own prefix, so setting all four is harmless.
ENV SERVICE=${SERVICE} \
    PATH=/app/.venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/var/lib/complaints \
    INTAKE_HOST=0.0.0.0 \
    ROUTING_HOST=0.0.0.0 \
    NOTIFICATION_HOST=0.0.0.0 \
    ARCHIVE_HOST=0.0.0.0

# The working directory is the only writable place the service needs (e.g. a
# Faust worker's data directory); mount a volume/emptyDir here when the root
# filesystem is read-only.
WORKDIR /var/lib/complaints
USER 10001:10001

# Ports: intake 8001, routing 8002, notification 8003, archive 8004 (override
# with <SERVICE>_PORT, e.g. INTAKE_PORT; the health check follows the override).
# No EXPOSE: one recipe serves four images with different ports, and publishing
# is done by compose / the Kubernetes Service anyway.

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request as u; s = os.environ['SERVICE']; p = os.environ.get(s.upper() + '_PORT') or {'intake': '8001', 'routing': '8002', 'notification': '8003', 'archive': '8004'}[s]; r = u.urlopen('http://127.0.0.1:%s/healthz' % p, timeout=4); sys.exit(0 if r.status == 200 else 1)"]

# = complaints-${SERVICE} serve
ENTRYPOINT ["complaints-service"]
CMD ["serve"]
