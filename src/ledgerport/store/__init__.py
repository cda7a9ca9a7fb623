"""Engines, transactions, migrations and the change log: the only I/O of the pipeline."""
