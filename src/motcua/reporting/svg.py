"""Charts as inline SVG rendered on the server: no JavaScript library, no CDN. Every label is
escaped; every chart has a <title> and the numbers are also in a table next to it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#57606a")


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    bar_height: int = 18,
    label_width: int = 200,
    color: str = PALETTE[0],
    suffix: str = "",
) -> SafeString:
    """Horizontal bars, one per item, with the value at the end of the bar."""
    gap = 6
    height = max(1, len(items)) * (bar_height + gap) + gap
    top = max((value for _label, value in items), default=0) or 1
    span = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="rp-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = gap + index * (bar_height + gap)
        length = round(span * value / top, 1)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end" '
            f'font-size="12">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{color}"><title>{escape(label)}: {escape(_fmt(value))}{escape(suffix)}</title></rect>'
            f'<text x="{label_width + length + 4}" y="{y + bar_height - 5}" font-size="12">'
            f"{escape(_fmt(value))}{escape(suffix)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic part is escaped above


def column_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    width: int = 560,
    height: int = 200,
    maximum: float = 100.0,
    color: str = PALETTE[1],
    suffix: str = "%",
) -> SafeString:
    """Vertical columns (e.g. the on-time rate per month, 0-100 %); None = no data (no column)."""
    bottom, top_pad, left = 24, 16, 30
    inner = height - bottom - top_pad
    slot = (width - left) / max(1, len(items))
    bar = max(4.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="rp-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8c959f"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" font-size="10">{_fmt(maximum)}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="10">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        x = left + index * slot + (slot - bar) / 2
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="10">'
            f"{escape(label)}</text>"
        )
        if value is None:
            continue
        h = inner * min(value, maximum) / maximum
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(label)}: {escape(_fmt(value))}{escape(suffix)}</title></rect>"
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="9">'
            f"{escape(_fmt(value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic part is escaped above


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def legend(items: Sequence[tuple[str, str]]) -> SafeString:
    return mark_safe(  # noqa: S308 - format_html escapes
        "".join(
            str(
                format_html(
                    '<span class="rp-key"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{}"/></svg>{}</span>',
                    c,
                    t,
                )
            )
            for c, t in items
        )
    )
