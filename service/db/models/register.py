"""The register of outgoing documents (sổ đăng ký văn bản đi; service/register reads and writes
it).

    register_series   issuer · year · series: one row per numbering series, locked while a
                      number is taken so two takers never see the same last number
    register_entries  id · issuer · year · series (thuong|mat) · number · symbol · type ·
                      issued (YYYY-MM-DD or null) · subject · created · payload · record

Numbers run per issuer code and calendar year, secret documents in a series of their own
(nd30-spec §3.4, Điều 15); (issuer, year, series, number) and (issuer, year, series, symbol)
are unique, so a duplicate is refused by the database whatever the code above it does (the
secret series prints numbers the plain one prints too).
"""

from __future__ import annotations

from sqlalchemy import Double, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class RegisterSeries(Base):
    __tablename__ = "register_series"

    issuer: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    series: Mapped[str] = mapped_column(String(8), primary_key=True)


class RegisterEntry(Base):
    __tablename__ = "register_entries"
    __table_args__ = (
        UniqueConstraint("issuer", "year", "series", "number"),
        UniqueConstraint("issuer", "year", "series", "symbol"),
        Index("ix_register_entries_listing", "issuer", "year", "number"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(100))   # joint: UBND-UBMTTQ
    year: Mapped[int]
    series: Mapped[str] = mapped_column(String(8))
    number: Mapped[int | None]
    symbol: Mapped[str] = mapped_column(String(80))            # "15/KH-UBND" as printed
    type: Mapped[str] = mapped_column(String(40))
    issued: Mapped[str | None] = mapped_column(String(10))     # ISO date, when complete
    subject: Mapped[str] = mapped_column(Text)
    created: Mapped[float] = mapped_column(Double)
    payload: Mapped[str] = mapped_column(Text)                 # JSON, the number resolved
    record: Mapped[str] = mapped_column(Text)                  # JSON, Phụ lục VI
