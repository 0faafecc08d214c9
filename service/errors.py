"""The one exception tree of vanban; the web layer maps each class to HTTP in one table.

    VanbanError                  public message (Vietnamese) + log detail
    ├── PayloadError             the request cannot be read (bad JSON, wrong content type, too big)
    │   ├── UploadError          an uploaded spreadsheet is unreadable or unsafe (traversal names)
    │   └── PayloadTooLarge      over a size limit
    │       ├── UploadTooLarge   a spreadsheet over its limit, packed or unpacked (zip bomb)
    │       └── BatchTooLarge    more documents in one batch than allowed
    ├── ValidationError          the payload breaks the contract; carries {field path: [messages]}
    ├── AccessError              the caller may not do this now
    │   ├── Unauthenticated      no API key, or one the service does not know
    │   ├── Forbidden            authenticated, but the request is refused (a cross-site form)
    │   └── RateLimited          over the per-key rate limit; retry after `retry_after` seconds
    ├── RenderError              a template failed to render (a server-side fault)
    ├── UnsupportedFormatError   the requested output format is not offered
    └── ConversionError          DOCX → PDF failed
        ├── ConversionTimeout    LibreOffice took longer than the per-conversion limit
        ├── ConverterBusy        the conversion queue is full; retry later
        └── ConverterUnavailable no converter process could be started
    ├── RegisterError            the register cannot do what was asked
    │   ├── NumberTaken          the số (or số ký hiệu) is already registered; names the entry
    │   └── RegisterEntryNotFound no entry has this id
    └── BatchError               a batch cannot be answered as asked
        ├── BatchNotFound        no batch has this id
        ├── BatchNotFinished     the batch's result is asked for before it is ready
        ├── QueueUnavailable     the broker of the Celery backend cannot be reached
        └── StorageFull          the disk (or database) keeping batches is full
"""

from __future__ import annotations


class VanbanError(Exception):
    """Base of every error the service raises on purpose.

    `public` is safe to show a caller (Vietnamese, for the form and the API alike);
    `detail` is for the log only.
    """

    code = "error"
    public = "Đã có lỗi xảy ra."

    def __init__(self, public: str | None = None, *, detail: str | None = None) -> None:
        if public is not None:
            self.public = public
        self.detail = detail or self.public
        super().__init__(self.detail)


class PayloadError(VanbanError):
    code = "bad_payload"
    public = "Không đọc được dữ liệu gửi lên."


class UnsupportedMediaType(PayloadError):
    code = "unsupported_media_type"
    public = "Dữ liệu phải gửi dạng application/json."


class PayloadTooLarge(PayloadError):
    code = "payload_too_large"
    public = "Dữ liệu gửi lên vượt quá dung lượng cho phép."


class UploadError(PayloadError):
    code = "bad_upload"
    public = "Không đọc được tệp tải lên (cần CSV hoặc XLSX)."


class UploadTooLarge(PayloadTooLarge):
    code = "upload_too_large"
    public = "Tệp tải lên vượt quá dung lượng cho phép."


class BatchTooLarge(PayloadTooLarge):
    code = "batch_too_large"
    public = "Lô có quá nhiều văn bản."


class ValidationError(VanbanError):
    """The payload is readable but breaks the contract; `fields` maps a dotted path to messages."""

    code = "invalid_payload"
    public = "Dữ liệu không hợp lệ."

    def __init__(self, fields: dict[str, list[str]], *, detail: str | None = None) -> None:
        self.fields = fields
        super().__init__(detail=detail or f"invalid fields: {', '.join(sorted(fields))}")


class AccessError(VanbanError):
    code = "access_denied"
    public = "Không được phép truy cập."


class Unauthenticated(AccessError):
    """401: `challenge` is the WWW-Authenticate header (RFC 6750)."""

    code = "unauthorized"
    public = ("Cần khóa API hợp lệ: gửi header Authorization: Bearer <khóa> "
              "hoặc X-API-Key: <khóa>.")

    def __init__(self, public: str | None = None, *, detail: str | None = None,
                 invalid: bool = False) -> None:
        # A wrong key is told apart from none, as RFC 6750 §3.1 asks; which key is never said.
        self.challenge = 'Bearer realm="vanban"' + (', error="invalid_token"' if invalid else "")
        super().__init__(public, detail=detail)


class Forbidden(AccessError):
    code = "forbidden"
    public = "Yêu cầu bị từ chối: không được gửi từ trang của dịch vụ này."


class RateLimited(AccessError):
    code = "rate_limited"
    public = "Gửi quá nhiều yêu cầu; vui lòng thử lại sau ít giây."

    def __init__(self, public: str | None = None, *, detail: str | None = None,
                 retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(public, detail=detail)


class RenderError(VanbanError):
    code = "render_failed"
    public = "Không tạo được tệp DOCX."


class UnsupportedFormatError(VanbanError):
    code = "unsupported_format"
    public = "Định dạng đầu ra không được hỗ trợ."


class ConversionError(VanbanError):
    code = "conversion_failed"
    public = "Không chuyển được văn bản sang PDF."


class ConversionTimeout(ConversionError):
    code = "conversion_timeout"
    public = "Chuyển sang PDF quá thời gian cho phép."


class ConverterBusy(ConversionError):
    code = "converter_busy"
    public = "Hệ thống đang bận, vui lòng thử lại sau ít giây."

    def __init__(self, public: str | None = None, *, detail: str | None = None,
                 retry_after: int = 2) -> None:
        self.retry_after = retry_after
        super().__init__(public, detail=detail)


class ConverterUnavailable(ConversionError):
    code = "converter_unavailable"
    public = "Bộ chuyển đổi PDF chưa sẵn sàng."


class BatchError(VanbanError):
    code = "batch_error"
    public = "Không xử lý được lô văn bản."


class BatchNotFound(BatchError):
    code = "batch_not_found"
    public = "Không tìm thấy lô văn bản này."


class BatchNotFinished(BatchError):
    code = "batch_not_finished"
    public = "Lô văn bản chưa xử lý xong; hãy thử lại sau."


class QueueUnavailable(BatchError):
    code = "queue_unavailable"
    public = "Hàng đợi xử lý lô chưa sẵn sàng; hãy thử lại sau ít phút."


class StorageFull(BatchError):
    code = "storage_full"
    public = ("Máy chủ đã hết chỗ lưu kết quả lô văn bản. Các văn bản đã tạo vẫn tải về được; "
              "hãy báo quản trị giải phóng dung lượng rồi tiếp tục lô.")


class RegisterError(VanbanError):
    code = "register_error"
    public = "Không thực hiện được việc đăng ký văn bản."


class NumberTaken(RegisterError):
    """409: the số or số ký hiệu is already in the register (Phụ lục VI Phần I: duplicates
    of số, ký hiệu and issuer are flagged); `entry` is the id of the entry that holds it."""

    code = "number_taken"
    public = "Số, ký hiệu này đã được đăng ký trong năm cho cơ quan ban hành này."

    def __init__(self, entry: str, *, detail: str | None = None) -> None:
        self.entry = entry
        super().__init__(detail=detail or f"number taken by register entry {entry}")


class RegisterEntryNotFound(RegisterError):
    code = "register_entry_not_found"
    public = "Không tìm thấy văn bản này trong sổ đăng ký."
