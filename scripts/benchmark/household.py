"""The home the end-to-end figures are measured in, and the commands said in it.

A Hallway Light and a Porch Light (dimmable), a Front Door (a lock) and the testbed's Kitchen
Light, all template entities over helpers, exposed to Assist. A command is carried out when
the pipeline answers without an error and, for a home command, the right entity ends up in
the right state (the right intent on the right entity); each entity is put in the opposite
state before its command.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from testbed.assist import KITCHEN_LIGHT, switched_light

HALLWAY = "light.hallway_light"
PORCH = "light.porch_light"
FRONT_DOOR = "lock.front_door"


@dataclass(frozen=True)
class Command:
    """What is said (parts with a pause between them), and what must then be true."""

    parts: tuple[str, ...]
    entity: str | None = None  # None: a question, answered without an error
    before: str | None = None  # the entity's state before the command
    after: str | None = None  # ... and after it
    brightness_pct: int | None = None  # for "set ... to N percent"
    free: bool = False  # a sentence that is no question to the home: it must come back whole

    @property
    def text(self) -> str:
        return " ".join(self.parts)


# Two sets, apart in their sentences and (corpus.py) their voices: the development set is what
# the engine may be tuned on, the test set is held out. Each has hesitations after the verb,
# after an article, inside a name, after "to" and after a number, numbers, a question and a
# free sentence (a question and a free sentence must come back whole, never cut at a pause).
DEVELOPMENT = (
    Command(("turn on the hallway light",), HALLWAY, "off", "on"),
    Command(("turn off the porch light",), PORCH, "on", "off"),
    Command(("lock the front door",), FRONT_DOOR, "unlocked", "locked"),
    Command(("what time is it",)),
    Command(("turn off the", "hallway light"), HALLWAY, "on", "off"),
    Command(("set the porch light to", "fifty percent"), PORCH, "off", "on", 50),
    Command(("unlock the front door",), FRONT_DOOR, "locked", "unlocked"),
    Command(("turn on", "the porch light"), PORCH, "off", "on"),
    Command(("set the hallway light to thirty percent",), HALLWAY, "off", "on", 30),
    Command(("turn off the kitchen", "light"), KITCHEN_LIGHT, "on", "off"),
    Command(("set the hallway light to forty", "percent"), HALLWAY, "off", "on", 40),
    Command(("what is the", "date today")),
    Command(("i think i will bake", "some bread tomorrow"), free=True),
)
TEST = (
    Command(("switch on the kitchen light",), KITCHEN_LIGHT, "off", "on"),
    Command(("lock", "the front door"), FRONT_DOOR, "unlocked", "locked"),
    Command(("turn on the porch", "light"), PORCH, "off", "on"),
    Command(("set the porch light to", "twenty percent"), PORCH, "off", "on", 20),
    Command(("what is the current time",)),
    Command(("switch off the", "hallway light"), HALLWAY, "on", "off"),
    Command(("set the hallway light to seventy", "percent"), HALLWAY, "off", "on", 70),
    Command(("turn the porch light off",), PORCH, "on", "off"),
    Command(("my sister is coming", "for dinner on sunday"), free=True),
    Command(("switch off", "the kitchen light"), KITCHEN_LIGHT, "on", "off"),
    Command(("is the front door", "locked")),
)
SETS = {"development": DEVELOPMENT, "test": TEST}


def _dimmable(name: str, key: str) -> dict[str, object]:
    """A switched light with a brightness kept in input_number.<key>_level."""
    power, level = f"input_boolean.{key}_power", f"input_number.{key}_level"
    return {
        **switched_light(name, key),
        "level": f"{{{{ states('{level}') | int }}}}",
        "set_level": [
            {
                "action": "input_number.set_value",
                "target": {"entity_id": level},
                "data": {"value": "{{ brightness }}"},
            },
            {"action": "input_boolean.turn_on", "target": {"entity_id": power}},
        ],
    }


async def async_setup_home(hass: HomeAssistant) -> None:
    """The kitchen, the hallway, the porch and the front door (each integration set up
    once, with all of its entities)."""
    keys = ("hallway", "porch")
    booleans = {f"{k}_power": {} for k in ("kitchen", *keys)} | {"front_door_locked": {}}
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": booleans})
    numbers = {f"{k}_level": {"min": 0, "max": 255, "step": 1} for k in keys}
    assert await async_setup_component(hass, "input_number", {"input_number": numbers})
    lights = [
        switched_light("Kitchen Light", "kitchen"),
        _dimmable("Hallway Light", "hallway"),
        _dimmable("Porch Light", "porch"),
    ]
    locked = "input_boolean.front_door_locked"
    lock = {
        "platform": "template",
        "name": "Front Door",
        "unique_id": "front_door",
        "value_template": f"{{{{ is_state('{locked}', 'on') }}}}",
        "lock": {"action": "input_boolean.turn_on", "target": {"entity_id": locked}},
        "unlock": {"action": "input_boolean.turn_off", "target": {"entity_id": locked}},
    }
    # Lights are exposed to Assist by default, locks are not: the household exposes it.
    assert await async_setup_component(hass, "template", {"template": [{"light": lights}]})
    assert await async_setup_component(hass, "lock", {"lock": [lock]})
    await hass.async_block_till_done()
    async_expose_entity(hass, "conversation", FRONT_DOOR, True)
    for entity in (KITCHEN_LIGHT, HALLWAY, PORCH, FRONT_DOOR):
        assert hass.states.get(entity) is not None, entity


async def async_prepare(hass: HomeAssistant, command: Command) -> None:
    """Put the command's entity in the state before it."""
    if command.entity is None or command.before is None:
        return
    domain = command.entity.split(".")[0]
    service = {"on": "turn_on", "off": "turn_off", "locked": "lock", "unlocked": "unlock"}
    await hass.services.async_call(
        domain, service[command.before], {"entity_id": command.entity}, blocking=True
    )


def carried_out(hass: HomeAssistant, command: Command) -> bool:
    """The right entity in the right state (and brightness) after the command."""
    if command.entity is None:
        return True
    state = hass.states.get(command.entity)
    if state is None or state.state != command.after:
        return False
    if command.brightness_pct is None:
        return True
    brightness = state.attributes.get("brightness") or 0
    return abs(brightness / 255 * 100 - command.brightness_pct) <= 2
