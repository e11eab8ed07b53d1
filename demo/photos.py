"""Photos for the demo's devices, drawn with Pillow (no downloaded image): a device's outline
in its category's colour, its make and model, and which side the picture shows. Never a
serial number or a label."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

COLOURS = {
    "laptop": (52, 73, 94),
    "desktop": (44, 62, 80),
    "all_in_one": (39, 55, 70),
    "screen": (33, 47, 61),
    "tablet": (81, 90, 90),
    "phone": (60, 64, 67),
}
VIEWS = ("Face", "Écran allumé", "Clavier", "Dos")


def demo_photo(category: str, title: str, view: int = 0, size=(1200, 900)) -> bytes:
    """A JPEG of a stylised device (``view``: 0 face, 1 screen on, 2 keyboard, 3 back)."""
    width, height = size
    image = Image.new("RGB", size, (236, 239, 243))
    draw = ImageDraw.Draw(image)
    body = COLOURS.get(category, (70, 70, 70))
    screen = (30, 110, 200) if view == 1 else (20, 24, 28)
    if category in ("laptop", "tablet", "phone"):
        left, top, right, bottom = width * 0.18, height * 0.12, width * 0.82, height * 0.62
        draw.rounded_rectangle((left, top, right, bottom), radius=24, fill=body)
        draw.rectangle((left + 30, top + 30, right - 30, bottom - 30), fill=screen)
        if category == "laptop":
            draw.polygon(
                [(left - 60, bottom + 10), (right + 60, bottom + 10), (right + 120, height * 0.8),
                 (left - 120, height * 0.8)],
                fill=tuple(min(c + 30, 255) for c in body),
            )  # fmt: skip
            if view == 2:
                for row in range(4):
                    for col in range(12):
                        x = left - 40 + col * ((right - left + 80) / 12)
                        y = bottom + 25 + row * 28
                        draw.rectangle((x + 4, y, x + 40, y + 20), fill=(210, 214, 220))
    else:
        left, top, right, bottom = width * 0.2, height * 0.1, width * 0.8, height * 0.7
        draw.rectangle((left, top, right, bottom), fill=body)
        draw.rectangle((left + 25, top + 25, right - 25, bottom - 25), fill=screen)
        draw.rectangle((width * 0.45, bottom, width * 0.55, height * 0.82), fill=body)
    draw.text((width * 0.06, height * 0.86), f"{title} · {VIEWS[view % 4]}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
