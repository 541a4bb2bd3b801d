"""Home Assistant's websocket API from a test, as the frontend and satellites use it."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp

from testbed.assist import CHUNK_BYTES


class CommandFailed(Exception):
    """Home Assistant answered a command with an error."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")


class HomeAssistantSocket:
    """One logged-in websocket connection."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)

    @classmethod
    async def connect(
        cls, session: aiohttp.ClientSession, base: str, access_token: str
    ) -> HomeAssistantSocket:
        socket = await session.ws_connect(f"{base.replace('http', 'ws', 1)}/api/websocket")
        assert (await socket.receive_json())["type"] == "auth_required"
        await socket.send_json({"type": "auth", "access_token": access_token})
        assert (await socket.receive_json())["type"] == "auth_ok"
        return cls(socket)

    async def close(self) -> None:
        await self._socket.close()

    async def _send(self, message: dict[str, Any]) -> int:
        message_id = next(self._ids)
        await self._socket.send_json({"id": message_id, **message})
        return message_id

    async def _answer(self, message_id: int) -> dict[str, Any]:
        while True:
            message = await self._socket.receive_json()
            if message.get("id") == message_id and message["type"] == "result":
                return message

    async def call(self, message_type: str, **data: Any) -> Any:
        answer = await self._answer(await self._send({"type": message_type, **data}))
        if not answer["success"]:
            raise CommandFailed(answer["error"])
        return answer["result"]

    async def notifications(self) -> list[dict[str, Any]]:
        """The persistent notifications the frontend shows under Notifications."""
        message_id = await self._send({"type": "persistent_notification/subscribe"})
        assert (await self._answer(message_id))["success"]
        while True:
            message = await self._socket.receive_json()
            if message.get("id") == message_id and message["type"] == "event":
                await self._send({"type": "unsubscribe_events", "subscription": message_id})
                return list(message["event"]["notifications"].values())

    async def speak(self, pipeline_id: str, pcm: bytes) -> list[dict[str, Any]]:
        """Stream 16 kHz audio into a pipeline from its speech-to-text stage, as the
        frontend's voice dialog does; every event of the run."""
        message_id = await self._send(
            {
                "type": "assist_pipeline/run",
                "pipeline": pipeline_id,
                "start_stage": "stt",
                "end_stage": "intent",
                "input": {"sample_rate": 16000},
            }
        )
        assert (await self._answer(message_id))["success"]
        events: list[dict[str, Any]] = []
        while True:
            message = await self._socket.receive_json()
            if message.get("id") != message_id or message["type"] != "event":
                continue
            event = message["event"]
            events.append(event)
            if event["type"] == "run-start":
                handler = bytes([event["data"]["runner_data"]["stt_binary_handler_id"]])
                for start in range(0, len(pcm), CHUNK_BYTES):
                    await self._socket.send_bytes(handler + pcm[start : start + CHUNK_BYTES])
                await self._socket.send_bytes(handler)  # the end of the audio
            if event["type"] in ("run-end", "error"):
                return events
