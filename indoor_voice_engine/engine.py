"""The loaded speech engines and their worker pools: what every connection handler shares."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from indoor_voice_models.wake_words import WakeWords

from .decode_order import DecodeOrder
from .limits import Limits
from .settings import EngineSettings
from .speech_models import SpeechModels
from .voices import Voices


@dataclass
class Engine:
    """What a connection handler needs: models, pools, limits (`loading.load` makes one)."""

    settings: EngineSettings
    stt: SpeechModels | None
    tts: Voices | None
    wake: WakeWords | None
    stt_pool: ThreadPoolExecutor
    tts_pool: ThreadPoolExecutor
    wake_pool: ThreadPoolExecutor
    stt_order: DecodeOrder = field(init=False)

    def __post_init__(self) -> None:
        self.stt_order = DecodeOrder(self.stt_pool, self.settings.stt_workers)

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def close(self) -> None:
        for pool in (self.stt_pool, self.tts_pool, self.wake_pool):
            pool.shutdown(wait=True, cancel_futures=True)
