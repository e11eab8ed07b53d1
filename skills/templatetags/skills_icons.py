"""Pictograms of the skills passport: small inline SVGs (no file to load, no style attribute,
so the Content Security Policy holds), one per bench, drawn with ``currentColor``."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_OPEN = (
    '<svg class="skill-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" '
    'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round">'
)
PATHS = {
    # a box with a label: taking a device in
    "intake": '<rect x="3" y="7" width="18" height="13" rx="1"/><path d="M3 7l3-4h12l3 4"/>'
    '<path d="M9 12h6"/>',
    # a drive with a check mark
    "erasure": '<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="12" cy="11" r="4"/>'
    '<path d="M7 18h2"/>',
    # a list with ticks
    "test": '<path d="M9 6h11M9 12h11M9 18h11"/><path d="M3 6l1.5 1.5L7 5M3 12l1.5 1.5L7 11"/>'
    '<path d="M3 18h3"/>',
    # a spanner
    "repair": '<path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5'
    '-2.8-.7-.7-2.8z"/>',
    # a star: the grade
    "grading": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z"/>',
    # a shopping bag
    "shop": '<path d="M5 8h14l-1 12H6z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>',
    # shelves
    "stock": '<path d="M4 3v18M20 3v18M4 9h16M4 15h16"/><rect x="7" y="5" width="4" height="4"/>'
    '<rect x="13" y="11" width="4" height="4"/>',
    # a van
    "collection": '<path d="M2 16V6h11v10M13 9h5l3 4v3h-8"/><circle cx="6" cy="17" r="2"/>'
    '<circle cx="17" cy="17" r="2"/>',
    # two people
    "transversal": '<circle cx="8" cy="8" r="3"/><circle cx="17" cy="9" r="2.5"/>'
    '<path d="M2 20c0-3.5 2.7-6 6-6s6 2.5 6 6M14 20c0-2.5 1.3-4.5 3-4.5s4 2 4 4.5"/>',
}


@register.simple_tag
def skill_icon(bench: str):
    """The pictogram of ``bench`` (the transversal one for an unknown bench)."""
    return mark_safe(_OPEN + PATHS.get(bench, PATHS["transversal"]) + "</svg>")


@register.simple_tag
def level_dots(level: int):
    """Four dots, filled up to ``level``: the level as a picture (the text says it too)."""
    dots = []
    for step in range(1, 5):
        fill = "currentColor" if step <= (level or 0) else "none"
        dots.append(
            f'<circle cx="{step * 12 - 5}" cy="7" r="5" fill="{fill}" stroke="currentColor" '
            'stroke-width="1.5"/>'
        )
    return mark_safe(
        '<svg class="level-dots" viewBox="0 0 48 14" width="64" height="19" aria-hidden="true" '
        'focusable="false">' + "".join(dots) + "</svg>"
    )
