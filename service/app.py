"""The Flask application factory: builds everything from settings; nothing runs at import."""

from __future__ import annotations

import logging

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from schemas.document import BLOCKS, DocumentSchema
from schemas.fields import using as limits_in_force
from service import batch, sign
from service.config import Settings, unknown_variables
from service.db import open_database
from service.pipeline import PdfConverter, Pipeline
from service.register import Register
from service.render.docx import DocxRenderer
from service.web import (
    auth,
    batches,
    documents,
    errors,
    form,
    health,
    observability,
    register,
    verify,
)

log = logging.getLogger("vanban.config")


def create_app(settings: Settings | None = None, *,
               converter: PdfConverter | None = None) -> Flask:
    """Build the app. Tests pass their own settings and, to avoid LibreOffice, a converter.

    With PDF on, the LibreOffice pool starts here, so the first request does not pay for it;
    under gunicorn that is once per worker, after the fork.
    """
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    if settings.proxy_hops:
        # The client's address (rate limits, logs) and scheme (secure cookies, redirects) as
        # the trusted proxies saw them; headers beyond that many hops are ignored as forgeable.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        API_TITLE="vanban",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.extensions["vanban.settings"] = settings
    observability.configure_logging()
    for problem in unknown_variables():     # a typo or a retired name is said, not ignored
        log.warning(problem)
    # Migrated before anything reads it (service/db; safe when several workers start at once).
    app.extensions["vanban.database"] = open_database(settings.database)

    # Before the converter starts: a broken signing profile stops the start with no soffice
    # left behind.
    signer = sign.create_signer(settings.signing, settings.fonts_dir)
    app.extensions["vanban.trust"] = sign.load_trust(settings.signing.trust)
    if converter is None and settings.pdf_enabled:
        from service.convert import create_converter  # LibreOffice only when PDF is on

        converter = create_converter(settings)
    renderer = DocxRenderer(settings.templates_dir, settings.fonts_dir)
    app.extensions["vanban.pipeline"] = Pipeline(
        renderer, converter, limits=settings.limits, signer=signer,
        register=Register(app.extensions["vanban.database"]))

    with limits_in_force(settings.limits):  # so /openapi.json states the configured limits
        api = Api(app)
        api.spec.components.schema("Document", schema=DocumentSchema)
        for name, schema in BLOCKS.items():
            api.spec.components.schema(f"{name.capitalize()}Block", schema=type(schema))
        api.register_blueprint(documents.blp)
        api.register_blueprint(batches.blp)
        api.register_blueprint(verify.blp)
        api.register_blueprint(register.blp)
        if settings.auth.enabled:            # say how to send the key (service/web/auth.py)
            api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
            api.spec.components.security_scheme(
                "apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"})
            api.spec.options["security"] = [{"bearer": []}, {"apiKey": []}]
    batch.init_app(app)                 # the batch runner; takes up unfinished batches
    app.register_blueprint(health.blp)
    form.init_app(app)                  # the clerk's page at /
    observability.init_app(app)         # request ids, JSON logs, /metrics
    auth.init_app(app)                  # API keys, the form's login, rate limits (after ids)
    errors.init_app(app)
    return app
