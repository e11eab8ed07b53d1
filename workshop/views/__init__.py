"""Bench screens: one thin view per page, calling the inventory and refurb services."""
