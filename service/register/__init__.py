"""The register of outgoing documents (sổ đăng ký văn bản đi) and automatic numbers.

A number runs per issuer code and calendar year, from 01 on 1 January (Điều 15; nd30-spec
§3.4); documents with `secrecy` have a series of their own. `Register.enter` takes the number
and writes the entry in one transaction that also holds the document's rendering: the series
row is locked first (PostgreSQL: SELECT … FOR UPDATE; SQLite: the database's write lock), the
next number is the series' highest plus one, and a render that fails rolls everything back, so
no number is ever skipped or given twice, across threads, workers and service instances on
one database. Unique constraints on (issuer, year, series, number) and (…, symbol)
refuse a duplicate explicit number (409 number_taken, naming the entry it would repeat).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from service.db import Database
from service.db.models import RegisterEntry, RegisterSeries
from service.errors import NumberTaken, RegisterEntryNotFound

AUTO = "auto"
PLAIN, SECRET = "thuong", "mat"
VIETNAM = timezone(timedelta(hours=7))
PER_PAGE = 50


class Made(Protocol):
    """What rendering an entered document gives back: its Phụ lục VI record and số ký hiệu."""

    record: dict[str, Any]
    symbol: str


T = TypeVar("T", bound=Made)


@dataclass(frozen=True)
class Entry:
    id: str
    issuer: str
    year: int
    series: str
    number: int | None
    symbol: str
    type: str
    issued: str | None
    subject: str
    created: float
    payload: dict[str, Any]
    record: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The entry as a list shows it."""
        return {"id": self.id, "issuer": self.issuer, "year": self.year,
                "series": self.series, "number": self.number, "symbol": self.symbol,
                "type": self.type, "issued": self.issued, "subject": self.subject,
                "registered_at": datetime.fromtimestamp(self.created, VIETNAM).isoformat(
                    timespec="seconds")}


def registered(payload: Any) -> bool:
    """Whether a payload asks the register for its number (`"number": "auto"`) or an entry
    (`"register": true`)."""
    return isinstance(payload, Mapping) and (payload.get("number") == AUTO
                                             or payload.get("register") is True)


def issuer_of(data: Mapping[str, Any]) -> str:
    """The code a series runs under: the issuer's, or a joint document's codes as its ký hiệu
    joins them (UBND-UBMTTQ)."""
    return "-".join(i["code"] for i in data.get("issuers") or [data["issuer"]])


def year_of(data: Mapping[str, Any]) -> int:
    """The calendar year a document is numbered in: its date's, else this year in Vietnam."""
    when = data.get("date")
    return when.year if when and when.year else datetime.now(VIETNAM).year


def series_of(data: Mapping[str, Any]) -> str:
    return SECRET if data.get("secrecy") else PLAIN


def stored_payload(payload: Mapping[str, Any], number: int | None) -> dict[str, Any]:
    """The payload kept with an entry: its number as given out, without what asked for the
    registration or a signature, so rendering it again prints the same and enters nothing."""
    kept = {k: v for k, v in payload.items() if k not in ("register", "sign")}
    if number is not None:
        kept["number"] = number
    return kept


