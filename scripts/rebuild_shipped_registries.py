"""Re-import every state-registry export shipped in registries/ and rewrite its JSON beside it.

    .venv/bin/python scripts/rebuild_shipped_registries.py

Run after changing an importer or a shipped export; tests/registry/test_import_ca.py fails while
the shipped JSON and a fresh import differ.
"""

from broker_audit.services.registry import rebuild_shipped_imports

if __name__ == "__main__":
    for path in rebuild_shipped_imports():
        print(path)
