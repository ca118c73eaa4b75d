"""The shared page of every printed form: A4, embedded Vietnamese fonts, the administrative
header of Decree 30/2020/NĐ-CP, titles, labelled lines, tables, signature blocks and QR codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from motcua.records.documents import texts
from motcua.records.documents.fonts import resolve_fonts
from motcua.records.documents.formatting import clean

FAMILY = "motcua-form"
BODY_SIZE = 12.0
HEADER_SIZE = 12.0
TITLE_SIZE = 14.0
SMALL_SIZE = 10.0
LINE = 6.0  # mm per body line
MARGIN_LEFT = 25.0  # Decree 30: 30-35 mm; narrower so that the receipt fits one page
MARGIN_RIGHT = 15.0
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 15.0
HEADER_LEFT_WIDTH = 75.0


@dataclass(frozen=True)
class Signature:
    title: str
    name: str = ""
    hint: str = texts.SIGN_HINT


class FormPDF(FPDF):
    """An A4 portrait form with the embedded font family ``FAMILY`` (regular, bold, italic)."""

    def __init__(
        self, *, title: str, orientation: str = "P", compliance: str | None = None
    ) -> None:
        # compliance: e.g. "PDF/A-2B" (fpdf2 then adds the sRGB output intent and XMP metadata).
        super().__init__(
            orientation=orientation, unit="mm", format="A4", enforce_compliance=compliance
        )
        fonts = resolve_fonts()
        self.add_font(FAMILY, "", fonts.regular)
        self.add_font(FAMILY, "B", fonts.bold)
        self.add_font(FAMILY, "I", fonts.italic)
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.set_title(clean(title))
        self.set_lang("vi")
        self.set_creator("motcua")
        self.set_font(FAMILY, size=BODY_SIZE)
        self.add_page()

    # ---- pages -----------------------------------------------------------------------------------
    def header(self) -> None:
        """From the second page on, the page number at the top centre (Decree 30)."""
        if self.page_no() > 1:
            family, style, size = self.font_family, self.font_style, self.font_size_pt
            self.set_font(FAMILY, "", SMALL_SIZE)
            self.set_y(MARGIN_TOP / 2)
            self.cell(0, 4, texts.PAGE.format(page=self.page_no()), align=Align.C)
            self.set_font(family, style, size)
            self.set_y(MARGIN_TOP)

    @property
    def content_width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def output_bytes(self) -> bytes:
        return bytes(self.output())

    # ---- text ------------------------------------------------------------------------------------
    def use(self, style: str = "", size: float = BODY_SIZE) -> None:
        self.set_font(FAMILY, style, size)

    def fitted_size(
        self,
        text: str,
        width: float,
        *,
        style: str = "",
        size: float = HEADER_SIZE,
        smallest: float = 9.0,
    ) -> float:
        """The largest size ≤ ``size`` (down to ``smallest``) at which ``text`` fits on one
        line; longer text wraps at ``smallest``."""
        while size > smallest:
            self.set_font(FAMILY, style, size)
            if self.get_string_width(text) <= width - 2:
                break
            size -= 0.5
        return size

    def centered(
        self,
        text: str,
        *,
        width: float,
        x: float,
        style: str = "",
        size: float = BODY_SIZE,
        h: float = 5.5,
    ) -> None:
        self.set_font(FAMILY, style, size)
        self.set_x(x)
        self.multi_cell(width, h, clean(text), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def rule(self, *, x_center: float, width: float, gap: float = 0.8) -> None:
        y = self.get_y() + gap
        self.set_line_width(0.3)
        self.line(x_center - width / 2, y, x_center + width / 2, y)
        self.set_y(y + 0.5)

    def admin_header(
        self, *, upper: str, agency: str, number: str | None, place_date: str | None
    ) -> None:
        """Left: governing body and agency; right: the national motto; then number and date."""
        left_x, top = self.l_margin, self.get_y()
        left_w = HEADER_LEFT_WIDTH
        right_x, right_w = left_x + left_w, self.content_width - left_w

        self.set_xy(left_x, top)
        if upper:
            size = self.fitted_size(upper, left_w, size=HEADER_SIZE, smallest=10.5)
            committee = texts.PEOPLES_COMMITTEE.upper() + " "
            if self.get_string_width(upper) > left_w - 2 and upper.startswith(committee):
                # "UBND TỈNH …" on one line rather than a wrapped governing body.
                upper = "UBND " + upper[len(committee) :]
                size = self.fitted_size(upper, left_w, size=HEADER_SIZE, smallest=10.5)
            self.centered(upper, width=left_w, x=left_x, size=size)
        size = self.fitted_size(agency, left_w, style="B", size=HEADER_SIZE, smallest=10.5)
        self.centered(agency, width=left_w, x=left_x, style="B", size=size)
        self.rule(x_center=left_x + left_w / 2, width=22)
        left_bottom = self.get_y()

        self.set_xy(right_x, top)
        size = self.fitted_size(texts.MOTTO_COUNTRY, right_w, style="B")
        self.centered(texts.MOTTO_COUNTRY, width=right_w, x=right_x, style="B", size=size)
        self.centered(texts.MOTTO_VALUES, width=right_w, x=right_x, style="B", size=size + 1)
        self.rule(x_center=right_x + right_w / 2, width=self.get_string_width(texts.MOTTO_VALUES))
        right_bottom = self.get_y()

        y = max(left_bottom, right_bottom) + 2.5
        if number is not None:
            self.set_xy(left_x, y)
            self.centered(
                texts.NUMBER.format(number=number), width=left_w, x=left_x, size=HEADER_SIZE
            )
        if place_date is not None:
            self.set_xy(right_x, y)
            self.centered(place_date, width=right_w, x=right_x, style="I", size=HEADER_SIZE)
        self.set_xy(left_x, y + (7 if number is not None or place_date is not None else 0))
        self.use()

    def form_title(self, text: str, *, subtitle: str | None = None) -> None:
        self.ln(4)
        self.centered(
            text, width=self.content_width, x=self.l_margin, style="B", size=TITLE_SIZE, h=7
        )
        if subtitle:
            self.centered(
                subtitle, width=self.content_width, x=self.l_margin, style="B", size=BODY_SIZE
            )
        self.ln(3)
        self.use()

    def field(self, label: str, value: str, *, bold: bool = False) -> None:
        """``Label: value`` flowing over as many lines as needed."""
        self.set_x(self.l_margin)
        self.use()
        self.write(LINE, f"{clean(label)}: ")
        self.use("B" if bold else "")
        self.write(LINE, clean(value))
        self.use()
        self.ln(LINE)

    def fields_inline(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Several short ``Label: value`` pairs on one line (phone and e-mail)."""
        self.set_x(self.l_margin)
        self.use()
        for index, (label, value) in enumerate(pairs):
            if index:
                self.write(LINE, "    ")
            self.write(LINE, f"{clean(label)}: {clean(value)}")
        self.ln(LINE)

    def paragraph(
        self,
        text: str,
        *,
        style: str = "",
        size: float = BODY_SIZE,
        align: Align = Align.J,
        after: float = 0.0,
    ) -> None:
        self.set_x(self.l_margin)
        self.use(style, size)
        self.multi_cell(0, LINE, clean(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.use()
        if after:
            self.ln(after)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        aligns: Sequence[str],
        size: float = BODY_SIZE - 1,
    ) -> None:
        self.use("", size)
        with super().table(
            align=Align.L,
            col_widths=tuple(widths),
            width=self.content_width,
            text_align=tuple(aligns),
            line_height=size * 0.5,
            padding=1.2,
            headings_style=FontFace(emphasis="BOLD"),
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            heading_row = table.row()
            for heading in headings:
                heading_row.cell(clean(heading), align=Align.C)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(clean(value))
        self.use()

    def signatures(self, blocks: Sequence[Signature], *, space: float = 24.0) -> None:
        """Signature blocks side by side, titles bold, hints italic, names bold underneath."""
        self.ensure_space(space + 22)
        self.ln(4)
        top = self.get_y()
        width = self.content_width / max(len(blocks), 1)
        bottom = top
        for index, block in enumerate(blocks):
            x = self.l_margin + index * width
            self.set_xy(x, top)
            self.centered(block.title, width=width, x=x, style="B")
            self.centered(block.hint, width=width, x=x, style="I", size=SMALL_SIZE + 1)
            self.set_y(self.get_y() + space)
            if block.name:
                self.centered(block.name, width=width, x=x, style="B")
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom)
        self.use()

    # ---- QR code ---------------------------------------------------------------------------------
    def qr(self, data: str, *, x: float, y: float, size: float) -> None:
        """A vector QR code (error correction M, 4-module quiet zone) drawn as filled runs."""
        code = segno.make(data, error="m", micro=False)
        matrix = code.matrix
        modules = len(matrix) + 8
        cell = size / modules
        self.set_fill_color(255, 255, 255)
        self.rect(x, y, size, size, style="F")
        self.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(matrix):
            column = 0
            while column < len(row):
                if row[column]:
                    start = column
                    while column < len(row) and row[column]:
                        column += 1
                    self.rect(
                        x + (start + 4) * cell,
                        y + (row_index + 4) * cell,
                        (column - start) * cell,
                        cell,
                        style="F",
                    )
                else:
                    column += 1
