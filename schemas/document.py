"""The v1 payload contract for POST /v1/documents: field names, types, limits, per-type rules.

Field names are the contract: add freely, rename none. Messages are Vietnamese.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from schemas.fields import (
    Code,
    DateText,
    Lines,
    List,
    Moment,
    Nested,
    Number,
    Text,
    deeper_than,
    length,
    limit,
    max_nesting,
    one_of,
)
from schemas.registry import ALIASES, OWN_FIELDS, TYPES, DocType, resolve

MAX_DEPTH = 6       # the default of settings.limits.depth (VANBAN_LIMITS_DEPTH)
SIGNER_MODES = ["TM", "KT", "Q", "TL", "TUQ"]
URGENCY = ["khan", "thuong_khan", "hoa_toc"]
SECRECY = ["mat", "toi_mat", "tuyet_mat"]
COPY_FORMS = ["sao_y", "sao_luc", "trich_sao"]
MAX_SIGNERS = 6
MAX_ISSUERS = 4


class StrictSchema(Schema):
    """Unknown fields are errors: a typo must not vanish silently."""

    class Meta:
        unknown = RAISE

    error_messages: ClassVar[dict[str, str]] = {
        "unknown": "Trường không có trong hợp đồng dữ liệu (kiểm tra chính tả).",
        "type": "Phải là một đối tượng JSON.",
    }


class NameLines(Text):
    """A name as one string, or a list of lines to force where it breaks (§3.3)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list):
            if not value or len(value) > 5:
                raise self.make_error("invalid")
            return [super(NameLines, self)._deserialize(v, attr, data, **kwargs) for v in value]
        return super()._deserialize(value, attr, data, **kwargs)


class IssuerSchema(StrictSchema):
    """Cơ quan ban hành (ô 2): parent = chủ quản (not bold), name (bold), code in the ký hiệu."""

    parent = NameLines(max_length=200, load_default=None, allow_none=True)
    name = NameLines(required=True, max_length=200)
    code = Code(required=True)


class OnBehalfSchema(StrictSchema):
    mode = Text(required=True, validate=one_of(SIGNER_MODES))
    of = Text(required=True, max_length=200)


class SignerSchema(StrictSchema):
    """Người ký (ô 7): quyền hạn lines, chức vụ, họ tên (§3.8)."""

    name = Text(required=True, max_length=100)
    title = Text(load_default=None, allow_none=True, max_length=200)
    on_behalf = List(Nested(OnBehalfSchema), load_default=list, validate=length(4))


class DrafterSchema(StrictSchema):
    """Ký hiệu người soạn thảo và số lượng bản phát hành (ô 12, §4): `PL.(300)`."""

    code = Code(required=True)
    # A validator must raise: marshmallow 4 ignores one that returns False.
    copies = fields.Integer(load_default=None, allow_none=True, strict=True,
                            validate=validate.Range(min=1, error="Phải là số nguyên dương."),
                            error_messages={"invalid": "Phải là số nguyên dương."})


