"""What the clerk keeps between documents: agency profiles with their usual signers, drafts to
reopen, and the last document made (to make one like it). In the service's database (service/db,
tables in service/db/models/form.py), per API key name when auth is on, one shared store when it
is off. Values are the form's own, by input name, so reopening one is filling the form.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select

from service.db import Database
from service.db.models.form import FormDraft, FormProfile
from service.errors import ValidationError

# A profile: the agency as the form fills it, and the usual signers (each the signer's inputs).
AGENCY = ("issuer_parent", "issuer_name", "issuer_code", "unit_code", "place", "archive",
          "contact", "recipients")
SIGNER = ("signer_mode_1", "signer_of_1", "signer_mode_2", "signer_of_2", "signer_title",
          "signer_name")
# What a document like the last one starts from: everything but what makes it this document.
NOT_SIMILAR = ("number", "number_auto", "date", "date_blank")
MAX_PROFILES, MAX_DRAFTS, MAX_SIGNERS = 50, 200, 20
DRAFT, LAST = "draft", "last"


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    agency: dict[str, str]
    signers: list[dict[str, str]] = field(default_factory=list)

    def signer_label(self, index: int) -> str:
        s = self.signers[index]
        title = s.get("signer_title")
        return f"{s.get('signer_name', '')}" + (f", {title}" if title else "")


@dataclass(frozen=True)
class Draft:
    id: str
    title: str
    values: dict[str, str]
    updated: float


class Saved:
    def __init__(self, database: Database) -> None:
        self.database = database

    # --- Profiles ----------------------------------------------------------------------------

    def profiles(self, owner: str) -> list[Profile]:
        with self.database.read() as db:
            rows = db.execute(select(FormProfile.id, FormProfile.name, FormProfile.data)
                              .where(FormProfile.owner == owner)
                              .order_by(FormProfile.name)).all()
        return [_profile(i, name, data) for i, name, data in rows]

    def profile(self, owner: str, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles(owner) if p.id == profile_id), None)

    def save_profile(self, owner: str, name: str, values: Mapping[str, str]) -> Profile:
        """Keep the agency as filled in under `name` (its own, or an earlier one of that name,
        updated), adding the signer filled in to its signers unless it is there already."""
        name = " ".join(name.split())[:200] or " ".join(values.get("issuer_name", "").split())
        if not name:
            raise ValidationError({"profile_name": [
                "Hãy đặt tên cho cơ quan (hoặc điền tên cơ quan ban hành) trước khi lưu."]})
        agency = {k: values.get(k, "") for k in AGENCY}
        signer = {k: values.get(k, "") for k in SIGNER}
        with self.database.write() as db:
            row = db.execute(select(FormProfile.id, FormProfile.data).where(
                FormProfile.owner == owner, FormProfile.name == name)).first()
            signers = json.loads(row.data)["signers"] if row is not None else []
            if signer["signer_name"].strip() and signer not in signers:
                signers = [s for s in signers if s.get("signer_name") != signer["signer_name"]]
                signers = [signer, *signers][:MAX_SIGNERS]
            data = json.dumps({"agency": agency, "signers": signers}, ensure_ascii=False)
            if row is None:
                count = db.execute(select(func.count()).select_from(FormProfile).where(
                    FormProfile.owner == owner)).scalar_one()
                if count >= MAX_PROFILES:
                    raise ValidationError({"profile_name": [
                        f"Đã lưu đủ {MAX_PROFILES} cơ quan: hãy xóa bớt trước khi lưu thêm."]})
                profile_id = uuid.uuid4().hex
                db.execute(FormProfile.__table__.insert().values(
                    id=profile_id, owner=owner, name=name, data=data, updated=time.time()))
            else:
                profile_id = row.id
                db.execute(FormProfile.__table__.update().where(FormProfile.id == profile_id)
                           .values(data=data, updated=time.time()))
        return Profile(profile_id, name, agency, signers)

    def delete_profile(self, owner: str, profile_id: str) -> None:
        with self.database.write() as db:
            db.execute(delete(FormProfile).where(FormProfile.owner == owner,
                                                 FormProfile.id == profile_id))

    # --- Drafts and the last document --------------------------------------------------------

    def drafts(self, owner: str) -> list[Draft]:
        with self.database.read() as db:
            rows = db.execute(select(FormDraft.id, FormDraft.title, FormDraft.data,
                                     FormDraft.updated)
                              .where(FormDraft.owner == owner, FormDraft.kind == DRAFT)
                              .order_by(FormDraft.updated.desc())).all()
        return [Draft(i, title, json.loads(data), updated) for i, title, data, updated in rows]

    def draft(self, owner: str, draft_id: str) -> Draft | None:
        with self.database.read() as db:
            row = db.execute(select(FormDraft.id, FormDraft.title, FormDraft.data,
                                    FormDraft.updated)
                             .where(FormDraft.owner == owner, FormDraft.id == draft_id,
                                    FormDraft.kind == DRAFT)).first()
        return None if row is None else Draft(row.id, row.title, json.loads(row.data),
                                              row.updated)

    def save_draft(self, owner: str, values: Mapping[str, str], title: str,
                   draft_id: str | None = None) -> Draft:
        """Keep the form's values: as the draft `draft_id` when it is the owner's (the draft
        reopened and saved again), else as a new one."""
        data = json.dumps(dict(values), ensure_ascii=False)
        now = time.time()
        with self.database.write() as db:
            if draft_id and db.execute(FormDraft.__table__.update().where(
                    FormDraft.owner == owner, FormDraft.id == draft_id,
                    FormDraft.kind == DRAFT).values(title=title, data=data,
                                                    updated=now)).rowcount:
                return Draft(draft_id, title, dict(values), now)
            count = db.execute(select(func.count()).select_from(FormDraft).where(
                FormDraft.owner == owner, FormDraft.kind == DRAFT)).scalar_one()
            if count >= MAX_DRAFTS:
                raise ValidationError({"draft": [
                    f"Đã có {MAX_DRAFTS} bản nháp: hãy xóa bớt bản cũ trước khi lưu thêm."]})
            new_id = uuid.uuid4().hex
            db.execute(FormDraft.__table__.insert().values(
                id=new_id, owner=owner, kind=DRAFT, title=title, data=data, updated=now))
        return Draft(new_id, title, dict(values), now)

    def delete_draft(self, owner: str, draft_id: str) -> None:
        with self.database.write() as db:
            db.execute(delete(FormDraft).where(FormDraft.owner == owner,
                                               FormDraft.id == draft_id))

    def keep_last(self, owner: str, values: Mapping[str, str], title: str) -> None:
        """The document just made, replacing the one before."""
        with self.database.write() as db:
            db.execute(delete(FormDraft).where(FormDraft.owner == owner,
                                               FormDraft.kind == LAST))
            db.execute(FormDraft.__table__.insert().values(
                id=uuid.uuid4().hex, owner=owner, kind=LAST, title=title,
                data=json.dumps(dict(values), ensure_ascii=False), updated=time.time()))

    def last(self, owner: str) -> Draft | None:
        with self.database.read() as db:
            row = db.execute(select(FormDraft.id, FormDraft.title, FormDraft.data,
                                    FormDraft.updated)
                             .where(FormDraft.owner == owner, FormDraft.kind == LAST)).first()
        return None if row is None else Draft(row.id, row.title, json.loads(row.data),
                                              row.updated)


def similar(values: Mapping[str, str]) -> dict[str, str]:
    """The last document's values as the start of another like it: a new number and date."""
    return {k: v for k, v in values.items() if k not in NOT_SIMILAR}


def with_profile(values: Mapping[str, str], profile: Profile) -> dict[str, str]:
    """The form's values with the agency of `profile` (its usual nơi nhận only where none is
    typed yet) and, when no signer is filled in, its first signer."""
    out = dict(values)
    for key, value in profile.agency.items():
        if key != "recipients" or not out.get("recipients", "").strip():
            out[key] = value
    if profile.signers and not out.get("signer_name", "").strip():
        out.update(profile.signers[0])
    return out


def with_signer(values: Mapping[str, str], profile: Profile, index: int) -> dict[str, str]:
    out = dict(values)
    if 0 <= index < len(profile.signers):
        out.update(profile.signers[index])
    return out


def _profile(profile_id: str, name: str, data: str) -> Profile:
    parsed: dict[str, Any] = json.loads(data)
    return Profile(profile_id, name, parsed.get("agency", {}), parsed.get("signers", []))
