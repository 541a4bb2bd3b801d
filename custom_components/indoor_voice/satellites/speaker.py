"""What Home Assistant plays on a satellite: WAV audio (replies, announcements) streamed over
the link in the speaker's own format, the satellite's own chime, and other media decoded by
ffmpeg. The satellite answers each sound with `played` once it has played it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable
from typing import Any, Final

from homeassistant.components import tts
from homeassistant.components.assist_satellite import AssistSatelliteAnnouncement
from homeassistant.components.assist_satellite.const import PREANNOUNCE_URL
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioFormat, AudioStart, AudioStop
from wyoming.event import Event

from .. import link
from ..engines.pipeline import our_entity
from ..wav import WavStream, seconds_of

_PLAYED_MARGIN_SECONDS: Final = 5
_OUT_CHUNK_BYTES: Final = 4096
_DEFAULT_SND: Final = AudioFormat(rate=22050, width=2, channels=1)


class SatelliteSpeaker:
    """The speaker of one satellite, as seen from Home Assistant."""

    def __init__(
        self,
        send: Callable[[Event], Awaitable[None]],
        ffmpeg_binary: Callable[[], str],
    ) -> None:
        self._send = send
        self._ffmpeg_binary = ffmpeg_binary
        self.snd_format = _DEFAULT_SND  # replaced (never changed) when the satellite says
        self.played = asyncio.Event()  # the satellite has played the last sound sent

    async def play(self, wav: AsyncIterable[bytes]) -> float:
        """Stream WAV audio to the speaker in its own format; return the seconds sent."""
        snd = self.snd_format
        fmt = snd.to_dict()
        converter = AudioChunkConverter(**fmt)
        reader = WavStream()
        sent = 0
        self.played.clear()
        await self._send(AudioStart(**fmt).event())
        try:
            async for data in wav:
                pcm = reader.feed(data)
                if not pcm or reader.format is None:
                    continue
                out = converter.convert(AudioChunk(audio=pcm, **reader.format.to_dict())).audio
                for start in range(0, len(out), _OUT_CHUNK_BYTES):
                    await self._send(
                        AudioChunk(audio=out[start : start + _OUT_CHUNK_BYTES], **fmt).event()
                    )
                sent += len(out)
        finally:
            with contextlib.suppress(HomeAssistantError, link.LinkError, OSError):
                await self._send(AudioStop().event())
        return seconds_of(sent, snd)

    def set_format(self, snd: dict[str, Any]) -> None:
        """The speaker's format as the satellite states it (what it leaves out stays)."""
        given = {k: int(snd[k]) for k in ("rate", "width", "channels") if k in snd}
        self.snd_format = AudioFormat(**(self.snd_format.to_dict() | given))

    async def reply(self, wav: AsyncIterable[bytes]) -> None:
        """Play a reply; a satellite gone meanwhile simply does not hear the rest."""
        with contextlib.suppress(HomeAssistantError, link.LinkError, OSError):
            await self.play(wav)

    async def say(self, hass: HomeAssistant, text: str) -> None:
        """Speak `text` with our own text-to-speech, when an engine of ours offers it."""
        if (ours := our_entity(hass, Platform.TTS)) is not None:
            stream = tts.async_create_stream(
                hass, ours[0], options={tts.ATTR_PREFERRED_FORMAT: "wav"}
            )
            stream.async_set_message(text)
            await self.play(stream.async_stream_result())

    async def play_in_full(self, wav: AsyncIterable[bytes]) -> None:
        """Play, and return once the satellite has played it (or should have, by far)."""
        seconds = await self.play(wav)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds + _PLAYED_MARGIN_SECONDS):
                await self.played.wait()

    async def announce(
        self, hass: HomeAssistant, announcement: AssistSatelliteAnnouncement
    ) -> None:
        """The chime, then the announcement; return once the satellite has played it.

        Home Assistant's own chime is played by the satellite from its own samples; another
        pre-announce sound is decoded here and played first.
        """
        if chime := announcement.preannounce_media_id:
            if chime.endswith(PREANNOUNCE_URL):
                await self._send(link.protocol.chime())
            else:
                await self.play_in_full(self.decoded(chime))
        if announcement.tts_token and (
            stream := tts.async_get_stream(hass, announcement.tts_token)
        ):
            await self.play_in_full(stream.async_stream_result())
        else:
            await self.play_in_full(self.decoded(announcement.media_id))

    async def decoded(self, media_url: str) -> AsyncGenerator[bytes]:
        """Any other media, decoded to WAV by ffmpeg."""
        process = await asyncio.create_subprocess_exec(
            self._ffmpeg_binary(),
            "-nostats",
            "-i",
            media_url,
            "-f",
            "wav",
            "-ac",
            "1",
            "pipe:",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert process.stdout is not None
        try:
            while data := await process.stdout.read(_OUT_CHUNK_BYTES):
                yield data
        finally:
            if process.returncode is None:
                process.kill()
            await process.wait()
