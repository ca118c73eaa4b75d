"""Fixed Vietnamese wording printed on result documents (the documents are Vietnamese
administrative texts whatever the UI language, like the forms in records/documents/texts.py)."""

from __future__ import annotations

TITLES = {
    "decision": "QUYẾT ĐỊNH",
    "certificate": "GIẤY CHỨNG NHẬN",
    "permit": "GIẤY PHÉP",
    "other": "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
}
SUBJECT = {
    "decision": "Về việc giải quyết thủ tục: {procedure}",
    "certificate": "Chứng nhận kết quả thủ tục: {procedure}",
    "permit": "Cấp phép theo thủ tục: {procedure}",
    "other": "Thủ tục: {procedure}",
}
BASIS_HEADING = "Căn cứ pháp lý:"
BASIS_NONE = "Theo quy định hiện hành về thủ tục hành chính."
DECIDES = {
    "decision": "QUYẾT ĐỊNH:",
    "certificate": "CHỨNG NHẬN:",
    "permit": "CHO PHÉP:",
    "other": "KẾT QUẢ:",
}
ARTICLE_1 = "Điều 1. {content}"
ARTICLE_2 = "Điều 2. Văn bản này có hiệu lực kể từ ngày ký."
DEFAULT_CONTENT = (
    "Giải quyết yêu cầu của {applicant} ({id_label}: {id_number}) theo hồ sơ số {record}."
)
ID_LABEL = "số định danh"
RECORD_CODE = "Mã hồ sơ"
RESULT_CODE = "Mã kết quả"
APPLICANT = "Người yêu cầu"
QR_HINT = "Quét mã để xác minh văn bản điện tử"
LEADER_TITLE = "GIÁM ĐỐC"
LEADER_TITLE_DEPUTY = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
DEMO_NOTE = "Văn bản minh họa (DEMO) — không có giá trị pháp lý."
COPY_MARK = "SAO Y BẢN ĐIỆN TỬ — {agency} — {at}"