class Block(fields.Field):
    """One body block: exactly one of part, heading, text, item, bullets, article, table."""

    default_error_messages = {
        "invalid": "Mỗi khối nội dung phải là một đối tượng JSON.",
        "kind": "Khối nội dung phải có đúng một trong các khóa: {kinds}.",
        "required": "Thiếu trường bắt buộc.",
        "null": "Không được để trống (null).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        kinds = [k for k in BLOCKS if k in value]
        if len(kinds) != 1:
            raise self.make_error("kind", kinds=", ".join(BLOCKS))
        return {"kind": kinds[0], **BLOCKS[kinds[0]].load(value)}


_BLOCK_REFS = [{"$ref": f"#/components/schemas/{kind.capitalize()}Block"}
               for kind in ("part", "heading", "text", "item", "bullets", "article", "table")]


class Body(fields.Field):
    """The body: a list of blocks, or plain text as pasted from Word."""

    default_error_messages = {
        "invalid": "Nội dung phải là chuỗi văn bản hoặc danh sách khối.",
        "required": "Thiếu trường bắt buộc.",
        "null": "Không được để trống (null).",
        "empty": "Nội dung không được để trống.",
    }
    _text = Text(multiline=True, max_length="body_chars")
    _blocks = List(Block(), validate=length("blocks"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return self._text.deserialize(value)
        if isinstance(value, list):
            if not value:
                raise self.make_error("empty")
            return self._blocks.deserialize(value)
        raise self.make_error("invalid")


def _children() -> List:
    return List(Block(metadata={"oneOf": _BLOCK_REFS}), load_default=list,
                validate=length("children"))


class HeadingBlock(StrictSchema):
    heading = Text(required=True, max_length=1000)
    label = Text(load_default=None, max_length=30)
    children = _children()


class PartBlock(StrictSchema):
    """Phần, chương, mục or tiểu mục: a label line ("Chương I") and a title line (§5 table)."""

    part = Text(required=True, max_length=1000)
    label = Text(load_default=None, max_length=30,
                 metadata={"description": "Ví dụ: Chương I, Phần II, Mục 1; mặc định Chương "
                                          "(văn bản có điều) hoặc Phần, đánh số La Mã"})
    children = _children()


class TextBlock(StrictSchema):
    text = Text(required=True, max_length="block_chars")
    label = Text(load_default=None, max_length=30)


class ItemBlock(StrictSchema):
    item = Text(required=True, max_length="block_chars")
    label = Text(load_default=None, max_length=30)
    children = _children()


class BulletItem(fields.Field):
    """A bullet: its text, or {text, children} when sub-bullets (+) follow it."""

    # Doubled braces: marshmallow formats its messages (make_error), and {text, children} is
    # no placeholder.
    default_error_messages = {"invalid": "Mỗi ý phải là chuỗi hoặc đối tượng {{text, children}}.",
                              "null": "Không được để trống (null)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        if isinstance(value, str):
            return {"text": Text(max_length="block_chars").deserialize(value), "children": []}
        if isinstance(value, dict):
            return BULLET_ITEM.load(value)
        raise self.make_error("invalid")


class BulletWithChildren(StrictSchema):
    text = Text(required=True, max_length="block_chars")
    children = _children()


class BulletsBlock(StrictSchema):
    bullets = List(BulletItem(metadata={"oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string"}, "children": {"type": "array", "items": {}}}}]}),
        required=True, validate=length("children", 1))
    label = Text(load_default=None, max_length=5)


class ArticleBlock(StrictSchema):
    article = Text(required=True, max_length="block_chars")
    label = Text(load_default=None, max_length=30)
    children = _children()


class TableSpec(StrictSchema):
    columns = List(Text(max_length=500), required=True, validate=length("table_columns", 1))
    rows = List(List(Text(max_length="cell_chars", allow_blank=True)), load_default=list,
                validate=length("table_rows"))
    widths = List(fields.Float(validate=validate.Range(min=0, min_inclusive=False,
                                                       error="Độ rộng phải lớn hơn 0."),
                               error_messages={"invalid": "Phải là một số."}),
                  load_default=None, allow_none=True)

    @validates_schema
    def _shape(self, data: dict, **kwargs: Any) -> None:
        n = len(data["columns"])
        errors: dict[str, Any] = {}
        bad = {i: [f"Mỗi dòng phải có {n} ô."] for i, row in enumerate(data.get("rows", []))
               if len(row) != n}
        if bad:
            errors["rows"] = bad
        if data.get("widths") is not None and len(data["widths"]) != n:
            errors["widths"] = [f"Phải có {n} độ rộng, mỗi cột một."]
        if errors:
            raise ValidationError(errors)


class TableBlock(StrictSchema):
    table = Nested(TableSpec, required=True)
    label = Text(load_default=None, max_length=30)


BLOCKS: dict[str, Schema] = {
    "part": PartBlock(), "heading": HeadingBlock(), "text": TextBlock(), "item": ItemBlock(),
    "bullets": BulletsBlock(), "article": ArticleBlock(), "table": TableBlock(),
}
BULLET_ITEM = BulletWithChildren()


class BodyDepth(StrictSchema):
    """A schema with a `body` of blocks (the document's, a phụ lục's): its nesting is bounded
    before it is read and once it has been."""

    @pre_load
    def _not_too_deep(self, data: Any, **kwargs: Any) -> Any:
        # Blocks are read recursively, so a body nested hundreds deep would exhaust the stack
        # before the depth rule below could speak: measure the raw JSON first, iteratively.
        if isinstance(data, dict) and deeper_than(data.get("body"), max_nesting()):
            raise ValidationError({"body": [f"Nội dung lồng quá {limit('depth')} cấp."]})
        return data

    @validates_schema(skip_on_field_errors=False)
    def _shallow_enough(self, data: dict, partial: Any = None, **kwargs: Any) -> None:
        depth = limit("depth")
        if isinstance(data.get("body"), list) and _depth(data["body"]) > depth:
            raise ValidationError({"body": [f"Nội dung lồng quá {depth} cấp."]})


