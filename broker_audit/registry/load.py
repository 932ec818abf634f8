"""Load the broker registry and resolve what a user types to a broker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit import datafiles
from broker_audit.errors import DataFileError, UnknownBroker, UserError
from broker_audit.i18n import _
from broker_audit.registry.listing import BrokerRow, filter_rows, normalise_name, row_of

if TYPE_CHECKING:  # the schema is imported where records are parsed, not to list them
    from broker_audit.registry.schema import Broker, ImportedFile, Preset

__all__ = [
    "Registry",
    "filter_brokers",
    "load_registry",
    "normalise_name",
    "shipped_registry",
    "shipped_rows",
]


@dataclass(frozen=True)
class Registry:
    brokers: tuple[Broker, ...]
    presets: tuple[Preset, ...] = ()
    _index: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {b.id: b for b in self.brokers}
        if len(by_id) != len(self.brokers):
            dupes = sorted({b.id for b in self.brokers if sum(x.id == b.id for x in self.brokers) > 1})
            raise DataFileError(f"broker ids appear twice: {', '.join(dupes)}")
        if not self._index:  # a registry from the pre-built cache comes with its index
            for broker in self.brokers:
                for name in (broker.id, broker.name, broker.legal_name, *broker.aliases, *broker.brands):
                    key = normalise_name(name)
                    if key:
                        self._index.setdefault(key, broker.id)
        for broker in self.brokers:
            if broker.successor and broker.successor not in by_id:
                raise DataFileError(
                    f"broker {broker.id!r} names successor {broker.successor!r}, which is not in the registry"
                )
        for preset in self.presets:
            missing = [b for b in preset.brokers if b not in by_id]
            if missing:
                raise DataFileError(f"preset {preset.id!r} names unknown brokers: {', '.join(missing)}")

    def get(self, broker_id: str) -> Broker:
        for broker in self.brokers:
            if broker.id == broker_id:
                return broker
        raise UnknownBroker(broker_id, self.suggest(broker_id))

    def resolve(self, text: str) -> Broker:
        """A broker by id, name, legal name, alias or brand, case- and accent-insensitive.

        A removed broker (a tombstone) resolves to its successor.
        """
        broker_id = self._index.get(normalise_name(text))
        if broker_id is None:
            raise UnknownBroker(text, self.suggest(text))
        broker = self.get(broker_id)
        while broker.successor:
            broker = self.get(broker.successor)
        return broker

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        import difflib

        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(self._index), n=8, cutoff=0.6)
        ids: list[str] = []
        for match in close:
            broker_id = self._index[match]
            if broker_id not in ids:
                ids.append(broker_id)
        if not ids and key:
            ids = [bid for k, bid in self._index.items() if key in k][:limit]
            ids = list(dict.fromkeys(ids))
        return ids[:limit]

    def preset(self, preset_id: str) -> Preset:
        for preset in self.presets:
            if preset.id == preset_id:
                return preset
        known = ", ".join(p.id for p in self.presets) or _("none")
        raise UserError(
            _("unknown preset {preset}").format(preset=repr(preset_id)),
            _("the presets are: {known}").format(known=known),
        )

    def family(self, broker: Broker) -> tuple[Broker, ...]:
        """The companies of `broker`'s group in the registry: its parent (by `parent`) and the
        brokers that name it as theirs."""
        found: dict[str, Broker] = {}
        if broker.parent:
            parent_id = self._index.get(normalise_name(broker.parent))
            if parent_id and parent_id != broker.id:
                found[parent_id] = self.get(parent_id)
        for other in self.brokers:
            if (
                other.parent
                and other.id != broker.id
                and self._index.get(normalise_name(other.parent)) == broker.id
            ):
                found[other.id] = other
        return tuple(found.values())

    def active(self) -> list[Broker]:
        """Brokers that are not tombstones."""
        return [b for b in self.brokers if not b.successor]


def filter_brokers(
    brokers: Iterable[Broker],
    *,
    category: str | None = None,
    sells_to: str | None = None,
    registry: str | None = None,
    text: str | None = None,
) -> list[Broker]:
    """The brokers matching every filter given (the listing rows' filter, on the records)."""
    brokers = list(brokers)
    rows = filter_rows(
        (row_of(b) for b in brokers), category=category, sells_to=sells_to, registry=registry, text=text
    )
    keep = {row.id for row in rows}
    return [b for b in brokers if b.id in keep]


def load_registry(path: Path | None = None, imported: Path | None = None) -> Registry:
    """Parse and validate `brokers.toml` (the shipped one unless `path` is given).

    Brokers from the state registries are merged in: the shipped imports (`registries/*.json`,
    e.g. California's 2020 registry) and the user's own imports (`imported`, else
    `imported_file()` when neither `path` nor `imported` is given). A registry the user imported
    again replaces the shipped import of that registry. Curated facts always win: see
    `registry/merge.py`.
    """
    from broker_audit.registry.schema import BrokersFile
    from broker_audit.tomlerrors import load_toml

    data = load_toml(path or datafiles.brokers_file(), BrokersFile, table="broker")
    brokers: list[Broker] = data.broker
    extra = imported
    if extra is None and path is None:
        extra = imported_file()
    extra_brokers = imported_brokers(extra, shipped=path is None)
    if extra_brokers:
        from broker_audit.registry.merge import merge_imported

        brokers = merge_imported(brokers, extra_brokers)
    return Registry(tuple(brokers), tuple(data.preset))


def imported_brokers(user_file: Path | None, *, shipped: bool = True) -> list[Broker]:
    """The shipped imports (unless the user imported that registry again), then the user's."""
    from broker_audit.registry.merge import load_imported

    own = load_imported(user_file) if user_file is not None and user_file.is_file() else None
    out: list[Broker] = []
    if shipped:
        replaced: set[str] = {run.registry for run in own.imports} if own is not None else set()
        for _, bundle in effective_shipped(replaced):
            out.extend(bundle.broker)
    if own is not None:
        out.extend(own.broker)
    return out


def shipped_bundles() -> list[Path]:
    """The shipped imports' JSON files, newest export of each registry first (`SHIPPED`'s order),
    then any other JSON in the folder."""
    from broker_audit.registry.shipped import SHIPPED

    folder = datafiles.shipped_imports_dir()
    if not folder.is_dir():
        return []
    listed = [folder / item.bundle for item in SHIPPED]
    others = sorted(p for p in folder.glob("*.json") if p not in listed)
    return [p for p in listed if p.is_file()] + others


def effective_shipped(replaced: set[str]) -> list[tuple[Path, ImportedFile]]:
    """The shipped imports that count, read, in merge order. A registry in `replaced` (one the
    user imported again) loses every shipped export: the user's import replaces them in every
    view, the listing, the letters and `registry check` alike."""
    from broker_audit.registry.merge import load_imported

    out = []
    for file in shipped_bundles():
        bundle = load_imported(file)
        if not {run.registry for run in bundle.imports} & replaced:
            out.append((file, bundle))
    return out


def imported_file() -> Path:
    """Where the user's imported brokers are kept: $BROKER_AUDIT_IMPORTED, else
    `brokers.imported.json` in the user's data folder (next to the vault)."""
    import os

    env = os.environ.get("BROKER_AUDIT_IMPORTED")
    return Path(env).expanduser() if env else datafiles.imported_brokers_file()


def _cache_key() -> bytes:
    """The pre-built registry's key: every file it is built from (see `registry/cache.py`)."""
    from broker_audit.registry import cache as prebuilt

    imported = imported_file()
    shipped = datafiles.shipped_imports_dir()
    sources: list[Path | None] = [datafiles.brokers_file(), imported if imported.is_file() else None]
    sources += shipped_bundles() if shipped.is_dir() else []
    return prebuilt.cache_key(sources)


@cache
def shipped_registry() -> Registry:
    """The shipped registry merged with the imported brokers, from the pre-built cache when it
    was built from the same files (see `registry/cache.py`)."""
    from broker_audit.registry import cache as prebuilt

    key, where = _cache_key(), prebuilt.cache_file()
    cached = prebuilt.read(where, key)
    if cached is not None:
        return Registry(tuple(cached.brokers), tuple(cached.presets), cached.index)
    registry = load_registry()
    prebuilt.write(
        where,
        key,
        list(registry.brokers),
        list(registry.presets),
        registry._index,
        [row_of(b) for b in registry.brokers],
    )
    return registry


def shipped_rows() -> list[BrokerRow]:
    """One listing row per broker of `shipped_registry()`, read from the pre-built cache without
    decoding the records (built, and the cache written, when it is stale)."""
    from broker_audit.registry import cache as prebuilt

    rows = prebuilt.read_rows(prebuilt.cache_file(), _cache_key())
    if rows is not None:
        return rows
    return [row_of(b) for b in shipped_registry().brokers]
