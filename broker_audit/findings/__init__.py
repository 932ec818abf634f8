"""What the brokers' answers say: reading them (text, PDF, OCR), proposing findings line by line,
matching names, the ledger of proposals and decisions, compliance watch, the map, next steps."""
