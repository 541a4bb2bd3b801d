"""What a config entry stands for, and the ids of its entities.

Four kinds of entry share the domain (const.EntryKind): engines, satellites of two kinds, and the
one household entry. Every entity's unique id is `<entry id>-<key>` (the household's entities:
`household-<key>`); the entity registry keeps these ids, so they never change. Entity ids are
looked up from them here, as Home Assistant's wyoming integration does in its devices.py.
"""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import CONF_KIND, DOMAIN, EntryKind

SATELLITE_KINDS: Final = frozenset({EntryKind.SATELLITE, EntryKind.WYOMING_SATELLITE})
# The household entry's unique id, and the prefix of its entities' unique ids.
HOUSEHOLD_UNIQUE_ID: Final = "household"


def kind_of(entry: ConfigEntry) -> EntryKind | None:
    """What the entry stands for (None if it does not say)."""
    try:
        return EntryKind(str(entry.data.get(CONF_KIND)))
    except ValueError:
        return None


def is_satellite(entry: ConfigEntry) -> bool:
    """An Indoor Voice satellite or a plain Wyoming one."""
    return kind_of(entry) in SATELLITE_KINDS


def unique_id(owner: str, key: str) -> str:
    """The unique id of an entity: its entry's id (or "household") and its key."""
    return f"{owner}-{key}"


def pipeline_key(index: int) -> str:
    """The key of a satellite's pipeline select for its `index`th active wake word (from 0),
    as Home Assistant names them: pipeline, pipeline_2."""
    return "pipeline" if index == 0 else f"pipeline_{index + 1}"


@callback
def entity_id_of(hass: HomeAssistant, platform: str, owner: str, key: str) -> str | None:
    """The entity id of the entity `key` of `owner` on `platform`, if it exists."""
    return er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id(owner, key))
