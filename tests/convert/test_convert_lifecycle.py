"""A pool's life: planned restart after N conversions, close(), and the close run at exit.

These need pools of their own (one process each), since they end them; the rest share the session
pool.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from service.config import ROOT, PoolSettings, Settings
from service.errors import ConverterUnavailable

pytestmark = pytest.mark.soffice

RESTART_AFTER = 3


@pytest.fixture(scope="module")
def small_pool() -> Any:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from service.convert import create_converter

    pool = create_converter(Settings(pool=PoolSettings(
        size=1, timeout=30.0, restart_after=RESTART_AFTER, queue_size=4)))
    yield pool
    pool.close()


def test_after_n_conversions_the_process_is_replaced_and_results_stay_right(
        small_pool: Any, kit: Any) -> None:
    [first] = small_pool.pids
    for number in range(RESTART_AFTER + 1):
        # The last one waits for the planned restart: the pool stays ready throughout.
        pdf = kit.assert_good_pdf(small_pool.to_pdf(kit.make_docx(paragraphs=number)))
        assert pdf.text.count(kit.BODY[:40]) == number, "each PDF is of its own DOCX"
        assert small_pool.ready()
    assert small_pool.restarts["planned"] == 1
    [second] = small_pool.pids
    assert second != first
    assert first not in kit.office_processes()
    assert small_pool.alive == 1


def test_close_leaves_no_process_profile_or_socket(small_pool: Any, kit: Any) -> None:
    kit.assert_good_pdf(small_pool.to_pdf(kit.make_docx()))
    pids = small_pool.pids
    run_dirs = [str(p.run_dir) for p in small_pool.supervisor.workers]
    traces = [t for p in small_pool.supervisor.workers for t in kit.traces(p)]
    assert pids and all(Path(d).is_dir() for d in run_dirs)

    small_pool.close()

    left = {pid: cmd for pid, cmd in kit.office_processes().items()
            if pid in pids or any(d in cmd for d in run_dirs)}
    assert left == {}
    assert [t for t in traces if t.exists()] == []
    assert small_pool.alive == 0 and not small_pool.ready()
    with pytest.raises(ConverterUnavailable):
        small_pool.to_pdf(kit.make_docx())


def test_a_pool_never_closed_is_closed_at_exit(tmp_path: Path, kit: Any) -> None:
    # A separate interpreter that starts a pool, converts, and exits without close().
    script = textwrap.dedent("""
        import json, sys
        from service.config import PoolSettings, Settings
        from service.convert import create_converter
        pool = create_converter(Settings(pool=PoolSettings(size=1)))
        pdf = pool.to_pdf(open(sys.argv[1], "rb").read())
        print(json.dumps({"pids": pool.pids, "pdf": len(pdf),
                          "dirs": [str(p.run_dir) for p in pool.supervisor.workers]}))
    """)
    docx = tmp_path / "in.docx"
    docx.write_bytes(kit.make_docx())
    done = subprocess.run([sys.executable, "-c", script, str(docx)], cwd=ROOT, timeout=120,
                          capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["pdf"] > 1000 and report["pids"]
    # The interpreter waited for its atexit close, so everything is gone already.
    kit.wait_until(lambda: not set(report["pids"]) & set(kit.office_processes()), timeout=5,
               what="the soffice of the exited interpreter to end")
    assert not any(Path(d).exists() for d in report["dirs"])
