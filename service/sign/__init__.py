"""Digital signatures on the PDFs vanban makes (nd30-spec §8): signing profiles read at start
(profiles), where ô 7c and ô 8 are on the page (placement), PAdES signing (pades) and
verification (verify). pyHanko does the PDF and CMS work; nothing here imports the web layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from service.config import SettingsError

if TYPE_CHECKING:
    from asn1crypto import x509

    from service.config import SigningSettings
    from service.sign.pades import DocumentSigner


def create_signer(settings: SigningSettings, fonts_dir: Path) -> DocumentSigner | None:
    """The signer of the configured profiles (its visible text set in the font of
    `fonts_dir`); None when none are configured. A profile that cannot be used raises
    SettingsError naming it."""
    if not settings.profiles:
        return None
    from service.sign.pades import DocumentSigner
    from service.sign.profiles import load_profiles

    return DocumentSigner(load_profiles(settings.profiles), text_font(fonts_dir))


def text_font(fonts_dir: Path) -> Path:
    """Times New Roman when the deployment has it (fonts/times.ttf), else Liberation Serif,
    its metric twin (README, Templates)."""
    for name in ("times.ttf", "LiberationSerif-Regular.ttf"):
        if (fonts_dir / name).is_file():
            return fonts_dir / name
    raise SettingsError(f"no Times New Roman or Liberation Serif in {fonts_dir} for the "
                        "text of agency signatures")


def load_trust(path: str) -> list[x509.Certificate]:
    """The trust anchors of a PEM (or DER) file; none when unset."""
    if not path:
        return []
    from pyhanko.keys import load_certs_from_pemder

    try:
        return list(load_certs_from_pemder([str(Path(path))]))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"VANBAN_SIGNING_TRUST={path}: cannot read the certificates "
                            f"({exc})") from None
