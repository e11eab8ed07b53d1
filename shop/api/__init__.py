"""The shop through the REST API: buyers, price grid, kits, reservations, sales, returns."""
