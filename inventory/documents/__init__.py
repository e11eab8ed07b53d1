"""Documents the inventory prints: stocktake reports and recycling shipment slips."""
