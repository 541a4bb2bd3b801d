"""Indoor Voice satellite: microphone, on-device wake word and speaker on a Raspberry Pi,
linked to Home Assistant over paired, encrypted Wyoming (see PROTOCOL.md)."""

import os

# onnxruntime's telemetry writes files as soon as it is imported; it stays off, before any
# import (indoor_voice_engine does the same for the engine).
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
