"""Benchmark Atelier at network scale: seed a believable data set, measure, load-test.

Kept outside the installed apps on purpose: nothing here is part of the product. The
``bench`` management command (``demo/management/commands/bench.py``) drives it, and
``make bench`` / ``make bench-smoke`` / ``make bench-load`` are the entry points.
"""
