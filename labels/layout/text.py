"""Fit text lines into a box, so that each one is legible or reported as dropped.

Text shrinks (never below ``MIN_TEXT_PT``), then wraps, then is cut with an ellipsis; lines
that still do not fit vertically are dropped, least important first (small, then body), and
returned so that the layout lists them in ``LabelLayout.dropped``.
"""

from __future__ import annotations

import math

from labels.content import Role, TextLine
from labels.layout.items import TextItem
from workshop import fonts

MIN_TEXT_PT = 5.0
BASE_PT = {Role.TITLE: 10.0, Role.BODY: 7.5, Role.SMALL: 6.5, Role.PRICE: 11.0}
MAX_LINES = {Role.TITLE: 2, Role.BODY: 2, Role.SMALL: 1, Role.PRICE: 2}
BOLD_ROLES = frozenset({Role.TITLE, Role.PRICE})


def _char_widths(text: str, bold: bool) -> list[float]:
    widths = fonts.metrics(bold).widths
    return [widths.get(ord(c), 0.6) for c in text]


def _prefix_fit(widths: list[float], limit_em: float) -> int:
    total = 0.0
    for i, w in enumerate(widths):
        total += w
        if total > limit_em:
            return i
    return len(widths)


def ellipsize(text: str, width_mm: float, size_pt: float, bold: bool) -> str:
    """``text`` if it fits, else its longest fitting prefix followed by '…' (or '')."""
    m = fonts.metrics(bold)
    limit = width_mm / (size_pt * fonts.PT_TO_MM)
    if m.width_em(text) <= limit:
        return text
    room = limit - m.width_em(fonts.ELLIPSIS)
    if room < 0:
        return ""
    k = _prefix_fit(_char_widths(text, bold), room)
    return text[:k].rstrip() + fonts.ELLIPSIS


def wrap(text: str, width_mm: float, size_pt: float, bold: bool, max_lines: int) -> list[str]:
    """Greedy word wrap in at most ``max_lines``; the last line is ellipsised if text remains."""
    m = fonts.metrics(bold)
    limit = width_mm / (size_pt * fonts.PT_TO_MM)
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if m.width_em(rest) <= limit:
            lines.append(rest)
            break
        if len(lines) == max_lines - 1:
            cut = ellipsize(rest, width_mm, size_pt, bold)
            if cut:
                lines.append(cut)
            break
        k = _prefix_fit(_char_widths(rest, bold), limit)
        if k == 0:
            break
        space = rest.rfind(" ", 0, k + 1)
        if space > 0:
            line, rest = rest[:space], rest[space + 1 :]
        else:
            line, rest = rest[:k], rest[k:]
        lines.append(line.rstrip())
        rest = rest.lstrip()
    return [line for line in lines if line]


def fit_line(
    text: str, width_mm: float, size_pt: float, bold: bool, max_lines: int, shrink: float = 0.75
) -> tuple[float, list[str]]:
    """Shrink (to ``shrink`` × size, not below MIN_TEXT_PT), then wrap, then ellipsise."""
    m = fonts.metrics(bold)
    floor = max(MIN_TEXT_PT, size_pt * shrink)
    em = m.width_em(text)
    if em * size_pt * fonts.PT_TO_MM <= width_mm:
        return size_pt, [text]
    needed = math.floor(width_mm / (em * fonts.PT_TO_MM) * 4) / 4  # quarter points
    if needed >= floor:
        return needed, [text]
    return floor, wrap(text, width_mm, floor, bold, max_lines)


def _fit_at_scale(lines: list[TextLine], width: float, scale: float):
    placed = []
    height = 0.0
    at_floor = True
    for line in lines:
        nominal = BASE_PT[line.role] * scale
        if nominal > MIN_TEXT_PT + 1e-9:
            at_floor = False
        nominal = max(MIN_TEXT_PT, nominal)
        bold = line.role in BOLD_ROLES
        shrink = 0.0 if line.role is Role.PRICE else 0.75  # a price shrinks before it wraps
        size, parts = fit_line(line.text, width, nominal, bold, MAX_LINES[line.role], shrink)
        placed.append((line, size, bold, parts))
        height += fonts.line_height_mm(size) * len(parts)
    return placed, height, at_floor


def _best_fit(lines: list[TextLine], width: float, height: float, hi: float, lo: float):
    """Largest scale in [lo, hi] (bisection, 6 steps) whose text fits the height; or None."""
    placed, total, _ = _fit_at_scale(lines, width, hi)
    if total <= height + 1e-9:
        return placed
    best, total, _ = _fit_at_scale(lines, width, lo)
    if total > height + 1e-9:
        return None
    for _ in range(6):
        mid = (lo + hi) / 2
        placed, total, _ = _fit_at_scale(lines, width, mid)
        if total <= height + 1e-9:
            best, lo = placed, mid
        else:
            hi = mid
    return best


def _drop_candidate(lines: list[TextLine]) -> int | None:
    for role in (Role.SMALL, Role.BODY):
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].role == role and not lines[i].essential:
                return i
    if len(lines) > 1:
        return len(lines) - 1
    return None


def fit_block(
    lines: list[TextLine], x: float, top: float, width: float, height: float, scale: float
) -> tuple[list[TextItem], list[str]]:
    """Lay text lines out top-down in the box; returns the items and the dropped lines."""
    lines = [TextLine(fonts.sanitize(li.text), li.role, li.keep) for li in lines]
    lines = [li for li in lines if li.text]
    dropped: list[str] = []
    if width <= 0 or height <= 0:
        return [], [li.text for li in lines]
    min_scale = MIN_TEXT_PT / max(BASE_PT[li.role] for li in lines) if lines else 1.0
    while lines:
        placed = _best_fit(lines, width, height, min(scale, max(scale, min_scale)), min_scale)
        if placed is not None:
            items = []
            y = top
            for line, size, bold, parts in placed:
                for part in parts:
                    items.append(TextItem(part, x, y, width, size, bold, line.role))
                    y += fonts.line_height_mm(size)
            return items, dropped
        i = _drop_candidate(lines)
        if i is None:
            dropped.append(lines[0].text)
            break
        dropped.append(lines.pop(i).text)
    return [], dropped