class AppendixSchema(BodyDepth):
    """Phụ lục (nd30-spec §4): on pages of its own, numbered from 1, after the signature."""

    title = Text(required=True, max_length=500)
    label = Text(load_default=None, max_length=30, metadata={
        "description": "Mặc định: Phụ lục (một phụ lục), Phụ lục I, II… (nhiều phụ lục)"})
    body = Body(required=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"oneOf": _BLOCK_REFS}}]})


MAX_APPENDICES = 20


class WholeNumber(fields.Integer):
    """A positive integer of at most `digits` digits (a Phụ lục VI Number field)."""

    def __init__(self, digits: int, **kwargs: Any) -> None:
        message = f"Phải là số nguyên dương, tối đa {digits} chữ số."
        super().__init__(strict=True, validate=validate.Range(1, 10 ** digits - 1, error=message),
                         error_messages={"invalid": message}, **kwargs)


class NumberOrAuto(Number):
    """Số văn bản, or "auto": the next number of the register (Điều 15)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        return super()._deserialize(value, attr, data, **kwargs)


class MetadataSchema(StrictSchema):
    """Phụ lục VI fields the printed document does not show (nd30-spec §8): the hồ sơ it is
    filed in, a note, a deadline. The rest of the metadata comes from the document itself."""

    organ_id = Text(load_default=None, allow_none=True, max_length=13, metadata={
        "description": "Mã định danh của cơ quan ban hành (OrganId), ví dụ 000.00.00.H41"})
    file_year = WholeNumber(4, load_default=None, allow_none=True, metadata={
        "description": "Năm hình thành hồ sơ (FileCatalog); mặc định năm của văn bản"})
    file_notation = Text(load_default=None, allow_none=True, max_length=20, metadata={
        "description": "Số và ký hiệu hồ sơ (FileNotation)"})
    ordinal = WholeNumber(3, load_default=None, allow_none=True, metadata={
        "description": "Số thứ tự văn bản trong hồ sơ (DocOrdinal)"})
    description = Text(load_default=None, allow_none=True, max_length=500,
                       metadata={"description": "Ghi chú (Description)"})
    due_date = fields.Date(load_default=None, allow_none=True, error_messages={
        "invalid": "Ngày phải theo dạng YYYY-MM-DD và là ngày có thật."},
        metadata={"description": "Hạn văn bản (DueDate), YYYY-MM-DD"})


class SignSchema(StrictSchema):
    """Chữ ký số (nd30-spec §8): the signing profiles of the person (ô 7c) and of the agency
    (ô 8), by the names the server's VANBAN_SIGNING_PROFILES gives them."""

    personal = Text(load_default=None, allow_none=True, max_length=100,
                    metadata={"description": "Hồ sơ ký của người có thẩm quyền"})
    agency = Text(load_default=None, allow_none=True, max_length=100,
                  metadata={"description": "Hồ sơ ký của cơ quan (văn thư)"})

    @validates_schema
    def _one_at_least(self, data: dict, **kwargs: Any) -> None:
        if not data.get("personal") and not data.get("agency"):
            raise ValidationError({"personal": ["Cần ít nhất một hồ sơ ký: personal hoặc "
                                                "agency."]})
class HeadedSignerSchema(SignerSchema):
    """One of several signature blocks (`signers`): a signer, with an optional line above the
    quyền hạn such as "ĐẠI DIỆN BÊN A" (nd30-spec §6, Mẫu 1.9; hợp đồng)."""

    heading = Text(load_default=None, allow_none=True, max_length=200)


class PersonSchema(StrictSchema):
    """The person a giấy giới thiệu introduces or a giấy nghỉ phép grants leave (Mẫu 1.8, 1.10)."""

    name = Text(required=True, max_length=100)
    title = Text(load_default=None, allow_none=True, max_length=200)


