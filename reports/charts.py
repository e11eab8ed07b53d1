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


WIDTH = 640
HEIGHT = 300
ROW = 26  # height of one bar's row in a horizontal chart, labels included


def _svg(chart) -> str:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    data = base64.b64encode(svg.encode()).decode()
    return format_html(
        '<img src="data:image/svg+xml;base64,{}" alt="{}" width="{}" height="{}">',
        data,
        chart.config.title or "",
        chart.config.width,
        chart.config.height,
    )


def _config(title: str, **overrides):
    from pygal.style import CleanStyle

    style = CleanStyle(label_font_size=12, major_label_font_size=12, legend_font_size=12)
    return {
        "title": title,
        "style": style,
        "js": [],  # pygal's tooltip script would come from a CDN: leave it out
        "disable_xml_declaration": True,
        "width": WIDTH,
        "height": HEIGHT,
        "show_legend": True,
        "legend_at_bottom": True,
        "print_values": False,
        # Never cut a label short ("En ré…"): the margins grow to hold the whole text.
        "truncate_label": -1,
        "truncate_legend": -1,
        **overrides,
    }


def bar_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Return a bar chart as an SVG image (safe to put in a template).

    Bars lie horizontally, one row per label, so long French labels stay whole and readable;
    the chart grows with the number of labels."""
    import pygal

    rows = max(len(labels), 1)
    chart = pygal.HorizontalBar(
        **_config(title, height=max(HEIGHT, 110 + int(ROW * rows * (1 + (len(series) - 1) / 2))))
    )
    # pygal stacks horizontal bars from the bottom: reversed, the first label is on top.
    chart.x_labels = [str(label) for label in reversed(labels)]
    for name, values in series.items():
        chart.add(
            str(name), [float(value) if value is not None else None for value in reversed(values)]
        )
    return _svg(chart)


def pie_chart(title: str, parts: dict[str, float]) -> str:
    """Return a pie chart as an SVG image."""
    import pygal

    chart = pygal.Pie(**_config(title, legend_box_size=14))
    for name, value in parts.items():
        chart.add(str(name), float(value))
    return _svg(chart)
