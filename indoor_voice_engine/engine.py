"""The loaded speech engines and their worker pools: what every connection handler shares."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from indoor_voice_models.wake_words import WakeWords

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

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def close(self) -> None:
        for pool in (self.stt_pool, self.tts_pool, self.wake_pool):
            pool.shutdown(wait=True, cancel_futures=True)
