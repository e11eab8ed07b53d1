"""Proof objects: what lets a service make a move that only a service may make.

Some moves of the table need a row elsewhere (``sold`` needs the sale line, ``returned`` the
credit-note line, ``reserved`` the reservation). They are marked ``service=<proof kind>`` in
the table and ``device_transition`` refuses them (``service_only``, 409) unless it is given a
``Proof`` of that kind, issued by ``proof_issue`` in the *same* database transaction as the row
it names, and accepted by the verifier the owning app registered (``proof_verifier_register``,
from its ``hooks`` module). A number or a name sent by a client is never a proof: the API, the
screens and the admin have no way to build one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

Verifier = Callable[[object, object, object], None]
VERIFIERS: dict[str, Verifier] = {}


class _Transaction:
    """A marker for the outermost transaction in progress on this connection."""


def _current() -> _Transaction | None:
    """The marker of the transaction in progress: a new one after every commit or rollback
    (the marker lives as long as its ``on_commit`` callback is pending)."""
    if not connection.in_atomic_block:
        return None
    marker = getattr(connection, "_atelier_proof_txn", None)
    pending = {id(item[1]) for item in connection.run_on_commit}
    if marker is None or id(marker.forget) not in pending:
        marker = _Transaction()
        connection._atelier_proof_txn = marker

        def _forget() -> None:
            if getattr(connection, "_atelier_proof_txn", None) is marker:
                connection._atelier_proof_txn = None

        marker.forget = _forget
        transaction.on_commit(_forget)
    return marker


@dataclass(frozen=True)
class Proof:
    """A row created by an owning service, for one move of one device (``kind`` names it)."""

    kind: str
    obj: object
    txn: object

    @property
    def fresh(self) -> bool:
        """True while the transaction that issued the proof is still the one in progress."""
        return self.txn is not None and self.txn is _current()


def proof_issue(kind: str, obj) -> Proof:
    """Return a proof that ``obj`` (just written by the caller) allows a ``kind`` move."""
    marker = _current()
    if marker is None:
        raise RuntimeError("a proof is issued inside the transaction that writes its row")
    return Proof(kind=kind, obj=obj, txn=marker)


def proof_verifier_register(kind: str, verifier: Verifier) -> None:
    """Register ``verifier(device, obj, ctx)``: it raises a ``DomainError`` if ``obj`` does not
    allow the move (wrong device, already used, not the current cycle…)."""
    VERIFIERS[kind] = verifier
