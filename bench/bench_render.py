"""DOCX render time: the API (test client) against a bare docxtpl render of the same template.

Prints medians and the ratio; the goal (issue 2) is API ≤ 1.3 × bare and under 40 ms here.
Both sides are measured in the same run, alternating, so machine noise hits them alike.

    python bench/bench_render.py [--n 60] [--payload schemas/examples/ke_hoach.json]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

import schemas
from service import create_app
from service.config import Settings
from service.model.build import build
from service.render.context import template_context
from service.render.docx import CompiledSandbox

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--payload", default=str(ROOT / "schemas/examples/ke_hoach.json"))
    args = parser.parse_args()
    payload = json.loads(Path(args.payload).read_text(encoding="utf-8"))

    settings = Settings.from_env(pdf_enabled=False)
    client = create_app(settings).test_client()
    document = build(schemas.validate(payload))
    context = template_context(document)
    source = (settings.templates_dir / schemas.TYPES[document.type].template).read_bytes()
    env = jinja2.Environment(autoescape=True)
    cached_env = CompiledSandbox(autoescape=True)

    def bare() -> None:
        tpl = DocxTemplate(io.BytesIO(source))
        tpl.render(context, jinja_env=env, autoescape=True)
        tpl.save(io.BytesIO())

    def bare_cached() -> None:
        tpl = DocxTemplate(io.BytesIO(source))
        tpl.render(context, jinja_env=cached_env, autoescape=True)
        tpl.save(io.BytesIO())

    def api() -> None:
        response = client.post("/v1/documents", json=payload)
        assert response.status_code == 200, response.data[:300]

    sides = (("bare", bare), ("bare_cached", bare_cached), ("api", api))
    for _ in range(5):  # warm caches and imports on every side
        for _, fn in sides:
            fn()
    times: dict[str, list[float]] = {name: [] for name, _ in sides}
    for _ in range(args.n):
        for name, fn in sides:
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"documents: {args.n} each, payload {Path(args.payload).name}, "
          f"{len(document.body)} body paragraphs")
    print(f"bare docxtpl render              median {med['bare']:7.2f} ms")
    print(f"bare render, compiled once        median {med['bare_cached']:7.2f} ms")
    print(f"API (test client)                 median {med['api']:7.2f} ms  (goal < 40 ms)")
    print(f"ratio API / bare docxtpl          {med['api'] / med['bare']:.2f}  (goal ≤ 1.30)")
    print(f"ratio API / bare compiled once    {med['api'] / med['bare_cached']:.2f}  "
          "(the service's own overhead: HTTP, validation, model, measured rules)")


if __name__ == "__main__":
    main()
