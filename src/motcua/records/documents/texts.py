"""The fixed Vietnamese wording of the forms, in one place.

These are legal forms: they are printed in Vietnamese whatever the user's interface language,
so their wording is deliberately *not* passed through gettext (translating a form title would
make a different document). Field values come from the database; only the fixed text lives here.
Sources and the status of each form are in docs/forms.md.
"""

from __future__ import annotations

# ---- administrative header (Decree 30/2020/NĐ-CP layout) ----------------------------------------
MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_VALUES = "Độc lập - Tự do - Hạnh phúc"
PEOPLES_COMMITTEE = "Ủy ban nhân dân"
NUMBER = "Số: {number}"
NUMBER_BLANK = "……"  # filled in by the clerical office when the number is not in the system
DATE_LINE = "{place}, ngày {day} tháng {month} năm {year}"
PAGE = "Trang {page}"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SIGN_HINT_SEAL = "(Ký, ghi rõ họ tên và đóng dấu)"

# ---- titles ----------------------------------------------------------------------------------------
RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
GUIDANCE_TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
REFUSAL_TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
APOLOGY_TITLE = "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
STOP_TITLE = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
CONTROL_TITLE = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
BOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"

# Document number suffixes (Số …/TNHS etc.).
SUFFIX_RECEIPT = "TNHS"
SUFFIX_GUIDANCE = "HDHS"
SUFFIX_REFUSAL = "TCHS"

# ---- common labels -----------------------------------------------------------------------------
RECORD_CODE = "Mã hồ sơ"
PORTAL_CODE = "Mã hồ sơ trên Cổng dịch vụ công"
RECEIVING_UNIT = "Bộ phận tiếp nhận và trả kết quả"
APPLICANT_RECEIVED_FROM = "Tiếp nhận hồ sơ của"
APPLICANT_DOSSIER_OF = "Hồ sơ của"
ADDRESS = "Địa chỉ"
PHONE = "Số điện thoại"
EMAIL = "Email"
REQUEST_CONTENT = "Nội dung yêu cầu giải quyết"
PROCEDURE = "Thủ tục hành chính"
REASON = "Lý do"
DESK_UNIT_FALLBACK = "Bộ phận Một cửa"
APPLICANT = "Người nộp hồ sơ"
TO = "Kính gửi"

# Document forms (bản chính / bản sao / bản chụp).
COPY_KINDS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao có chứng thực",
    "copy": "Bản chụp",
    "electronic": "Bản điện tử",
    "either": "Bản chính hoặc bản sao",
}
DOCS_HEADINGS = ("TT", "Tên giấy tờ", "Hình thức (bản chính, bản sao hoặc bản chụp)", "Số lượng")

# ---- Form 01: receipt -------------------------------------------------------------------------
RECEIPT_DOCS = "1. Thành phần hồ sơ nộp gồm:"
RECEIPT_NO_DOCS = "(Hồ sơ nộp trực tuyến: thành phần hồ sơ theo Cổng dịch vụ công.)"
RECEIPT_SETS = "2. Số lượng hồ sơ: {sets} (bộ)"
RECEIPT_DURATION = "3. Thời gian giải quyết theo quy định: {duration}"
RECEIPT_RECEIVED = "4. Thời gian nhận hồ sơ: {at}"
RECEIPT_APPOINTMENT = "5. Thời gian trả kết quả giải quyết hồ sơ: {at}"
RECEIPT_RETURN_AT = "6. Đăng ký nhận kết quả tại: {place}"
RECEIPT_FEES = "7. Phí, lệ phí phải nộp: {amount}"
RECEIPT_NO_FEES = "Không"
RECEIPT_BOOK = "Vào Sổ theo dõi hồ sơ, Quyển số: {book}, Số thứ tự: {number}"
RECEIPT_QR = "Quét mã QR để tra cứu tình trạng hồ sơ và đánh giá chất lượng giải quyết"
# A receipt printed by a user who sees the record masked: the QR code has no lookup secret.
RECEIPT_QR_CODE_ONLY = (
    "Quét mã QR để tra cứu tình trạng hồ sơ (nhập 4 số cuối số điện thoại hoặc giấy tờ tùy thân)"
)
RECEIPT_SIGNER_APPLICANT = "NGƯỜI NỘP HỒ SƠ"
RECEIPT_SIGNER_OFFICER = "NGƯỜI TIẾP NHẬN HỒ SƠ"
RETURN_AT_DESK = "{desk}, {agency}"
RETURN_BY_POST = "Qua dịch vụ bưu chính công ích, tại địa chỉ: {address}"
RETURN_ELECTRONIC = "Trực tuyến, qua Cổng dịch vụ công hoặc thư điện tử"

DURATION_UNITS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}
DURATION_SAME_DAY = "trong ngày làm việc"

# ---- Form 02: guidance / supplement -------------------------------------------------------------
GUIDANCE_INTRO = "Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"
GUIDANCE_CONTACT = (
    "Trong quá trình bổ sung, hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
    "{officer}{phone} để được hướng dẫn./."
)
GUIDANCE_CONTACT_PHONE = ", số điện thoại {phone},"
GUIDANCE_DURING_PROCESSING = (
    "Hồ sơ đã được tiếp nhận ngày {received}; trong quá trình giải quyết, {unit} yêu cầu bổ sung, "
    "hoàn thiện hồ sơ (lần {round}). Ông/Bà nộp phần bổ sung tại {desk}."
)
GUIDANCE_SIGNER = "NGƯỜI HƯỚNG DẪN"
GUIDANCE_FORM_BLANK = "Theo quy định"

