# vanban: Debian 12 slim, LibreOffice without a GUI, the project fonts, a non-root user.
# Built from the same install scripts the README and CI use (scripts/install-system-deps.sh,
# scripts/install-python.sh); tests/integration/test_dockerfile.py checks that it stays so.
#
#   docker build -t vanban .
#   docker run -p 8000:8000 --stop-timeout 80 vanban
#
# --stop-timeout: gunicorn lets requests in flight finish for up to graceful_timeout
# (VANBAN_POOL_TIMEOUT + 10 s, gunicorn.conf.py) before it stops; Docker's default of 10 s
# would SIGKILL it first (Kubernetes: terminationGracePeriodSeconds).
FROM debian:bookworm-slim

ARG DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app

# System packages first, in a layer of their own: LibreOffice (writer, nogui), python3-uno, the
# Liberation fonts, fontconfig, python3 and python3-venv (Debian 12: Python 3.11), poppler.
COPY scripts/install-system-deps.sh scripts/
RUN scripts/install-system-deps.sh --runtime-only && rm -rf /var/lib/apt/lists/*

# The project (fonts/ and templates/ included; .dockerignore keeps .venv, .git, var/ out) and
# its virtualenv, made by the same script as on a host. The code stays root's: the service
# user may write only var/ (the batch job store and outputs) and its home (fontconfig cache);
# soffice profiles go to /tmp and are removed when each soffice stops.
COPY . .
RUN PYTHON=/usr/bin/python3 scripts/install-python.sh \
    && useradd --system --create-home --home-dir /home/vanban --shell /usr/sbin/nologin vanban \
    && mkdir -p /app/var \
    && chown vanban:vanban /app/var
USER vanban

# The image is the production configuration: auth, secure cookies and a rate limit are on,
# so it needs VANBAN_AUTH_KEYS (or _FILE) and VANBAN_SECRET_KEY at run time (README, Security).
ENV VANBAN_BIND=0.0.0.0:8000 VANBAN_ENV=production
EXPOSE 8000
# Liveness only (/healthz: the process answers); a planned LibreOffice restart is healthy.
# /readyz is for a load balancer deciding whether to send PDF work. The port follows VANBAN_BIND.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python3 -c "import os, urllib.request; port = os.environ.get('VANBAN_BIND', ':8000').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"
STOPSIGNAL SIGTERM
CMD [".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"]
