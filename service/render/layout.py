"""The contract between the templates and the renderer: the named styles each element uses.

Sizes, fonts and spacing live in the templates' styles (editable in Word); code only picks the
style by name. The geometry below is what scripts/build_templates.py lays down; the renderer
reads widths back from the document, so a restyled template keeps working.
"""

FONT = "Times New Roman"

BODY = "VB Nội dung"
PART_LABEL = "VB Phần, chương"
PART_TITLE = "VB Tên phần, chương"
HEADING = {1: "VB Đề mục I", 2: "VB Đề mục 1", 3: "VB Đề mục a"}
ITEM = "VB Đoạn đánh số"
BULLET = "VB Gạch đầu dòng"
ARTICLE = "VB Điều"
ARTICLE_TITLE = "VB Điều có tiêu đề"
BASIS = "VB Căn cứ"
ENACTMENT = "VB Quyết định"
AUTHORITY = "VB Thẩm quyền ban hành"
TYPE_NAME = "VB Tên loại"
SUBJECT = "VB Trích yếu"
PARENT = "VB Cơ quan chủ quản"
ISSUER = "VB Cơ quan ban hành"
NATIONAL = "VB Quốc hiệu"
MOTTO = "VB Tiêu ngữ"
NUMBER = "VB Số ký hiệu"
DATE = "VB Địa danh ngày"
SUBJECT_LETTER = "VB Trích yếu công văn"
TO_ONE = "VB Kính gửi"
TO_LIST = "VB Kính gửi nhiều nơi"
TO_ITEM = "VB Kính gửi nơi tiếp theo"
RECIPIENTS_LABEL = "VB Nơi nhận"
RECIPIENT = "VB Nơi nhận mục"
SIGNER_TITLE = "VB Chức vụ người ký"
SIGNER_NAME = "VB Họ tên người ký"
PAGE_NUMBER = "VB Số trang"
CONTACT = "VB Thông tin liên hệ"
APPENDIX_LABEL = "VB Phụ lục"
APPENDIX_TITLE = "VB Tên phụ lục"
APPENDIX_REFERENCE = "VB Kèm theo"
STAMP = "VB Dấu mức độ"
CIRCULATION = "VB Phạm vi lưu hành"
SENDER = "VB Dòng điện"                 # công điện: "<SENDER> điện:" (Mẫu 1.6)
INFO = "VB Dòng thông tin"              # a Mẫu's own lines: "Thời gian: …", "Địa điểm: …"
LIST_ITEM = "VB Mục liệt kê"            # "- …;" lines under such a line or the điện line
PARTY = "VB Bên ký kết"                 # "BÊN A: <name>" of an agreement
CONFIRMATION = "VB Xác nhận"            # giấy nghỉ phép: the confirmation box (Mẫu 1.10)
COPY_FORM = "VB Hình thức sao"          # SAO Y, SAO LỤC, TRÍCH SAO (Mẫu 3.1)
ATTACHMENT_START = "VB Đầu văn bản kèm theo"   # where an attached quy chế's section begins
SPACER = "VB Khoảng cách"               # 2 pt between tables Word would otherwise join
TABLE_TEXT = "VB Chữ trong bảng"
TABLE_SLOT = "VB Chỗ đặt bảng"
TABLE_STYLE = "Table Grid"
RULE_ISSUER = "VB Kẻ dưới cơ quan"
RULE_MOTTO = "VB Kẻ dưới tiêu ngữ"
RULE_SUBJECT = "VB Kẻ dưới trích yếu"
RULE_APPENDIX = "VB Kẻ dưới phụ lục"
RULE_TYPE_NAME = "VB Kẻ dưới tên loại"  # giấy giới thiệu, giấy nghỉ phép: no trích yếu (§3.6)
RULE_COPY = "VB Kẻ trên bản sao"        # the full-width rule over a copy block (§2)

# Paragraph kind (service.model.document.Paragraph.kind) → style.
BODY_STYLES = {
    "part": PART_LABEL, "heading1": HEADING[1], "heading2": HEADING[2], "heading3": HEADING[3],
    "item": ITEM, "text": BODY, "bullet": BULLET, "article_title": ARTICLE_TITLE,
    "article": ARTICLE, "table": TABLE_SLOT,
}

# Centred lines that break into even lines when too long (service.render.breaks).
BALANCED = (PARENT, ISSUER, SUBJECT, SUBJECT_LETTER, APPENDIX_TITLE, APPENDIX_REFERENCE)

# Ô 4 shrinks to this before it breaks (nd30-spec §3.1: 13–14 pt), and the header's columns
# give way to it down to this width (nd30-spec §9: the left column ≈ 6.5–6.9 cm).
DATE_SMALLEST_PT = 13
HEADER_COLUMN_SMALLEST = 3685

# Rule lengths as a share of the text above (nd30-spec §3.2, §3.3, §3.6).
RULE_SHARE = {RULE_ISSUER: 0.4, RULE_MOTTO: 1.0, RULE_SUBJECT: 0.35, RULE_APPENDIX: 0.35,
              RULE_TYPE_NAME: 0.4}
RULE_MEASURES = {RULE_ISSUER: ISSUER, RULE_MOTTO: MOTTO, RULE_SUBJECT: SUBJECT,
                 RULE_APPENDIX: APPENDIX_TITLE, RULE_TYPE_NAME: TYPE_NAME}

# Geometry laid down by the stock templates, in twips (nd30-spec §7, §3.10, §9).
TABLE_INDENT = -426                 # into the left margin, as the Mẫu tables do
HEADER_COLUMNS = (3828, 5953)       # right column fits the Quốc hiệu at 13 pt on one line
FOOTER_COLUMNS = (3600, 6181)
CELL_MARGIN = 57
FOOTER_TOP = 240
CONFIRMATION_BOX = (4820, 1984)     # giấy nghỉ phép's box: 85 × 35 mm
TO_INDENT = 1701                    # "Kính gửi:" starts 3 cm in
TO_LABEL = 1361                     # and the list lines up after its colon
