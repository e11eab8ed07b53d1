"""The passport's small chart, drawn on the server as SVG with pygal (no script, no CDN).

As ``reports.charts`` (which this layer does not import): an ``<img>`` of a ``data:`` SVG, so
the Content Security Policy (no inline style) holds, with pygal's script left out.
"""

from __future__ import annotations

import base64
import re

from django.utils.html import format_html

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def weekly_chart(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """A small bar chart of work per week (safe to put in a template)."""
    import pygal
    from pygal.style import CleanStyle

    chart = pygal.Bar(
        title=title,
        style=CleanStyle(label_font_size=11, major_label_font_size=11, legend_font_size=12),
        js=[],
        disable_xml_declaration=True,
        width=520,
        height=240,
        show_legend=True,
        legend_at_bottom=True,
        truncate_label=-1,
        truncate_legend=-1,
        x_label_rotation=0,
        show_minor_x_labels=True,
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(str(name), [int(v) for v in values])
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    data = base64.b64encode(svg.encode()).decode()
    return format_html(
        '<img class="skills-chart" src="data:image/svg+xml;base64,{}" alt="{}" width="520" '
        'height="240">',
        data,
        title,
    )
