"""Renderers: PDF (office printers, browser), ZPL (Zebra), Brother QL raster, previews."""
