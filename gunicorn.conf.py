"""gunicorn settings for vanban; every value can be overridden by the usual GUNICORN_* env
or command-line flags. Each worker process owns its own LibreOffice pool (a UNO connection
does not survive a fork, so the app is built after it: no preload)."""

import os

bind = os.environ.get("VANBAN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("VANBAN_WORKERS", "1"))
# Threads wait on the pool; twice its size keeps it busy while requests are rendered.
threads = int(os.environ.get("VANBAN_THREADS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
timeout = 120
graceful_timeout = 30
preload_app = False
accesslog = "-"