class LeaveSchema(StrictSchema):
    """Giấy nghỉ phép (Mẫu 1.10): from, to (both days included), where, counted as what."""

    from_ = DateText(required=True, data_key="from", attribute="from")
    to = DateText(required=True)
    # Numbers and booleans come as text from a form or a spreadsheet too ("5", "true").
    days = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(1, 999, error="Phải từ 1 đến 999 ngày."),
                          error_messages={"invalid": "Phải là số nguyên dương."})
    place = Text(load_default=None, allow_none=True, max_length=300)
    counted_as = Text(load_default=None, allow_none=True, max_length=300)

    @validates_schema
    def _in_order(self, data: dict, **kwargs: Any) -> None:
        start, end = data["from"], data["to"]
        if None not in (*start, *end) and tuple(start) > tuple(end):
            raise ValidationError({"to": ["Ngày kết thúc phải sau ngày bắt đầu."]})


class MeetingSchema(StrictSchema):
    """Biên bản (Mẫu 1.9): the facts its opening lines give and its closing line's time."""

    started_at = Moment(required=True, max_length=200)
    venue = Text(required=True, max_length=300)
    attendees = Lines(required=True, validate=length(200, 1))
    chair = Text(required=True, max_length=300)
    secretary = Text(required=True, max_length=300)
    ended_at = Moment(required=True, max_length=200)


class PartySchema(StrictSchema):
    """A party of a hợp đồng, bản ghi nhớ, bản thỏa thuận or giấy ủy quyền."""

    heading = Text(required=True, max_length=100,
                   metadata={"description": "Ví dụ: BÊN A (BÊN THUÊ), BÊN ỦY QUYỀN"})
    name = Text(required=True, max_length=300)
    representative = Text(load_default=None, allow_none=True, max_length=100)
    title = Text(load_default=None, allow_none=True, max_length=200)
    lines = List(Text(max_length=500), load_default=list, validate=length(20),
                 metadata={"description": "Các dòng khác: Địa chỉ: …, Điện thoại: …"})


class AttachmentSchema(BodyDepth):
    """The text a quyết định or nghị quyết issues (Mẫu 1.3): on pages of its own after the
    signature, its own header, title block and "(Kèm theo …)" line, no signature."""

    type = Text(required=True, validate=one_of([k for k, t in TYPES.items() if t.attachable]))
    subject = Text(required=True, max_length=1000)
    body = Body(required=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"oneOf": _BLOCK_REFS}}]})
    reference = Text(load_default=None, allow_none=True, max_length=500, metadata={
        "description": "Ghi đè dòng “(Kèm theo Quyết định số … ngày … của …)”"})


class CopySchema(StrictSchema):
    """Bản sao (nd30-spec §2, §4, Mẫu 3.1): the copy block printed after the copied text."""

    form = Text(required=True, validate=one_of(COPY_FORMS))
    issuer = Nested(IssuerSchema, required=True)
    number = Number(load_default=None, allow_none=True)
    place = Text(required=True, max_length=100)
    date = DateText(load_default=None, allow_none=True)
    signer = Nested(SignerSchema, required=True)
    recipients = List(Text(max_length=500), load_default=list, validate=length("recipients"))
    archive = Text(load_default=None, allow_none=True, max_length=200)


