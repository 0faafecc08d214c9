"""What a clerk keeps on the form (service/web/saved.py reads and writes it).

    form_profiles  id · owner · name · data · updated: an agency as the form fills it (cơ
                   quan, địa danh, lưu, usual nơi nhận, contact line) and its usual signers
    form_drafts    id · owner · kind (draft|last) · title · data · updated: the form's values
                   kept to reopen later, and the last document made, to make one like it

`owner` is the API key's name when auth is on, "" when it is off (one shared store); `data` is
the form's values as JSON. Times are seconds since the epoch.
"""

from __future__ import annotations

from sqlalchemy import Double, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class FormProfile(Base):
    __tablename__ = "form_profiles"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)
    updated: Mapped[float] = mapped_column(Double)


class FormDraft(Base):
    __tablename__ = "form_drafts"
    __table_args__ = (Index("ix_form_drafts_owner", "owner", "kind", "updated"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)
    updated: Mapped[float] = mapped_column(Double)
