"""API keys without the web: read the configured hashes, tell which key a caller presented, make
new keys. Standard library only, so config, the command line and the web layer all share it.

A key is a random string the caller keeps; the service keeps only its SHA-256, named:
`VANBAN_AUTH_KEYS="eoffice:<hex>,hr:<hex>"` or, in `VANBAN_AUTH_KEYS_FILE`, lines
`eoffice <hex>` (blank lines and `#` comments allowed). The name is what logs, metrics and
rate limits see; neither the key nor its hash is ever logged.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import re
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_HEX = re.compile(r"[0-9a-fA-F]{64}")


def digest(key: str) -> bytes:
    """The SHA-256 of a key as presented (UTF-8)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def new_key() -> str:
    """A fresh key: 256 random bits, URL-safe, so a guess is hopeless and no limit is needed."""
    return secrets.token_urlsafe(32)


class KeyRing:
    """The configured keys by name, as SHA-256 digests."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        self._keys = dict(keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, name: object) -> bool:
        return name in self._keys

    def identify(self, presented: str) -> str | None:
        """The name of the key presented, or None. Every stored digest is compared, each in
        constant time, so the answer's timing tells nothing of which key nearly matched."""
        if not presented:
            return None
        sent = digest(presented)
        found = None
        for name, stored in self._keys.items():
            if hmac.compare_digest(sent, stored):
                found = name
        return found

    def fingerprint(self, name: str, secret: str) -> str:
        """A keyed tag of the named key's digest, for the login cookie: it changes when the key
        is rotated (so old logins end) and reveals nothing about the key or its hash."""
        return hmac.new(secret.encode(), self._keys[name], hashlib.sha256).hexdigest()[:32]


def load(spec: str, file: str) -> tuple[KeyRing, list[str]]:
    """The keys of `VANBAN_AUTH_KEYS` (spec) and `VANBAN_AUTH_KEYS_FILE` (file), and a problem
    for each bad entry, naming the variable and the entry by position (never its content: a
    key pasted in place of its hash must not reach the log)."""
    problems: list[str] = []
    keys: dict[str, bytes] = {}

    def add(where: str, name: str, hexdigest: str) -> None:
        if not NAME.fullmatch(name):
            problems.append(f"{where}: the name must be 1-64 letters, digits, '.', '_' or '-'")
        elif not _HEX.fullmatch(hexdigest):
            problems.append(f"{where} ({name}): not a SHA-256 hash (64 hex digits); "
                            "make one with `python -m service hash-key`")
        elif name in keys:
            problems.append(f"{where}: the name {name!r} is given twice")
        else:
            keys[name] = bytes.fromhex(hexdigest)

    for index, entry in enumerate(filter(None, (e.strip() for e in spec.split(","))), 1):
        name, sep, hexdigest = entry.partition(":")
        if not sep:
            problems.append(f"VANBAN_AUTH_KEYS entry {index}: expected name:sha256hex")
            continue
        add(f"VANBAN_AUTH_KEYS entry {index}", name.strip(), hexdigest.strip())
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"VANBAN_AUTH_KEYS_FILE={file!r} cannot be read ({exc})")
            text = ""
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                problems.append(f"VANBAN_AUTH_KEYS_FILE line {number}: expected `name sha256hex`")
                continue
            add(f"VANBAN_AUTH_KEYS_FILE line {number}", *parts)
    return KeyRing(keys), problems


def hash_key_command(argv: list[str] | None = None, out: TextIO = sys.stdout,
                     stdin: TextIO = sys.stdin) -> int:
    """`python -m service hash-key [--name NAME] [--stdin]`: a new key (or one read from stdin)
    and the lines that configure its hash."""
    parser = argparse.ArgumentParser(
        prog="vanban hash-key",
        description="Tạo khóa API mới (hoặc băm khóa đọc từ stdin) và in dòng cấu hình.")
    parser.add_argument("--name", default="client",
                        help="tên khóa (hệ thống gọi đến), thấy trong log và giới hạn tần suất")
    parser.add_argument("--stdin", action="store_true",
                        help="băm khóa đọc từ stdin thay vì tạo khóa mới")
    args = parser.parse_args(argv)
    if not NAME.fullmatch(args.name):
        parser.error("--name: 1-64 letters, digits, '.', '_' or '-'")
    key = stdin.readline().strip() if args.stdin else new_key()
    if not key:
        parser.error("--stdin: no key on standard input")
    hexdigest = digest(key).hex()
    if not args.stdin:
        print(f"# Khóa API cho {args.name!r}: trao cho hệ thống gọi đến; máy chủ chỉ giữ mã băm.",
              file=out)
        print(key, file=out)
    print("# VANBAN_AUTH_KEYS (các mục cách nhau bởi dấu phẩy):", file=out)
    print(f"{args.name}:{hexdigest}", file=out)
    print("# hoặc một dòng của VANBAN_AUTH_KEYS_FILE:", file=out)
    print(f"{args.name} {hexdigest}", file=out)
    return 0
