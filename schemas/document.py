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
    List,
    Nested,
    Number,
    Text,
    deeper_than,
    length,
    limit,
    max_nesting,
    one_of,
)
from schemas.registry import ALIASES, TYPES, resolve

MAX_DEPTH = 6       # the default of settings.limits.depth (VANBAN_LIMITS_DEPTH)
SIGNER_MODES = ["TM", "KT", "Q", "TL", "TUQ"]
URGENCY = ["khan", "thuong_khan", "hoa_toc"]
SECRECY = ["mat", "toi_mat", "tuyet_mat"]


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
    copies = fields.Integer(load_default=None, allow_none=True, strict=True,
                            validate=lambda n: n > 0,
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
    widths = List(fields.Float(validate=lambda w: w > 0), load_default=None, allow_none=True)

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


class DocumentSchema(BodyDepth):
    """Văn bản hành chính: everything a Mẫu of nd30-spec §6 shows, by its contract name."""

    type = Text(required=True, validate=one_of([*TYPES, *ALIASES]),
                metadata={"description": "Loại văn bản: " + ", ".join([*TYPES, *ALIASES])})
    issuer = Nested(IssuerSchema, required=True)
    number = Number(load_default=None, allow_none=True,
                    metadata={"description": "Số; bỏ trống để văn thư ghi tay"})
    symbol = Text(load_default=None, allow_none=True, max_length=60,
                  metadata={"description": "Ghi đè cả số và ký hiệu, ví dụ 63/2025/QĐ-UBND"})
    unit_code = Code(load_default=None, allow_none=True,
                     metadata={"description": "Công văn: đơn vị soạn thảo trong ký hiệu"})
    place = Text(required=True, max_length=100)
    date = DateText(load_default=None, allow_none=True,
                    metadata={"description": "YYYY-MM-DD, YYYY-MM, YYYY hoặc null"})
    subject = Text(required=True, max_length=1000, metadata={"description": "Trích yếu"})
    to = List(Text(max_length=500), load_default=list, validate=length(100),
              metadata={"description": "Kính gửi"})
    authority = Text(load_default=None, allow_none=True, max_length=300,
                     metadata={"description": "Quyết định: thẩm quyền ban hành"})
    bases = List(Text(max_length=2000), load_default=list, validate=length(100),
                 metadata={"description": "Căn cứ ban hành"})
    enactment = Text(allow_none=True, max_length=2000,
                     metadata={"description": "Quyết định: dòng 'QUYẾT ĐỊNH:' (null: bỏ)"})
    body = Body(required=True, metadata={
        "description": "Nội dung: danh sách khối, hoặc văn bản dán từ Word (I., 1., a), -, +, "
                       "Điều N. cho cấu trúc)",
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"oneOf": _BLOCK_REFS}}]})
    recipients = List(Text(max_length=500), load_default=list, validate=length("recipients"),
                      metadata={"description": "Nơi nhận"})
    archive = Text(load_default=None, allow_none=True, max_length=200,
                   metadata={"description": "Lưu: VT, …"})
    signer = Nested(SignerSchema, required=True)
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

    @validates_schema(skip_on_field_errors=False)
    def _per_type(self, data: dict, partial: Any = None, **kwargs: Any) -> None:
        doc_type = resolve(data["type"]) if isinstance(data.get("type"), str) else None
        if doc_type is None:
            return
        errors: dict[str, list[str]] = {}
        for name in doc_type.required:
            # Always-required fields are reported by the field itself; here only per-type ones.
            if not self.fields[name].required and not data.get(name):
                label = (doc_type.name or "CÔNG VĂN").lower()
                errors[name] = [f"Bắt buộc với {label}."]
        if data.get("to") and not doc_type.allows_to:
            errors["to"] = ["Loại văn bản này không có phần Kính gửi."]
        if doc_type.numbering != "articles":
            for name in ("authority", "enactment"):
                if data.get(name):
                    errors[name] = ["Chỉ dùng cho quyết định."]
        if data.get("unit_code") and doc_type.abbrev is not None:
            errors["unit_code"] = ["Chỉ dùng cho công văn (ký hiệu <cơ quan>-<đơn vị>)."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _canonical_type(self, data: dict, **kwargs: Any) -> dict:
        data["type"] = resolve(data["type"]).key
        return data


def _depth(blocks: list[dict]) -> int:
    return 1 + max((_depth(b["children"]) for b in blocks if b.get("children")), default=0)
