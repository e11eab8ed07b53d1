"""Build seeded device histories, as the real services would have written them.

``DeviceMaker`` (:mod:`.devices`) walks each device along a legal path to its final state;
the drives' erasures (:mod:`.drives`) and the shop's prices, sales, returns and kits
(:mod:`.sales`) are written on the way, into a ``Chunk`` whose tables and columns are listed
in :mod:`.tables`. This package re-exports what the seeder uses.
"""

from bench.history.devices import DeviceMaker
from bench.history.tables import CHUNK_TABLES, Chunk, check_columns

__all__ = ["CHUNK_TABLES", "Chunk", "DeviceMaker", "check_columns"]
