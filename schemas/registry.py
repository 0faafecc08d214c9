"""The document types vanban prints: NĐ30 name, abbreviation, template and what each needs.

A new type (giấy mời, biên bản, …) is one entry here, one template in templates/ and, when it
needs fields of its own, one schema (nd30-spec §5 for names and abbreviations).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    key: str
    name: str | None          # tên loại printed in the title (ô 5a); None for công văn
    abbrev: str | None        # in the ký hiệu (§5); None: công văn uses issuer-unit (§3.4)
    mau: str                  # the sample layout (§6)
    numbering: str            # "sections" (I., 1., a)) or "articles" (Điều 1., 1., a))
    required: tuple[str, ...] = ()
    allows_to: bool = False   # may carry a "Kính gửi" block (ô 9a, §3.10)
    aliases: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"{self.key}.docx"


_COMMON = ("issuer", "place", "subject", "body", "signer")

TYPES: dict[str, DocType] = {t.key: t for t in (
    DocType("ke_hoach", "KẾ HOẠCH", "KH", "1.4", "sections", _COMMON, aliases=("plan",)),
    DocType("bao_cao", "BÁO CÁO", "BC", "1.4", "sections", _COMMON, allows_to=True,
            aliases=("report",)),
    DocType("quyet_dinh", "QUYẾT ĐỊNH", "QĐ", "1.2", "articles", _COMMON,
            aliases=("decision",)),
    DocType("cong_van", None, None, "1.5", "sections", (*_COMMON, "to"), allows_to=True),
    DocType("to_trinh", "TỜ TRÌNH", "TTr", "1.4", "sections", (*_COMMON, "to"),
            allows_to=True),
    DocType("thong_bao", "THÔNG BÁO", "TB", "1.4", "sections", _COMMON),
)}

ALIASES: dict[str, str] = {alias: t.key for t in TYPES.values() for alias in t.aliases}


def resolve(name: str) -> DocType | None:
    """The type for a key or alias (`plan` → kế hoạch); None when unknown."""
    return TYPES.get(ALIASES.get(name, name))
