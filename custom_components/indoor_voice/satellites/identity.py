"""This Home Assistant's identity on the satellite link: its key and certificate, made the
first time a satellite needs them and kept in Home Assistant's storage (readable by its owner
only). Every paired satellite pins its fingerprint, so it never changes once made.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..link import Identity, generate_identity

STORAGE_VERSION = 1
DATA_LINK_IDENTITY: HassKey[LinkIdentity] = HassKey(f"{DOMAIN}_link_identity")
# Earlier releases kept the identity with the household's choices (privacy/household.py).
_EARLIER_STORAGE_KEY = f"{DOMAIN}.household"


class IdentityData(TypedDict):
    link_key: str
    link_certificate: str


class LinkIdentity:
    """Loaded once per Home Assistant instance, before the household (async_load says why)."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._store: Store[IdentityData] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.link_identity", private=True, atomic_writes=True
        )
        self._identity: Identity | None = None
        self._making = asyncio.Lock()

    async def async_load(self) -> None:
        """Read the identity. One that an earlier release kept with the household's choices
        moves here first: the household forgets it when it loads."""
        data = await self._store.async_load()
        if data is None and (data := await self._async_earlier()) is not None:
            await self._store.async_save(data)
        if data is not None:
            self._identity = Identity(data["link_key"].encode(), data["link_certificate"].encode())

    async def _async_earlier(self) -> IdentityData | None:
        earlier: Store[dict[str, Any]] = Store(self._hass, STORAGE_VERSION, _EARLIER_STORAGE_KEY)
        kept = await earlier.async_load() or {}
        key, certificate = kept.get("link_key"), kept.get("link_certificate")
        if isinstance(key, str) and isinstance(certificate, str):
            return IdentityData(link_key=key, link_certificate=certificate)
        return None

    async def async_get(self) -> Identity:
        """This Home Assistant's key and certificate for satellite links, made once."""
        async with self._making:
            if self._identity is None:
                identity = await self._hass.async_add_executor_job(
                    generate_identity, "Home Assistant"
                )
                await self._store.async_save(
                    IdentityData(
                        link_key=identity.key_pem.decode(),
                        link_certificate=identity.certificate_pem.decode(),
                    )
                )
                self._identity = identity
            return self._identity
