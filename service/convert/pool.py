"""The warm LibreOffice pool: soffice processes under the generic supervisor, as a Converter."""

from __future__ import annotations

from collections import Counter

from service.config import Settings
from service.convert import DocxSource, PdfOptions, docx_bytes
from service.convert.metadata import CoreProperties, core_properties, stamp_created
from service.convert.soffice import SofficeProcess, remove_stale_run_dirs, soffice_binary
from service.convert.supervisor import Supervisor
from service.cores import available_cores


class SofficePool:
    """`settings.pool.size` soffice processes (0 = one per core), each driven over UNO."""

    def __init__(self, settings: Settings) -> None:
        pool = settings.pool
        self.binary = soffice_binary(pool.soffice)
        self.fonts_conf = settings.fonts_dir / "fonts.conf"
        self.start_timeout = pool.start_timeout
        self.pin_cpus = pool.pin_cpus
        self.supervisor: Supervisor[SofficeProcess] = Supervisor(
            self._new_process, size=pool.size or available_cores(), timeout=pool.timeout,
            restart_after=pool.restart_after, queue_size=pool.queue_size, name="soffice")

    def _new_process(self, label: str) -> SofficeProcess:
        return SofficeProcess(self.binary, self.fonts_conf, start_timeout=self.start_timeout,
                              label=label, pin_cpu=self.pin_cpus)

    def start(self) -> SofficePool:
        remove_stale_run_dirs()             # what processes killed outright left behind
        self.supervisor.start()
        return self

    def to_pdf(self, docx: DocxSource, options: PdfOptions | None = None) -> bytes:
        options = options or PdfOptions()
        made: list[tuple[bytes, CoreProperties]] = []   # once, though a retry runs the task again

        def task(process: SofficeProcess) -> bytes:
            if not made:
                with process.on_core():
                    data = docx_bytes(docx)
                made.append((data, core_properties(data)))
            data, properties = made[0]
            return process.convert(data, options, keywords=properties.keywords)

        pdf = self.supervisor.run(task)
        properties = made[0][1]
        if properties.created is not None:
            pdf = stamp_created(pdf, properties.created)
        return pdf

    def ready(self) -> bool:
        return self.supervisor.ready()

    def close(self) -> None:
        self.supervisor.close()

    # -- for metrics and tests -------------------------------------------------------------------

    @property
    def alive(self) -> int:
        """soffice processes running now."""
        return self.supervisor.alive

    @property
    def restarts(self) -> Counter[str]:
        """Restarts so far by reason: planned, timeout, crash, start_failed."""
        return self.supervisor.restarts

    @property
    def retries(self) -> int:
        """Conversions retried on a fresh process after theirs died under them."""
        return self.supervisor.retries

    @property
    def queued(self) -> int:
        return self.supervisor.queued

    @property
    def completed(self) -> int:
        return self.supervisor.completed

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.supervisor.workers if p.pid is not None]

    def rss(self) -> int:
        """Resident memory of all soffice processes, in bytes."""
        return sum(p.rss() for p in self.supervisor.workers)
