# vanban: Debian slim, LibreOffice without a GUI, the project fonts, a non-root user.
# Built from the same install scripts the README and CI use.
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY scripts/install-system-deps.sh scripts/
RUN scripts/install-system-deps.sh --runtime-only && rm -rf /var/lib/apt/lists/*

COPY . .
RUN PYTHON=/usr/bin/python3 scripts/install-python.sh \
    && useradd --system --create-home --home-dir /home/vanban vanban \
    && chown -R vanban /app
USER vanban

ENV VANBAN_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD [".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"]
