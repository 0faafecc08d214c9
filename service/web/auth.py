"""Who may call and how often: API keys on every route but the open ones, the clerk's login
page for the form, and per-key rate limits (flask-limiter).

A request is identified first (an API key in `Authorization: Bearer …` or `X-API-Key`, else
the form's signed login cookie), then rate-limited by that key's name (or, without one, by
address), then refused with 401 if auth is on and it has no known key. Open without a key:
/healthz, /readyz, /openapi.json, /docs, the login page, static files, and /metrics unless
`VANBAN_AUTH_OPEN_METRICS=false`. Only key names reach logs and limiter storage.

The login cookie is Flask's signed session (`VANBAN_SECRET_KEY`), SameSite=Lax: it holds the
key's name and a keyed fingerprint of its hash, so rotating or removing a key ends its logins.
A request authenticated by that cookie that changes something must come from this site
(Origin / Sec-Fetch-Site), else 403: the cookie must not let another site act for a clerk.
"""

from __future__ import annotations

import hmac
import logging
import math
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from service.auth import KeyRing, load
from service.config import Settings, SettingsError
from service.errors import Forbidden, RateLimited, Unauthenticated
from service.web import form
from service.web.errors import response_for
from service.web.form import csrf_ok, csrf_token

log = logging.getLogger("vanban.auth")

blp = Blueprint("auth", __name__, template_folder="pages")

# Endpoints anyone may reach: probes, the API's description, the way in, and static files.
OPEN = frozenset({"health.healthz", "health.readyz", "api-docs.openapi_json",
                  "api-docs.openapi_swagger_ui", "auth.login", "auth.login_post", "auth.logout",
                  "static", "form.static"})
# The form's date echo and next-number line are asked for as the clerk types and only read:
# they must not eat the budget.
NOT_LIMITED = frozenset({"health.healthz", "health.readyz", "_metrics", "static", "form.static",
                         "form.date_echo", "form.next_number_echo"})
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY, SESSION_FP = "key", "fp"

WRONG_KEY = "Khóa không đúng hoặc đã bị thu hồi. Hãy kiểm tra lại, hoặc hỏi bộ phận quản trị."
CSRF_REFUSED = "Trang đăng nhập đã hết hạn. Hãy dán khóa và bấm Đăng nhập lại."


class Guard:
    """The app's keys and what is open; kept in app.extensions["vanban.auth"]."""

    def __init__(self, settings: Settings, ring: KeyRing) -> None:
        self.enabled = settings.auth.enabled
        self.ring = ring
        self.secret = settings.secret_key
        self.hours = settings.auth.session_hours
        self.open = OPEN | ({"_metrics"} if settings.auth.open_metrics else set())


def problems(settings: Settings) -> tuple[KeyRing, list[str]]:
    """The key ring, and every problem with the auth and rate-limit settings, each naming its
    variable (reported together, so one start tells the operator everything)."""
    auth = settings.auth
    ring, found = load(auth.keys, auth.keys_file)
    if auth.enabled and not len(ring) and not found:
        found.append("VANBAN_AUTH_ENABLED is on (VANBAN_ENV=production turns it on) but no API "
                     "key is configured: set VANBAN_AUTH_KEYS or VANBAN_AUTH_KEYS_FILE (`python "
                     "-m service hash-key` makes a key and its line), or VANBAN_AUTH_ENABLED=false")
    if auth.enabled and len(settings.secret_key) < 16:
        found.append("VANBAN_SECRET_KEY is required when auth is on (it signs the form's login "
                     "cookie): at least 16 random characters, e.g. from `python -c \"import "
                     "secrets; print(secrets.token_urlsafe(32))\"`")
    if settings.rate_limit:
        from limits import parse_many
        from limits.storage import storage_from_string

        try:
            parse_many(settings.rate_limit)
        except ValueError:
            found.append(f"VANBAN_RATE_LIMIT={settings.rate_limit!r} is not a rate such as "
                         "120/minute (several: 10/second;120/minute)")
        try:
            storage_from_string(settings.rate_limit_storage)
        except Exception as exc:    # limits raises ConfigurationError or a driver's ImportError
            found.append(f"VANBAN_RATE_LIMIT_STORAGE={settings.rate_limit_storage!r}: {exc}")
    return ring, found


