"""Names of the household's home, to bias speech recognition towards them.

"turn on the kitchen light" should come out as "Kitchen Light" when that is the name of
an exposed entity. Only names of entities exposed to Assist, and areas, are sent.
"""

from __future__ import annotations

from homeassistant.components.conversation import DOMAIN as CONVERSATION_DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er

from .compat import async_entity_aliases

MAX_NAMES = 200


@callback
def async_home_names(hass: HomeAssistant) -> list[str]:
    """Names (and aliases) of exposed entities, then areas (and aliases)."""
    entities = er.async_get(hass)
    names: dict[str, None] = {}
    for state in hass.states.async_all():
        if not async_should_expose(hass, CONVERSATION_DOMAIN, state.entity_id):
            continue
        names[state.name] = None
        if (entry := entities.async_get(state.entity_id)) is not None:
            names.update(dict.fromkeys(async_entity_aliases(hass, entry)))
    for area in ar.async_get(hass).async_list_areas():
        names[area.name] = None
        names.update(dict.fromkeys(area.aliases))
    return [name for name in names if name and name.strip()][:MAX_NAMES]
