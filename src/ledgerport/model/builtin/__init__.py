"""The built-in ERP model, one declaration file per module."""

from __future__ import annotations

from ledgerport.model.builtin import catalog, inventory, ledger, purchasing, sales, sys
from ledgerport.model.schema import Entity

__all__ = ["BUILTIN_ENTITIES"]

BUILTIN_ENTITIES: tuple[Entity, ...] = (
    *sys.ENTITIES,
    *catalog.ENTITIES,
    *ledger.ENTITIES,
    *sales.ENTITIES,
    *purchasing.ENTITIES,
    *inventory.ENTITIES,
)
