"""Signing profiles: the keys and images the server signs with, read once at start.

VANBAN_SIGNING_PROFILES names a JSON file `{"<name>": {"kind": "personal" | "agency",
"p12": "<path>", "password_file": "<path>", "image": "<png path>", "size_mm"?: <number>,
"signer"?: "<họ tên>"}}`. Every profile is opened at start, so a wrong path, password or image
stops the start with a message naming the profile (and never the password). Keys stay in this
process: nothing here logs, returns or prints key material.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from pyhanko.sign.signers import SimpleSigner

from service.config import SettingsError

KINDS = ("personal", "agency")
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str                                  # personal (ô 7c) | agency (ô 8)
    signer: SimpleSigner = field(repr=False)   # the key: never printed
    image: Image.Image | None = field(repr=False, compare=False)
    size_mm: tuple[float, float] | None        # the image's real size, when known
    holder: str                                # the certificate's common name
    person: str | None                         # the họ tên it signs for, as printed (7b)


def load_profiles(path: str | Path | None) -> dict[str, Profile]:
    """The profiles of the file at `path` (none when unset); SettingsError naming every
    profile that cannot be used, and why."""
    if not path:
        return {}
    where = f"VANBAN_SIGNING_PROFILES={path}"
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"{where}: cannot read the profiles file ({exc})") from None
    if not isinstance(entries, dict):
        raise SettingsError(f"{where}: must be a JSON object of profiles by name")
    profiles: dict[str, Profile] = {}
    problems: list[str] = []
    for name, entry in entries.items():
        try:
            profiles[name] = _profile(name, entry, Path(path).parent)
        except ValueError as exc:
            problems.append(f"profile {name!r}: {exc}")
    if problems:
        raise SettingsError(f"{where}: " + "; ".join(problems))
    return profiles


def _profile(name: str, entry: Any, base: Path) -> Profile:
    if not isinstance(entry, dict):
        raise ValueError("must be an object")
    unknown = set(entry) - {"kind", "p12", "password_file", "image", "size_mm", "signer"}
    if unknown:
        raise ValueError(f"unknown keys {', '.join(sorted(unknown))}")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    for key in ("p12", "password_file"):
        if not isinstance(entry.get(key), str):
            raise ValueError(f"{key} must be a path")
    p12 = _read(base / entry["p12"], "p12")
    password = _read(base / entry["password_file"], "password_file").rstrip(b"\r\n")
    try:
        signer = SimpleSigner.load_pkcs12_data(p12, other_certs=(), passphrase=password or None)
    except ValueError:
        # The cause may quote the archive; the message says only what to check.
        raise ValueError(f"cannot open {entry['p12']} with its password_file (wrong "
                         "password, or not a PKCS#12 file with a key)") from None
    image, size = None, None
    if entry.get("image") is not None:
        image, size = _image(base / str(entry["image"]), entry.get("size_mm"), kind)
    elif kind == "agency" or entry.get("size_mm") is not None:
        # ô 8 is the seal's image (nd30-spec §8); a personal profile may sign without one.
        raise ValueError("image (the red seal, PNG) is required for an agency profile")
    person = entry.get("signer")
    if person is not None and not isinstance(person, str):
        raise ValueError("signer must be the họ tên printed in the signature block")
    return Profile(name, kind, signer, image, size, signer.signing_cert.subject.native.get(
        "common_name", ""), person)


def _read(path: Path, key: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {key} {path} ({exc.strerror})") from None


def _image(path: Path, size_mm: Any, kind: str) -> tuple[Image.Image, tuple[float, float] | None]:
    data = _read(path, "image")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"image {path} is not a readable PNG ({exc})") from None
    if image.format != "PNG":
        raise ValueError(f"image {path} must be a PNG (nd30-spec §8), not {image.format}")
    if "A" not in image.mode and "transparency" not in image.info:
        raise ValueError(f"image {path} must have a transparent background (nd30-spec §8)")
    width, height = image.size
    if size_mm is not None:
        if isinstance(size_mm, bool) or not isinstance(size_mm, int | float) \
                or not 5 <= size_mm <= 100:
            raise ValueError("size_mm must be the image's width in millimetres (5-100)")
        return image, (float(size_mm), float(size_mm) * height / width)
    dpi = image.info.get("dpi")
    if dpi and all(math.isfinite(d) and d > 1 for d in dpi):
        return image, (width / dpi[0] * MM_PER_INCH, height / dpi[1] * MM_PER_INCH)
    if kind == "agency":
        # "kích thước bằng kích thước thực tế của dấu" (nd30-spec §8): the size must be known.
        raise ValueError(f"the real size of the seal in {path} is unknown: give size_mm, or "
                         "save the PNG with its resolution (pHYs)")
    return image, None
