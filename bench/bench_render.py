"""DOCX render time: the API (test client) against a bare docxtpl render of the same template.

Prints medians and ratios per payload; the goal (issue 2) is API ≤ 1.3 × bare and under 40 ms
for a document of up to 3 pages (issue 9: a biên bản too). A quyết định issuing a 10-page quy
chế (Mẫu 1.3) is measured alongside. Both sides are measured in the same run, alternating, so
machine noise hits them alike.

    python bench/bench_render.py [--n 60] [--payload schemas/examples/ke_hoach.json]
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import statistics
import time
from collections.abc import Callable
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
EXAMPLES = ROOT / "schemas" / "examples"
ARTICLE = ("Thành viên Tổ công nghệ số cộng đồng thực hiện nhiệm vụ theo sự phân công của Tổ "
           "trưởng, bảo đảm hỗ trợ người dân kịp thời, đúng quy định và giữ bí mật thông tin cá "
           "nhân của người được hỗ trợ; kết quả được báo cáo hằng tháng với Ủy ban nhân dân xã.")


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def with_quy_che(chapters: int = 4, articles: int = 7) -> dict:
    """A quyết định issuing a quy chế of 10 pages: 4 chương of 7 điều, 3 khoản each."""
    decision = example("quyet_dinh")
    decision["subject"] = "Ban hành Quy chế hoạt động của Tổ công nghệ số cộng đồng"
    decision["body"] = [
        {"article": "Ban hành kèm theo Quyết định này Quy chế hoạt động của Tổ công nghệ số "
                    "cộng đồng xã Tân Phú."},
        {"article": "Quyết định này có hiệu lực kể từ ngày ký."}]
    decision["attachment"] = {
        "type": "quy_che", "subject": "Hoạt động của Tổ công nghệ số cộng đồng xã Tân Phú",
        "body": [{"part": f"Chương thứ {c + 1}", "children": [
            {"article": f"Nhiệm vụ {c + 1}.{a + 1}",
             "children": [{"item": ARTICLE} for _ in range(3)]}
            for a in range(articles)]} for c in range(chapters)]}
    return decision


def measure(client, payload: dict, n: int) -> dict[str, float]:
    """Median ms of the three sides for one payload."""
    document = build(schemas.validate(copy.deepcopy(payload)))
    context = template_context(document)
    source = (ROOT / "templates" / schemas.TYPES[document.type].template).read_bytes()
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

    sides: tuple[tuple[str, Callable[[], None]], ...] = (
        ("bare", bare), ("bare_cached", bare_cached), ("api", api))
    for _ in range(5):  # warm caches and imports on every side
        for _, fn in sides:
            fn()
    times: dict[str, list[float]] = {name: [] for name, _ in sides}
    for _ in range(n):
        for name, fn in sides:
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--payload", help="one payload file instead of the standard set")
    args = parser.parse_args()
    if args.payload:
        cases = {Path(args.payload).name: (
            json.loads(Path(args.payload).read_text(encoding="utf-8")), None)}
    else:   # name: (payload, page count as LibreOffice lays it out)
        cases = {"ke_hoach.json": (example("ke_hoach"), 3),
                 "bien_ban.json": (example("bien_ban"), 2),
                 "quyet_dinh + 10-page quy chế": (with_quy_che(), 11)}

    client = create_app(Settings.from_env(pdf_enabled=False)).test_client()
    print(f"documents: {args.n} each side, alternating")
    for name, (payload, pages) in cases.items():
        med = measure(client, payload, args.n)
        goal = " (goal < 40 ms)" if pages is not None and pages <= 3 else ""
        print(f"{name} ({pages or '?'} pages)")
        print(f"  bare docxtpl render              median {med['bare']:7.2f} ms")
        print(f"  bare render, compiled once       median {med['bare_cached']:7.2f} ms")
        print(f"  API (test client)                median {med['api']:7.2f} ms{goal}")
        print(f"  ratio API / bare docxtpl         {med['api'] / med['bare']:.2f}  "
              "(goal ≤ 1.30)")
        print(f"  ratio API / bare compiled once   {med['api'] / med['bare_cached']:.2f}  "
              "(the service's own overhead: HTTP, validation, model, measured rules)")


if __name__ == "__main__":
    main()