class DocumentSchema(BodyDepth):
    """Văn bản hành chính: everything a Mẫu of nd30-spec §6 shows, by its contract name.

    What a type must have and may have is its registry entry's (schemas/registry.py): the
    checks below read it, so no type is a branch here."""

    type = Text(required=True, validate=one_of([*TYPES, *ALIASES]),
                metadata={"description": "Loại văn bản: " + ", ".join([*TYPES, *ALIASES])})
    issuer = Nested(IssuerSchema, load_default=None)
    issuers = List(Nested(IssuerSchema), load_default=list, validate=length(MAX_ISSUERS, 2),
                   metadata={"description": "Văn bản liên tịch: các cơ quan ban hành, thay "
                                            "cho issuer; ký hiệu nối các mã (QC-UBND-UBMTTQ)"})
    number = NumberOrAuto(load_default=None, allow_none=True, metadata={
        "description": 'Số; bỏ trống để văn thư ghi tay; "auto": số tiếp theo của sổ đăng ký',
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": "^[0-9]+$"},
                  {"type": "string", "enum": ["auto"]}]})
    register = fields.Boolean(load_default=False, truthy={True}, falsy={False}, error_messages={
        "invalid": "Phải là true hoặc false."}, metadata={
        "description": "Vào sổ đăng ký văn bản đi (luôn vào khi number là auto)"})
    symbol = Text(load_default=None, allow_none=True, max_length=60,
                  metadata={"description": "Ghi đè cả số và ký hiệu, ví dụ 63/2025/QĐ-UBND"})
    unit_code = Code(load_default=None, allow_none=True,
                     metadata={"description": "Công văn: đơn vị soạn thảo trong ký hiệu"})
    place = Text(load_default=None, max_length=100)
    date = DateText(load_default=None, allow_none=True,
                    metadata={"description": "YYYY-MM-DD, YYYY-MM, YYYY hoặc null"})
    subject = Text(load_default=None, max_length=1000, metadata={"description": "Trích yếu"})
    title = Text(load_default=None, allow_none=True, max_length=100,
                 metadata={"description": "Thư công: tên thư in trên thư (mặc định Thư)"})
    to = List(Text(max_length=500), load_default=list, validate=length(100),
              metadata={"description": "Kính gửi; công điện: nơi nhận điện"})
    sender = Text(load_default=None, allow_none=True, max_length=300,
                  metadata={"description": "Công điện: “<sender> điện:”"})
    authority = Text(load_default=None, allow_none=True, max_length=300,
                     metadata={"description": "Quyết định, nghị quyết: thẩm quyền ban hành"})
    bases = List(Text(max_length=2000), load_default=list, validate=length(100),
                 metadata={"description": "Căn cứ ban hành"})
    enactment = Text(allow_none=True, max_length=2000,
                     metadata={"description": "Quyết định, nghị quyết: dòng 'QUYẾT ĐỊNH:', "
                                              "'QUYẾT NGHỊ:' (null: bỏ)"})
    invitees = Lines(load_default=list, validate=length(200),
                     metadata={"description": "Giấy mời: người được mời (danh sách hoặc một "
                                              "dòng)"})
    invitation = Text(load_default=None, allow_none=True, max_length=500)
    event = Text(load_default=None, allow_none=True, max_length=1000)
    chair = Text(load_default=None, allow_none=True, max_length=300)
    time = Moment(load_default=None, max_length=200)
    venue = Text(load_default=None, max_length=300)
    person = Nested(PersonSchema, load_default=None)
    sent_to = Text(load_default=None, max_length=500)
    purpose = Text(load_default=None, max_length=1000)
    valid_until = DateText(load_default=None, allow_none=True)
    request_date = DateText(load_default=None, allow_none=True)
    leave = Nested(LeaveSchema, load_default=None)
    confirmation = fields.Boolean(load_default=False,
                                  error_messages={"invalid": "Phải là true hoặc false."})
    meeting = Nested(MeetingSchema, load_default=None)
    parties = List(Nested(PartySchema), load_default=list, validate=length(MAX_SIGNERS))
    body = Body(load_default=None, metadata={
        "description": "Nội dung: danh sách khối, hoặc văn bản dán từ Word (I., 1., a), -, +, "
                       "Điều N. cho cấu trúc)",
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"oneOf": _BLOCK_REFS}}]})
    attachment = Nested(AttachmentSchema, load_default=None)
    recipients = List(Text(max_length=500), load_default=list, validate=length("recipients"),
                      metadata={"description": "Nơi nhận"})
    archive = Text(load_default=None, allow_none=True, max_length=200,
                   metadata={"description": "Lưu: VT, …"})
    signer = Nested(SignerSchema, load_default=None)
    signers = List(Nested(HeadedSignerSchema), load_default=list,
                   validate=length(MAX_SIGNERS, 1),
                   metadata={"description": "Nhiều khối chữ ký in cạnh nhau (biên bản, hợp "
                                            "đồng, văn bản liên tịch), thay cho signer"})
    urgency = Text(load_default=None, allow_none=True, validate=one_of(URGENCY))
    secrecy = Text(load_default=None, allow_none=True, validate=one_of(SECRECY))
    circulation = Text(load_default=None, allow_none=True, max_length=100)
    drafter = Nested(DrafterSchema, load_default=None, allow_none=True)
    contact = Text(load_default=None, allow_none=True, max_length=300, metadata={
        "description": "Ô 13, cuối trang đầu: địa chỉ, điện thoại, fax, email, website"})
    appendices = List(Nested(AppendixSchema), load_default=list,
                      validate=length(MAX_APPENDICES), metadata={"description": "Phụ lục"})
    metadata = Nested(MetadataSchema, load_default=None, allow_none=True, metadata={
        "description": "Thông tin đầu ra theo Phụ lục VI mà văn bản không in ra"})
    sign = Nested(SignSchema, load_default=None, allow_none=True, metadata={
        "description": "Ký số PDF (chỉ với format=pdf): người ký trước, cơ quan sau"})
    copy = Nested(CopySchema, load_default=None, metadata={
        "description": "Bản sao y, sao lục, trích sao: khối sao in sau văn bản"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _per_type(self, data: dict, original: Any = None, partial: Any = None,
                  **kwargs: Any) -> None:
        doc_type = resolve(data["type"]) if isinstance(data.get("type"), str) else None
        if doc_type is None or not isinstance(original, dict):
            return
        errors = _required(doc_type, original, self.fields)
        for name, message in _refused(doc_type, original):
            errors.setdefault(name, []).append(message)
        if original.get("issuers") and original.get("issuer") is not None:
            errors.setdefault("issuers", []).append("Dùng issuer hoặc issuers, không cả hai.")
        if original.get("signers") and original.get("signer") is not None:
            errors.setdefault("signers", []).append("Dùng signer hoặc signers, không cả hai.")
        joint, signers = data.get("issuers") or [], data.get("signers") or []
        if doc_type.signature == "one" and signers and len(signers) != len(joint):
            errors.setdefault("signers", []).append(
                f"Một khối chữ ký cho mỗi cơ quan ban hành ({len(joint) or 1})."
                if joint else "Loại văn bản này có một người ký: dùng signer.")
        if doc_type.signature == "several" and 0 < len(signers) < 2:
            errors.setdefault("signers", []).append("Cần ít nhất hai khối chữ ký.")
        if data.get("number") == "auto" and data.get("symbol"):
            errors.setdefault("number", []).append(
                '"auto" không dùng cùng symbol (symbol ghi đè cả số).')
        if errors:
            raise ValidationError(errors)

    @post_load
    def _canonical_type(self, data: dict, **kwargs: Any) -> dict:
        data["type"] = resolve(data["type"]).key
        return data


_MISSING = "Thiếu trường bắt buộc."
# Fields every type of a kind has: their absence is said as for any required field.
_BASIC = frozenset({"issuer", "place", "subject", "body", "signer", "signers"})


def _required(doc_type: DocType, original: dict,
              schema_fields: dict[str, fields.Field]) -> dict[str, list[str]]:
    def absent(name: str) -> bool:
        # Not given, or an empty list; a value given but bad (null, "", a bad item, an empty
        # body) is its own field's error.
        return name not in original or (original[name] == []
                                        and isinstance(schema_fields[name], fields.List))

    errors: dict[str, list[str]] = {}
    for name in doc_type.required:
        stands_in = {"issuer": "issuers", "signer": "signers"}.get(name)
        if not absent(name) or (stands_in and not absent(stands_in)):
            continue
        errors[name] = [_MISSING if name in _BASIC else f"Bắt buộc với {doc_type.label}."]
    return errors


def _refused(doc_type: DocType, original: dict) -> list[tuple[str, str]]:
    """(field, message) for each field given that this type does not use."""
    given = {k for k, v in original.items() if v not in (None, [], False)}
    out = [(name, f"Không dùng cho {doc_type.label}.")
           for name in sorted(given & (OWN_FIELDS - doc_type.own))]
    if "to" in given and not doc_type.allows_to and "to" not in doc_type.own:
        out.append(("to", "Loại văn bản này không có phần Kính gửi."))
    if not doc_type.decides:
        out += [(name, "Chỉ dùng cho quyết định, nghị quyết.")
                for name in ("authority", "enactment") if original.get(name)]
    if "unit_code" in given and doc_type.abbrev is not None:
        out.append(("unit_code", "Chỉ dùng cho công văn (ký hiệu <cơ quan>-<đơn vị>)."))
    for name, part in (("subject", doc_type.subject), ("body", doc_type.body)):
        if part == "none" and name in given:
            out.append((name, f"{doc_type.label.capitalize()} không có phần này (Mẫu "
                              f"{doc_type.mau})."))
    if "signer" in given and doc_type.signature == "several":
        out.append(("signer", "Loại văn bản này có nhiều khối chữ ký: dùng signers."))
    return out


def _depth(blocks: list[dict]) -> int:
    return 1 + max((_depth(b["children"]) for b in blocks if b.get("children")), default=0)
