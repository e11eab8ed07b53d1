"""Data-sanitisation certificates: what they certify, how they are issued, checked and printed.

``content`` builds the canonical facts of a certificate from the database, ``services``
issues and verifies certificates (a ``Certificate`` row keeps the facts and their SHA-256;
verification recomputes them), ``pdf`` prints them with a QR code to the public page.
"""
