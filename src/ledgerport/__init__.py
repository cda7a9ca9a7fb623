"""ledgerport: a self-hosted integration API for business (ERP) data."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
