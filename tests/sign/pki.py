"""A throwaway PKI made at test time: a CA, a person's and an agency's certificates in PKCS#12
files, the images NĐ30 asks for (a blue signature, a red seal at real size), and the profiles
file that names them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw

PASSWORD = "mật-khẩu-thử 123"
SEAL_MM = 36.0                  # a UBND xã seal is about 35-36 mm across
SEAL_DPI = 300


@dataclass(frozen=True)
class Pki:
    root: Path
    ca_pem: Path
    profiles: Path              # the VANBAN_SIGNING_PROFILES file
    signature_png: Path
    seal_png: Path
    person_key_pem: bytes       # to prove it never reaches a log


def _name(common: str, org: str = "Ủy ban nhân dân phường An Bình") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(subject: x509.Name, key, issuer: x509.Name, issuer_key, *, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def signature_image(path: Path) -> None:
    """A blue handwritten-looking stroke on a transparent background, 600 x 240 px."""
    image = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40, 170), (120, 60), (170, 190), (240, 70), (300, 180), (380, 90), (450, 160),
              (560, 110)]
    draw.line(points, fill=(20, 40, 200, 255), width=9, joint="curve")
    draw.line([(60, 200), (540, 195)], fill=(20, 40, 200, 255), width=5)
    image.save(path, dpi=(200, 200))


def seal_image(path: Path, *, dpi: int | None = SEAL_DPI) -> None:
    """A red ring seal on a transparent background, SEAL_MM across at `dpi`."""
    size = round(SEAL_MM / 25.4 * SEAL_DPI)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 30, 255)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=14)
    draw.ellipse((70, 70, size - 70, size - 70), outline=red, width=6)
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=red)
    image.save(path, **({"dpi": (dpi, dpi)} if dpi else {}))


def make_pki(root: Path, *, person: str = "Lê Thị Thu Hà") -> Pki:
    root.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("vanban test CA", "vanban test")
    ca = _cert(ca_name, ca_key, ca_name, ca_key, ca=True)
    (root / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (root / "password").write_text(PASSWORD + "\n", encoding="utf-8")
    keys = {}
    for label, common in (("person", person), ("agency", "Ủy ban nhân dân phường An Bình")):
        key = ec.generate_private_key(ec.SECP256R1())
        keys[label] = key
        cert = _cert(_name(common), key, ca_name, ca_key, ca=False)
        (root / f"{label}.p12").write_bytes(pkcs12.serialize_key_and_certificates(
            label.encode(), key, cert, [ca],
            serialization.BestAvailableEncryption(PASSWORD.encode())))
    signature_image(root / "signature.png")
    seal_image(root / "seal.png")
    profiles = {
        "ha": {"kind": "personal", "p12": "person.p12", "password_file": "password",
               "image": "signature.png"},
        "vanthu": {"kind": "agency", "p12": "agency.p12", "password_file": "password",
                   "image": "seal.png"},
    }
    (root / "profiles.json").write_text(json.dumps(profiles), encoding="utf-8")
    pem = keys["person"].private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    return Pki(root, root / "ca.pem", root / "profiles.json", root / "signature.png",
               root / "seal.png", pem)
