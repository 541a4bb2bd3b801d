"""What a household's consent to review-sharing is made of: the disclosure's version, the
entries of the consent record, the sharing limits, and the refusal without consent.

The household (household.py) keeps the record and decides by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

from homeassistant.exceptions import ServiceValidationError

from ..const import DOMAIN

# Bump when the disclosure (strings.json, options step "consent") changes in substance:
# sharing stops until the household acknowledges the new text. The test suite holds the
# text's hash so a changed text cannot ship without a new version.
# 2: says what an export is, where it is written, and that it goes with the clips.
# 3: says that administrators can download exports, and that every way to stop withdraws
#    consent.
DISCLOSURE_VERSION = 3

ISSUE_DISCLOSURE_CHANGED = "disclosure_changed"

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 90
DEFAULT_MAX_SIZE_MB = 200

Action = Literal["granted", "sharing_on", "revoked", "suspended", "declined"]


class ConsentEntry(TypedDict, total=False):
    time: str
    user_id: str | None
    disclosure_version: int
    action: Action
    deleted_clips: int
    deleted_exports: int


class ConsentRequired(ServiceValidationError):
    """Review-sharing cannot start without a current acknowledgement."""

    def __init__(self) -> None:
        super().__init__(
            translation_domain=DOMAIN,
            translation_key="consent_required",
        )


@dataclass(frozen=True)
class SharingSettings:
    retention_days: int
    max_size_mb: int