# ---- Form 03: refusal -------------------------------------------------------------------------
REFUSAL_BODY = (
    "Qua xem xét, đối chiếu quy định hiện hành, {unit} thông báo không tiếp nhận, giải quyết hồ sơ "
    "này với lý do cụ thể như sau:"
)
REFUSAL_CLOSING = "Xin thông báo cho Ông/Bà được biết và thực hiện./."
REFUSAL_SIGNER = "NGƯỜI TIẾP NHẬN HỒ SƠ"

# ---- Form 04: apology and extension -------------------------------------------------------------
APOLOGY_BODY = (
    "Ngày {received}, {agency} tiếp nhận hồ sơ đề nghị giải quyết thủ tục “{procedure}” của "
    "Ông/Bà/Tổ chức {applicant}, mã hồ sơ {code}."
)
APOLOGY_PREVIOUS = "Thời gian hẹn trả kết quả giải quyết hồ sơ: {at}."
APOLOGY_REASON = (
    "Tuy nhiên, đến nay {agency} chưa trả kết quả giải quyết hồ sơ đúng hẹn. Lý do: {reason}"
)
APOLOGY_TEXT = (
    "Sự chậm trễ này có thể gây phiền hà, tốn kém thời gian và chi phí đi lại của Ông/Bà/Tổ chức. "
    "{agency} thành thật xin lỗi Ông/Bà/Tổ chức và đề nghị gia hạn thời gian giải quyết; kết quả "
    "giải quyết hồ sơ sẽ được trả vào: {at}."
)
APOLOGY_THANKS = "Xin trân trọng cảm ơn./."
APOLOGY_SIGNER = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
APOLOGY_ISSUED_BY = "Người lập: {name}"

# ---- Form 05: stop notice -----------------------------------------------------------------------
STOP_BODY = (
    "{agency} thông báo dừng giải quyết hồ sơ đề nghị giải quyết thủ tục “{procedure}” của "
    "Ông/Bà/Tổ chức {applicant}, mã hồ sơ {code}, tiếp nhận ngày {received}."
)
STOP_REASON = "Lý do dừng giải quyết: {reason}"
STOP_CLOSING = "Xin thông báo để Ông/Bà/Tổ chức được biết./."
STOP_SIGNER = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"

# ---- Form 06: control sheet ---------------------------------------------------------------------
CONTROL_ATTACHED_TO = "Kèm theo hồ sơ của"
CONTROL_RECEIVED = "Ngày nhận hồ sơ"
CONTROL_APPOINTMENT = "Ngày hẹn trả kết quả"
CONTROL_FIRST_APPOINTMENT = "(hẹn lần đầu: {at})"
CONTROL_HEADINGS = (
    "TT",
    "TÊN CƠ QUAN, ĐƠN VỊ",
    "THỜI GIAN GIAO, NHẬN HỒ SƠ",
    "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
    "GHI CHÚ",
)
CONTROL_GIVE = "1. Giao: {unit}"
CONTROL_TAKE = "2. Nhận: {unit}"
CONTROL_GIVER = "Người giao: {name}"
CONTROL_TAKER = "Người nhận: {name}"
CONTROL_EMPTY = "(Chưa có bước giao, nhận nào.)"
TIMELINESS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
CONTROL_NOTES = {
    "record.received": "Tiếp nhận, chuyển xử lý",
    "record.forwarded": "Chuyển bước tiếp theo",
    "record.sent_back": "Trả lại bước trước: {note}",
    "record.opinion_requested": "Xin ý kiến: {note}",
    "record.opinion_given": "Cho ý kiến: {note}",
    "record.supplement_requested": "Yêu cầu bổ sung hồ sơ: {note}",
    "record.supplement_received": "Nhận hồ sơ bổ sung",
    "record.approved": "Phê duyệt kết quả",
    "record.result_ready": "Có kết quả giải quyết",
    "record.returned": "Trả kết quả ({method})",
    "record.stopped": "Dừng giải quyết: {note}",
    "record.withdrawn": "Rút hồ sơ theo đề nghị: {note}",
}
RETURN_METHODS = {
    "desk": "tại Bộ phận Một cửa",
    "postal": "qua bưu chính",
    "electronic": "trực tuyến",
}

# ---- Form 07: tracking book ---------------------------------------------------------------------
BOOK_PERIOD = "Từ ngày {start} đến ngày {end}"
BOOK_HEADINGS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức; địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày, tháng, năm nhận hồ sơ",
    "Ngày, tháng, năm hẹn trả kết quả",
    "Ngày, tháng, năm chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày, tháng, năm nhận kết quả từ cơ quan giải quyết",
    "Ngày, tháng, năm trả kết quả cho cá nhân, tổ chức",
    "Ký nhận",
    "Ghi chú",
)
BOOK_NOTES = {
    "stopped": "Dừng giải quyết: {reason}",
    "withdrawn": "Rút hồ sơ: {reason}",
    "supplements": "Bổ sung {count} lần",
    "extensions": "Gia hạn {count} lần",
    "timeliness": "Kết quả: {label}",
}
BOOK_SHEET = "Sổ theo dõi"
