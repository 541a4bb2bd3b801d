"""Indoor Voice engine: wake word, speech-to-text and text-to-speech on one local Wyoming server."""

import os

# onnxruntime's telemetry writes a device id under ~/.cache and a session file under $TMPDIR
# as soon as it is imported. The engine keeps nothing at rest, so it is off, before any import.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
