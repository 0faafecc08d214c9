"""The document types vanban prints: NĐ30 name, abbreviation, Mẫu, and what each one uses.

A type is data. Its entry says which of the common parts it has and which fields of its own
it takes; the schema (schemas/document.py), the model (service/model/build.py), the stock
template (scripts/build_templates.py), the clerk form, GET /v1/types and the batch
spreadsheet template are all read from it, so a new type is one entry here (and a template).
Names and abbreviations are nd30-spec §5; the Mẫu and their parts are §6.

What an entry declares, for whoever renders from it:

- The common parts, as flags. `subject`: the trích yếu (ô 5a/5b) is "required", "optional" or
  "none" (giấy giới thiệu, giấy nghỉ phép). `allows_to`: a "Kính gửi" block (ô 9a).
  `enactment`: the decision skeleton of Mẫu 1.1–1.3 (thẩm quyền ban hành, căn cứ, the
  "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:" line); None when the type has none (`decides` says so).
  `date_line`: ô 4, "required" or "optional" (a biên bản prints none unless given).
  `signature`: "one" (`signer`, or `signers` for a joint document, one per issuer) or
  "several" (`signers`, side by side, nơi nhận below them). `body`: the nội dung is
  "required", "optional" (giấy mời) or "none" (the fixed wording of Mẫu 1.8 and 1.10).
  `closing_line`: the Mẫu's text ends with a fixed line that carries the "./." (biên bản,
  giấy giới thiệu, giấy nghỉ phép), so the body does not.
- `opening`: the Mẫu's own lines between the title and the body (the công điện's "… điện:",
  the giấy mời's labelled lines, …), composed into the template by that name.
- `fields`: the type's own inputs, each a `Field` with its contract path, Vietnamese label,
  input `kind` and a short hint. Kinds: "text" (one line), "textarea" (several lines kept),
  "lines" (a list, one item a line; one line alone is also accepted), "date" (YYYY-MM-DD,
  partial or null for blanks), "datetime" (YYYY-MM-DDTHH:MM, or text as it should print),
  "number" (a whole number), "bool", "person" ({name, title}), "signers" (a list of signer
  objects, each with an optional `heading`), "parties" (a list of {heading, name,
  representative, title, lines}), "attachment" ({type, subject, body, reference}). Numbers
  and booleans are also taken as text ("5", "true"), as a form or a spreadsheet sends them.
- `COMMON` describes the common inputs the same way (issuer, number, place, …), and
  `DocType.inputs()` lists every input a type uses, common ones first: the form shows those,
  and a batch spreadsheet template takes its columns from them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One input of the payload contract, as the form and a spreadsheet template show it."""

    path: str                 # contract path: "invitees", "meeting.started_at", "person"
    label: str                # Vietnamese label (form, spreadsheet heading)
    kind: str                 # see the module docstring
    required: bool = False
    hint: str = ""

    def as_json(self) -> dict:
        return {"path": self.path, "label": self.label, "kind": self.kind,
                "required": self.required, "hint": self.hint}


KINDS = ("text", "textarea", "lines", "date", "datetime", "number", "bool", "person",
         "signers", "parties", "attachment")

# The inputs shared by types, by contract path; DocType.inputs() picks the ones a type has.
COMMON: dict[str, Field] = {f.path: f for f in (
    Field("issuer.parent", "Cơ quan chủ quản", "textarea",
          hint="Cơ quan cấp trên trực tiếp, nếu có (in hoa, không đậm)"),
    Field("issuer.name", "Cơ quan ban hành", "textarea", True,
          hint="Ví dụ Ủy ban nhân dân phường An Bình; xuống dòng để tự chọn chỗ ngắt"),
    Field("issuer.code", "Viết tắt tên cơ quan ban hành", "text", True,
          hint="Dùng trong số ký hiệu, ví dụ UBND"),
    Field("unit_code", "Viết tắt đơn vị soạn thảo", "text",
          hint="Số ký hiệu thành <cơ quan>-<đơn vị>, ví dụ UBND-VX"),
    Field("number", "Số văn bản", "number", hint="Để trống nếu văn thư cấp số sau"),
    Field("place", "Địa danh", "text", True, hint="Ví dụ An Bình"),
    Field("date", "Ngày ban hành", "date", hint="Để trống ngày để văn thư ghi tay"),
    Field("subject", "Trích yếu", "textarea", True, hint="Tóm tắt nội dung văn bản"),
    Field("to", "Kính gửi", "lines", hint="Mỗi dòng một nơi"),
    Field("authority", "Thẩm quyền ban hành", "text",
          hint="Ví dụ Chủ tịch Ủy ban nhân dân xã Tân Phú (tự in chữ hoa)"),
    Field("bases", "Căn cứ ban hành", "lines",
          hint="Mỗi dòng một căn cứ; dấu ; và . ở cuối tự thêm"),
    Field("body", "Nội dung", "textarea", True,
          hint="Dán từ Word: Phần I, Chương I, I., 1., a), -, +, Điều 1. cho cấu trúc"),
    Field("recipients", "Nơi nhận", "lines", hint="Mỗi dòng một nơi, ví dụ Như trên"),
    Field("archive", "Lưu", "text", hint="Ví dụ VT, VP; in thành “Lưu: VT, VP.”"),
    Field("signer.title", "Chức vụ người ký", "text", hint="Ví dụ Chủ tịch"),
    Field("signer.name", "Họ và tên người ký", "text", True),
    Field("signers", "Người ký", "signers",
          hint="Mỗi người ký một khối, in cạnh nhau theo thứ tự"),
)}