class Register:
    def __init__(self, database: Database) -> None:
        self.database = database

    def enter(self, data: dict[str, Any], payload: Mapping[str, Any],
              make: Callable[[dict[str, Any]], T]) -> tuple[T, Entry]:
        """Number the document when it asks for `auto`, make it with `make(data)` and enter
        it, all in one transaction."""
        issuer, year, series = issuer_of(data), year_of(data), series_of(data)
        made: T | None = None
        try:
            with self.database.write() as connection:
                self._lock(connection, issuer, year, series)
                number = data["number"]
                if number == AUTO:
                    number = self._last(connection, issuer, year, series) + 1
                    data = {**data, "number": number}
                elif number is not None:
                    taken = self._holder(connection, issuer, year, series=series, number=number)
                    if taken is not None:            # refused before anything is rendered
                        raise NumberTaken(taken)
                made = make(data)
                entry = Entry(uuid.uuid4().hex, issuer, year, series, number, made.symbol,
                              data["type"], _iso(made.record.get("IssuedDate")),
                              data.get("subject") or "", time.time(),
                              stored_payload(payload, number),
                              made.record)
                connection.execute(RegisterEntry.__table__.insert().values(
                    **{**entry.__dict__, "payload": _dumps(entry.payload),
                       "record": _dumps(entry.record)}))
        except IntegrityError:
            if made is None:
                raise
            # Only an explicit symbol can get here (numbers are checked under the lock).
            with self.database.read() as connection:
                holder = self._holder(connection, issuer, year, series=series,
                                      symbol=made.symbol)
            raise NumberTaken(holder or "") from None
        return made, entry

    def peek(self, issuer: str, year: int, secret: bool = False) -> int:
        """The number `auto` would take now (another caller may take it first)."""
        with self.database.read() as connection:
            return self._last(connection, issuer, year, SECRET if secret else PLAIN) + 1

    def get(self, entry_id: str) -> Entry:
        with self.database.read() as connection:
            row = connection.execute(select(RegisterEntry.__table__).where(
                RegisterEntry.id == entry_id)).mappings().first()
        if row is None:
            raise RegisterEntryNotFound(detail=f"register entry {entry_id!r}")
        return _entry(row)

    def list(self, *, issuer: str | None = None, year: int | None = None,
             type: str | None = None, issued_from: date | None = None,
             issued_to: date | None = None, page: int = 1,
             per_page: int = PER_PAGE) -> tuple[list[Entry], int]:
        """One page of the entries that match, in register order, and how many match."""
        table = RegisterEntry.__table__
        where = [c for c in (
            table.c.issuer == issuer if issuer else None,
            table.c.year == year if year else None,
            table.c.type == type if type else None,
            table.c.issued >= issued_from.isoformat() if issued_from else None,
            table.c.issued <= issued_to.isoformat() if issued_to else None) if c is not None]
        query = select(table).where(*where).order_by(
            table.c.issuer, table.c.year, table.c.series, table.c.number, table.c.created)
        with self.database.read() as connection:
            total = connection.execute(select(func.count()).select_from(table)
                                       .where(*where)).scalar_one()
            rows = connection.execute(query.limit(per_page).offset((page - 1) * per_page)
                                      ).mappings().all()
        return [_entry(row) for row in rows], total

    def all(self, **filters: Any) -> Iterator[Entry]:
        """Every matching entry, a page at a time (the yearly export)."""
        page = 1
        while True:
            entries, total = self.list(page=page, per_page=500, **filters)
            yield from entries
            if page * 500 >= total:
                return
            page += 1

    # -- inside a transaction ------------------------------------------------------------------

    def _lock(self, connection: Connection, issuer: str, year: int, series: str) -> None:
        table = RegisterSeries.__table__
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(table).values(issuer=issuer, year=year, series=series)
                           .on_conflict_do_nothing())
        connection.execute(select(table).where(
            table.c.issuer == issuer, table.c.year == year, table.c.series == series
        ).with_for_update())

    def _last(self, connection: Connection, issuer: str, year: int, series: str) -> int:
        table = RegisterEntry.__table__
        return connection.execute(select(func.coalesce(func.max(table.c.number), 0)).where(
            table.c.issuer == issuer, table.c.year == year, table.c.series == series)
        ).scalar_one()

    def _holder(self, connection: Connection, issuer: str, year: int, *,
                series: str, number: int | None = None,
                symbol: str | None = None) -> str | None:
        table = RegisterEntry.__table__
        where = [table.c.issuer == issuer, table.c.year == year, table.c.series == series]
        where.append(table.c.number == number if number is not None
                     else table.c.symbol == symbol)
        return connection.execute(select(table.c.id).where(*where)).scalar()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_iso)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _entry(row: Mapping[str, Any]) -> Entry:
    values = dict(row)
    values["payload"] = json.loads(values["payload"])
    values["record"] = json.loads(values["record"])
    return Entry(**values)
