"""Charts drawn on the server as SVG with pygal: no JavaScript, nothing from a CDN.

Each chart is an ``<img>`` whose source is a ``data:`` URL of the SVG: pygal's SVG carries its
own ``<style>``, which the Content Security Policy (no inline style) would block inline, while
an image's own styles are not the page's (``img-src 'self' data:``).
"""

from __future__ import annotations

import base64
import re

from django.utils.html import format_html

# pygal writes its configuration into an inline <script> even without tooltips: drop it so
# the chart is plain SVG.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _svg(chart) -> str:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    data = base64.b64encode(svg.encode()).decode()
    return format_html(
        '<img src="data:image/svg+xml;base64,{}" alt="{}" width="640" height="300">',
        data,
        chart.config.title or "",
    )


def _config(title: str):
    from pygal.style import CleanStyle

    return {
        "title": title,
        "style": CleanStyle,
        "js": [],  # pygal's tooltip script would come from a CDN: leave it out
        "disable_xml_declaration": True,
        "width": 640,
        "height": 300,
        "show_legend": True,
        "legend_at_bottom": True,
        "print_values": False,
    }


def bar_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Return a bar chart as an SVG image (safe to put in a template)."""
    import pygal

    chart = pygal.Bar(**_config(title))
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        chart.add(str(name), [float(value) if value is not None else None for value in values])
    return _svg(chart)


def pie_chart(title: str, parts: dict[str, float]) -> str:
    """Return a pie chart as an SVG image."""
    import pygal

    chart = pygal.Pie(**_config(title))
    for name, value in parts.items():
        chart.add(str(name), float(value))
    return _svg(chart)
