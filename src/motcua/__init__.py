"""motcua: administrative procedure settlement information system (one-stop shop)."""

__version__ = "0.1.0"
