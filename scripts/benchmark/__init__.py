"""Side-by-side benchmark of the Indoor Voice engine and the Wyoming peers (scripts/bench)."""

import os

# onnxruntime (Piper, making the audio in this process) looks up its telemetry host unless
# told not to; like the engine, the benchmark talks to nothing beyond loopback.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
