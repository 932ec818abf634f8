"""broker-audit: get your personal data back from data brokers."""

__version__ = "0.1.0"