def init_app(app: Flask) -> None:
    """Install identification, the rate limit and the key check, in that order (before_request
    functions run as registered; observability's request id is set before these)."""
    settings: Settings = app.extensions["vanban.settings"]
    ring, found = problems(settings)
    if found:
        raise SettingsError("; ".join(found))
    guard = Guard(settings, ring)
    app.extensions["vanban.auth"] = guard
    if settings.secret_key:
        app.secret_key = settings.secret_key
    app.config.update(SESSION_COOKIE_NAME="vanban_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.auth.secure_cookie,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.auth.session_hours))
    app.before_request(_identify)
    if settings.rate_limit:
        limiter = Limiter(
            # One budget per key across every route (default_limits would be per route).
            _rate_key, app=app, application_limits=[settings.rate_limit],
            application_limits_exempt_when=lambda: request.endpoint in NOT_LIMITED,
            storage_uri=settings.rate_limit_storage, strategy="moving-window",
            headers_enabled=True,
            # Redis gone must not mean every request fails: count in memory until it is back.
            in_memory_fallback_enabled=True)
        app.extensions["vanban.limiter"] = limiter
        app.register_error_handler(RateLimitExceeded, _too_many)
    if guard.enabled:
        app.before_request(_require)
        app.register_blueprint(blp)

    @app.context_processor
    def _signed_in() -> dict[str, str | None]:
        # The form shows "đăng xuất" only to a clerk who came in through the login page.
        via_session = guard.enabled and g.get("auth_via") == "session"
        return {"auth_user": g.get("api_key") if via_session else None}


def guard() -> Guard:
    return current_app.extensions["vanban.auth"]


def presented_key() -> str | None:
    """The key in `Authorization: Bearer …` or `X-API-Key`, or None when neither is sent."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    sent = request.headers.get("X-API-Key", "").strip()
    return sent or None


def _identify() -> None:
    g.api_key = g.auth_via = None
    g.bad_key = False
    ring = guard().ring
    presented = presented_key()
    if presented is not None:
        g.api_key = ring.identify(presented)
        g.auth_via = "key" if g.api_key else None
        g.bad_key = g.api_key is None
        return
    name, fingerprint = session.get(SESSION_KEY), session.get(SESSION_FP)
    if (isinstance(name, str) and isinstance(fingerprint, str) and name in ring
            and hmac.compare_digest(fingerprint, ring.fingerprint(name, guard().secret))):
        g.api_key, g.auth_via = name, "session"


def _require() -> Response | None:
    if request.endpoint in guard().open:
        return None
    if g.api_key is None:
        if request.blueprint == "form" and not g.bad_key:
            # A clerk's browser: to the login page, and back here after it.
            return redirect(url_for("auth.login", next=request.path), code=303)
        raise Unauthenticated(invalid=g.bad_key,
                              detail="wrong API key" if g.bad_key else "no API key")
    if g.auth_via == "session" and request.method not in _SAFE and not _same_site():
        raise Forbidden(detail=f"session request from Origin {request.headers.get('Origin')!r}")
    return None


def _same_site() -> bool:
    """Whether a browser sent this request from one of our own pages (absent headers: an old
    browser or a tool, which a cross-site page cannot be; SameSite=Lax covers those)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _rate_key() -> str:
    name = g.get("api_key")
    return f"key:{name}" if name else f"addr:{get_remote_address()}"


def _too_many(exc: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions["vanban.limiter"]
    current = limiter.current_limit
    wait = math.ceil(current.reset_at - time.time()) if current is not None else 1
    return response_for(RateLimited(retry_after=max(1, wait),
                                    detail=f"{_rate_key()} over {exc.description}"))


# --- The login page ------------------------------------------------------------------------------

def _next_page() -> str:
    """Where to go after login: a path on this site only (no open redirect)."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and "\\" not in target:
        return target
    return url_for("form.show")


def _page(message: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("login.html", message=message, next=_next_page(),
                           csrf_token=csrf_token(), hours=f"{guard().hours:g}"), status


@blp.get("/dang-nhap")
def login() -> tuple[str, int] | Response:
    return _page()


@blp.post("/dang-nhap")
def login_post() -> tuple[str, int] | Response:
    if not csrf_ok():
        return _page(CSRF_REFUSED, 400)
    name = guard().ring.identify(request.form.get("key", "").strip())
    if name is None:
        log.info("login refused: wrong key")
        return _page(WRONG_KEY, 401)
    session.clear()
    session[SESSION_KEY] = name
    session[SESSION_FP] = guard().ring.fingerprint(name, guard().secret)
    session.permanent = True
    log.info("login", extra={"key_name": name})
    return redirect(_next_page(), code=303)


@blp.post("/dang-xuat")
def logout() -> Response | tuple[str, int]:
    if not csrf_ok():
        return _page(CSRF_REFUSED, 400)
    session.clear()
    return redirect(url_for("auth.login"), code=303)


@blp.after_request
def _headers(response: Response) -> Response:
    # The login page is a clerk's page too: the same CSRF cookie and headers as the form's
    # (the form's after_request serves only its own blueprint).
    return form.page_headers(response)