PERSON_HINT = "Họ và tên, chức vụ"
ATTACHABLE_HINT = "Quy chế, quy định… ban hành kèm theo: in trên trang mới, có chương, điều"


@dataclass(frozen=True)
class DocType:
    key: str
    name: str | None          # tên loại (ô 5a); None for công văn, which prints V/v (ô 5b)
    abbrev: str | None        # in the ký hiệu (§5); None: issuer-unit, as công văn (§3.4)
    mau: str | None           # the sample layout (§6); None where NĐ30 has none
    numbering: str = "sections"   # "sections" (I., 1., a)) or "articles" (chương, điều)
    subject: str = "required"
    allows_to: bool = False
    enactment: str | None = None
    date_line: str = "required"
    signature: str = "one"
    body: str = "required"
    opening: str | None = None
    closing_line: bool = False    # the Mẫu ends with a fixed line carrying "./." (BB, GGT, GNP)
    attachable: bool = False  # may be the text a quyết định or nghị quyết issues (Mẫu 1.3)
    title: str | None = None  # tên loại as printed, where it differs from the name
    default_recipients: tuple[str, ...] = ()   # the Mẫu's nơi nhận when none are given
    fields: tuple[Field, ...] = ()
    aliases: tuple[str, ...] = ()
    extra_required: tuple[str, ...] = ()   # common inputs this type needs (Kính gửi)

    @property
    def template(self) -> str:
        return f"{self.key}.docx"

    @property
    def label(self) -> str:
        """The type's name in a sentence: "công văn", "giấy mời"."""
        return (self.name or "CÔNG VĂN").lower()

    @property
    def printed_name(self) -> str | None:
        return self.title or self.name

    @property
    def decides(self) -> bool:
        """Thẩm quyền ban hành, căn cứ and the enactment line (Mẫu 1.1–1.3)."""
        return self.enactment is not None

    @property
    def own(self) -> frozenset[str]:
        """Top-level payload keys of the type's own fields."""
        return frozenset(f.path.split(".")[0] for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        """Top-level payload keys a payload of this type must have."""
        out = ["issuer"]
        if self.date_line == "required":
            out.append("place")
        if self.subject == "required":
            out.append("subject")
        if self.body == "required":
            out.append("body")
        out.append("signers" if self.signature == "several" else "signer")
        out += self.extra_required
        out += [k for k in dict.fromkeys(f.path.split(".")[0] for f in self.fields if f.required)
                if k not in out]
        return tuple(out)

    def inputs(self) -> tuple[Field, ...]:
        """Every input this type uses, common ones first, its own after (form, spreadsheet)."""
        uses = {"issuer.parent", "issuer.name", "issuer.code", "number", "date", "recipients",
                "archive"}
        if self.abbrev is None:
            uses.add("unit_code")
        uses.add("place")
        if self.subject != "none":
            uses.add("subject")
        if self.allows_to:
            uses.add("to")
        if self.decides:
            uses |= {"authority", "bases"}
        if self.body != "none":
            uses.add("body")
        uses |= {"signers"} if self.signature == "several" else {"signer.title", "signer.name"}
        own = {f.path for f in self.fields}
        common = [_required_here(f, self) for path, f in COMMON.items()
                  if path in uses and path not in own]
        return (*common, *self.fields)

    def as_json(self) -> dict:
        """The entry as GET /v1/types lists it."""
        return {
            "type": self.key, "name": self.name or "CÔNG VĂN", "abbreviation": self.abbrev,
            "mau": self.mau, "aliases": list(self.aliases), "required": list(self.required),
            "numbering": self.numbering, "kinh_gui": self.allows_to,
            "parts": {"subject": self.subject, "kinh_gui": self.allows_to,
                      "authority_and_bases": self.decides, "enactment": self.enactment,
                      "date_line": self.date_line, "signature": self.signature,
                      "body": self.body, "opening": self.opening},
            "fields": [f.as_json() for f in self.fields],
        }


def _required_here(f: Field, doc_type: DocType) -> Field:
    """A common input as this type needs it (Kính gửi is required of a công văn, say)."""
    top = f.path.split(".")[0]
    needed = f.path in {"issuer.name", "issuer.code", "signer.name"} or (
        "." not in f.path and top in doc_type.required)
    if f.path == "place" and doc_type.date_line != "required":
        needed = False
    return f if f.required == needed else Field(f.path, f.label, f.kind, needed, f.hint)


# --- The types' own fields --------------------------------------------------------------------

ATTACHMENT = Field("attachment", "Văn bản ban hành kèm theo", "attachment", hint=ATTACHABLE_HINT)
PARTIES = Field("parties", "Các bên", "parties", True,
                hint="Mỗi bên: tiêu đề (BÊN A), tên, người đại diện, chức vụ, các dòng khác")


def _person(required: bool = True) -> tuple[Field, ...]:
    return (Field("person.name", "Họ và tên", "text", required),
            Field("person.title", "Chức vụ", "text", hint="Ví dụ Chuyên viên Văn phòng"))


_MEETING = (
    Field("meeting.started_at", "Thời gian bắt đầu", "datetime", True,
          hint="Ngày giờ, ví dụ 2026-01-15T08:00, hoặc ghi như muốn in"),
    Field("meeting.venue", "Địa điểm", "text", True),
    Field("meeting.attendees", "Thành phần tham dự", "lines", True, hint="Mỗi dòng một người"),
    Field("meeting.chair", "Chủ trì (chủ tọa)", "text", True,
          hint="Ví dụ Ông Nguyễn Văn An, Chủ tịch Ủy ban nhân dân xã"),
    Field("meeting.secretary", "Thư ký (người ghi biên bản)", "text", True),
    Field("meeting.ended_at", "Thời gian kết thúc", "datetime", True,
          hint="In ở dòng “Cuộc họp kết thúc vào …”"),
)
_SIGNERS_SEVERAL = Field("signers", "Người ký", "signers", True,
                         hint="Mỗi người ký một khối, in cạnh nhau theo thứ tự")

TYPES: dict[str, DocType] = {t.key: t for t in (
    DocType("ke_hoach", "KẾ HOẠCH", "KH", "1.4", attachable=True, aliases=("plan",)),
    DocType("bao_cao", "BÁO CÁO", "BC", "1.4", allows_to=True, aliases=("report",)),
    DocType("quyet_dinh", "QUYẾT ĐỊNH", "QĐ", "1.2", "articles", enactment="QUYẾT ĐỊNH:",
            fields=(ATTACHMENT,), aliases=("decision",)),
    DocType("cong_van", None, None, "1.5", allows_to=True, extra_required=("to",)),
    DocType("to_trinh", "TỜ TRÌNH", "TTr", "1.4", allows_to=True, extra_required=("to",)),
    DocType("thong_bao", "THÔNG BÁO", "TB", "1.4"),
    DocType("nghi_quyet", "NGHỊ QUYẾT", "NQ", "1.1", "articles", enactment="QUYẾT NGHỊ:",
            fields=(ATTACHMENT,)),
    DocType("chi_thi", "CHỈ THỊ", "CT", "1.4"),
    DocType("quy_che", "QUY CHẾ", "QC", "1.4", "articles", attachable=True),
    DocType("quy_dinh", "QUY ĐỊNH", "QyĐ", "1.4", "articles", attachable=True),
    DocType("thong_cao", "THÔNG CÁO", "TC", "1.4"),
    DocType("huong_dan", "HƯỚNG DẪN", "HD", "1.4", attachable=True),
    DocType("chuong_trinh", "CHƯƠNG TRÌNH", "CTr", "1.4", attachable=True),
    DocType("phuong_an", "PHƯƠNG ÁN", "PA", "1.4", attachable=True),
    DocType("de_an", "ĐỀ ÁN", "ĐA", "1.4", attachable=True),
    DocType("du_an", "DỰ ÁN", "DA", "1.4", attachable=True),
    DocType("giay_uy_quyen", "GIẤY ỦY QUYỀN", "GUQ", "1.4", "articles", signature="several",
            fields=(Field("parties", "Các bên", "parties",
                          hint="Bên ủy quyền và bên được ủy quyền"),
                    Field("signers", "Người ký", "signers", True,
                          hint="Bên ủy quyền, bên được ủy quyền: in cạnh nhau"))),
    DocType("phieu_gui", "PHIẾU GỬI", "PG", "1.4", allows_to=True),
    DocType("phieu_chuyen", "PHIẾU CHUYỂN", "PC", "1.4", allows_to=True),
    DocType("phieu_bao", "PHIẾU BÁO", "PB", "1.4", allows_to=True),
    DocType("bien_ban", "BIÊN BẢN", "BB", "1.9", date_line="optional", signature="several",
            opening="bien_ban", closing_line=True, fields=(*_MEETING, Field(
                "signers", "Người ký", "signers", True,
                hint="Thư ký (bên trái) rồi chủ tọa (bên phải), chức vụ in hoa trên tên"))),
    DocType("cong_dien", "CÔNG ĐIỆN", "CĐ", "1.6", opening="cong_dien", fields=(
        Field("sender", "Người hoặc cơ quan điện", "text",
              hint="In hoa trước “điện:”, ví dụ Thủ tướng Chính phủ; mặc định là cơ quan "
                   "ban hành"),
        Field("to", "Nơi nhận điện", "lines", True,
              hint="Mỗi dòng một nơi; in dưới dòng “… điện:”"))),
    DocType("giay_moi", "GIẤY MỜI", "GM", "1.7", body="optional", opening="giay_moi",
            default_recipients=("Như trên",), fields=(
                Field("invitees", "Kính mời", "lines", True,
                      hint="Người hoặc cơ quan được mời, mỗi dòng một"),
                Field("invitation", "Câu mời", "text",
                      hint="Mặc định “<cơ quan ban hành> trân trọng kính mời:”"),
                Field("event", "Tới dự", "textarea", hint="Ví dụ Hội nghị tổng kết năm 2025"),
                Field("chair", "Chủ trì", "text"),
                Field("time", "Thời gian", "datetime", True,
                      hint="Ví dụ 2026-01-15T08:00, hoặc ghi như muốn in"),
                Field("venue", "Địa điểm", "text", True))),
    DocType("giay_gioi_thieu", "GIẤY GIỚI THIỆU", "GGT", "1.8", subject="none", body="none",
            opening="giay_gioi_thieu", closing_line=True, default_recipients=("Như trên",), fields=(
                *_person(),
                Field("sent_to", "Được cử đến", "text", True),
                Field("purpose", "Về việc", "textarea", True),
                Field("valid_until", "Có giá trị đến hết ngày", "date",
                      hint="Để trống để văn thư ghi tay"))),
    DocType("giay_nghi_phep", "GIẤY NGHỈ PHÉP", "GNP", "1.10", subject="none", body="none",
            opening="giay_nghi_phep", closing_line=True, fields=(
                *_person(),
                Field("request_date", "Ngày của đơn đề nghị nghỉ phép", "date"),
                Field("leave.from", "Nghỉ từ ngày", "date", True),
                Field("leave.to", "Nghỉ đến hết ngày", "date", True),
                Field("leave.days", "Số ngày nghỉ", "number",
                      hint="Mặc định tính từ hai ngày trên"),
                Field("leave.place", "Nơi nghỉ phép", "text"),
                Field("leave.counted_as", "Tính vào thời gian", "text",
                      hint="Ví dụ nghỉ phép năm 2026"),
                Field("confirmation", "In ô xác nhận nơi nghỉ phép", "bool"))),
    DocType("hop_dong", "HỢP ĐỒNG", "HĐ", None, "articles", signature="several",
            fields=(PARTIES, _SIGNERS_SEVERAL)),
    DocType("ban_ghi_nho", "BẢN GHI NHỚ", "BGN", None, "articles", signature="several",
            fields=(PARTIES, _SIGNERS_SEVERAL)),
    DocType("ban_thoa_thuan", "BẢN THỎA THUẬN", "BTT", None, "articles", signature="several",
            fields=(PARTIES, _SIGNERS_SEVERAL)),
    DocType("thu_cong", "THƯ CÔNG", None, None, subject="optional", allows_to=True,
            title="THƯ", fields=(
                Field("title", "Tên thư", "text",
                      hint="Ví dụ Thư chúc mừng (in hoa); mặc định “Thư”"),)),
)}

ALIASES: dict[str, str] = {alias: t.key for t in TYPES.values() for alias in t.aliases}

# Every own field of every type, by top-level payload key, less the common ones some types
# describe in their own words (Kính gửi, người ký): a type refuses the others' fields.
COMMON_KEYS = frozenset(path.split(".")[0] for path in COMMON)
OWN_FIELDS: frozenset[str] = frozenset().union(*(t.own for t in TYPES.values())) - COMMON_KEYS


def resolve(name: str) -> DocType | None:
    """The type for a key or alias (`plan` → kế hoạch); None when unknown."""
    return TYPES.get(ALIASES.get(name, name))
