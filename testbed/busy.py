"""How much busier than its cores the machine is, for tests whose promise is a matter of
time ("a stop takes under a second", "the command ends before Home Assistant's VAD would"):
on a machine with more work than cores everything waits its turn for a core, so such a test
stretches its clock by this factor. On an idle machine it is 1 and the promise is held as is.
"""

from __future__ import annotations

import os


def oversubscription() -> float:
    """The last minute's load average per core, never under 1."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
