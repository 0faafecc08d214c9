"""The UNO bridge: the one module that imports `uno`; it drives one running soffice over a socket.

It loads DOCX bytes from a stream (no temp file), exports `writer_pdf_Export` into a stream in
soffice and fetches it in one call, and translates every UNO exception where it arises: a
document LibreOffice cannot read becomes ConversionError; a connection that died under the
call (soffice killed or crashed) becomes BridgeLost, which the process layer turns into a
restart and one retry.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from service.errors import ConversionError

# Where Debian's python3-uno puts uno.py/unohelper.py (the compiled pyuno.so they load lives in
# LibreOffice's program directory, which uno.py itself appends to sys.path).
_UNO_DIRS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")


def _uno_path() -> None:
    """Make `uno` importable from a virtualenv, whose sys.path leaves out the system packages."""
    try:
        import uno  # noqa: F401
    except ImportError:
        for directory in _UNO_DIRS:
            # Appended, not prepended: a package the venv has must win over a system copy.
            if Path(directory, "uno.py").exists() and directory not in sys.path:
                sys.path.append(directory)


_uno_path()
try:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
    from com.sun.star.lang import DisposedException
    from com.sun.star.uno import Exception as UnoException
    from com.sun.star.uno import RuntimeException as UnoRuntimeException
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError(
        "The PDF converter needs LibreOffice's Python bridge: install python3-uno "
        "(apt-get install python3-uno, see scripts/install-system-deps.sh)."
    ) from e

DOCX_FILTER = "MS Word 2007 XML"     # LibreOffice's import filter name for .docx
PDF_FILTER = "writer_pdf_Export"
PDFA_2B = 2                          # SelectPdfVersion: 1 = PDF/A-1b, 2 = PDF/A-2b, 3 = PDF/A-3b
NEVER_EXECUTE = 0                    # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0                        # com.sun.star.document.UpdateDocMode.NO_UPDATE


class BridgeLost(Exception):
    """The UNO connection died under a call: the soffice process is gone or must be replaced."""


def _props(**values: Any) -> tuple[PropertyValue, ...]:
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


class UnoBridge:
    """One UNO connection to one soffice; one conversion at a time (the supervisor sees to it)."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._smgr = context.ServiceManager
        self._desktop = self._smgr.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        self._open: Any = None          # the last document converted, until tidy() closes it

    @classmethod
    def connect(cls, host: str, port: int) -> UnoBridge | None:
        """Connect, or return None while nothing listens yet (the readiness probe retries)."""
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        # tcpNoDelay: URP is request/response; with Nagle each call waits for a delayed ACK,
        # which measured ~30% slower per conversion here.
        url = f"uno:socket,host={host},port={port},tcpNoDelay=1;urp;StarOffice.ComponentContext"
        try:
            return cls(resolver.resolve(url))
        except NoConnectException:
            return None
        except (UnoException, UnoRuntimeException) as e:
            raise BridgeLost(f"connecting to {host}:{port}: {e}") from e

    def user_installation(self) -> str | None:
        """The profile URL the connected soffice runs with (proof we reached our own process),
        or None while it is still registering its services: under load a first connection has
        been seen to get a PathSubstitution without its methods, or no Desktop."""
        paths = self._call(self._smgr.createInstanceWithContext,
                           "com.sun.star.util.PathSubstitution", self._context)
        try:
            substitute = paths.getSubstituteVariableValue
        except AttributeError:
            return None
        if self._desktop is None:
            return None
        return str(self._call(substitute, "$(user)"))

    def warm_up(self) -> None:
        """Export an empty Writer document once, so the first real request does not pay for
        loading Writer, the PDF filter and the fonts (~0.2 s measured on a fresh process)."""
        document = self._call(self._desktop.loadComponentFromURL,
                              "private:factory/swriter", "_blank", 0, _props(Hidden=True))
        self._open = document
        self._export(document, pdfa=False)
        self.tidy()

    def to_pdf(self, docx: bytes, *, pdfa: bool = False, keywords: str | None = None) -> bytes:
        """Convert DOCX bytes to PDF bytes; `keywords`, when given, replaces the document's own
        keyword list, which LibreOffice's DOCX import splits at every space and semicolon.

        The document stays open until tidy() (or the next conversion) closes it: closing takes
        soffice a few milliseconds the caller need not wait for."""
        self.tidy()
        stream = self._call(self._smgr.createInstanceWithArgumentsAndContext,
                            "com.sun.star.io.SequenceInputStream", (uno.ByteSequence(docx),),
                            self._context)
        document = self._call(
            self._desktop.loadComponentFromURL, "private:stream", "_blank", 0,
            _props(InputStream=stream, FilterName=DOCX_FILTER, Hidden=True, ReadOnly=True,
                   MacroExecutionMode=NEVER_EXECUTE,
                   # NO_UPDATE also stops links (linked images, DDE, OLE) being refreshed.
                   UpdateDocMode=NO_UPDATE))
        if document is None:
            raise ConversionError(detail="LibreOffice could not read the DOCX (load returned None)")
        self._open = document
        if keywords is not None:
            properties = self._call(document.getDocumentProperties)
            self._call(setattr, properties, "Keywords", (keywords,))
        return self._export(document, pdfa=pdfa)

    def tidy(self) -> None:
        """Close the last converted document, if still open."""
        document, self._open = self._open, None
        if document is not None:
            self._close(document)

    def terminate(self) -> None:
        """Ask soffice to exit cleanly (it removes its own lock and IPC files that way)."""
        with contextlib.suppress(UnoException, UnoRuntimeException, AttributeError):
            self._desktop.terminate()

    def _export(self, document: Any, *, pdfa: bool) -> bytes:
        # nd30-spec §13: every font embedded, even the PDF standard 14 (Times, Helvetica...).
        options: dict[str, Any] = {"EmbedStandardFonts": True}
        if pdfa:
            options["SelectPdfVersion"] = PDFA_2B
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**options))
        # The PDF collects in soffice and crosses in one reply: a Python XOutputStream would be
        # called back for every chunk, soffice waiting on this process each time.
        sink = self._call(self._smgr.createInstanceWithContext,
                          "com.sun.star.io.SequenceOutputStream", self._context)
        self._call(document.storeToURL, "private:stream",
                   _props(FilterName=PDF_FILTER, FilterData=filter_data, OutputStream=sink))
        return bytes(self._call(sink.getWrittenBytes).value)

    def _close(self, document: Any) -> None:
        # Closing a document of a dead process fails too; the first error is the one to report.
        with contextlib.suppress(UnoException, UnoRuntimeException):
            document.close(True)

    def _call(self, function: Any, *args: Any) -> Any:
        """Call into UNO, translating its exceptions into ours."""
        try:
            return function(*args)
        except DisposedException as e:
            raise BridgeLost(str(e) or "UNO bridge disposed") from e
        except UnoRuntimeException as e:
            # A connection that dies mid-call surfaces as a plain RuntimeException ("Binary URP
            # bridge disposed during call"), and the process may not have been reaped yet, so
            # ask the bridge itself: one more call fails at once if it is gone.
            if not self.connected():
                raise BridgeLost(f"{type(e).__name__}: {e}") from e
            raise ConversionError(detail=f"LibreOffice failed: {type(e).__name__}: {e}") from e
        except UnoException as e:
            # IOException, IllegalArgumentException...: LibreOffice refused this document.
            raise ConversionError(detail=f"LibreOffice refused the DOCX: {type(e).__name__}: {e}") \
                from e

    def connected(self) -> bool:
        """Whether the connection still answers (a cheap round trip)."""
        try:
            self._desktop.getFrames().getCount()
        except (UnoException, UnoRuntimeException, AttributeError):   # no Desktop: not up yet
            return False
        return True
