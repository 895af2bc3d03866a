"""Who is signed in on this window: what the screens need, passed to each explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Session:
    """The signed-in worker and their profile (no secrets besides an in-memory password)."""

    profile: Any  # fieldapp.profile.Profile
    username: str
    display_name: str
    role: str
    device_id: str
    server_url: str
    district_code: str = ""
    #: Kept in memory only when the OS has no keyring, so background sync can sign in.
    password: str | None = None

    @classmethod
    def from_profile(cls, profile: Any, password: str | None = None) -> Session:
        info = profile.info
        return cls(
            profile=profile,
            username=info.get("username", ""),
            display_name=info.get("display_name") or info.get("username", ""),
            role=info.get("role", "volunteer"),
            device_id=info.get("device_id", ""),
            server_url=info.get("server_url", ""),
            district_code=info.get("district_code", ""),
            password=password,
        )

    @property
    def programme(self) -> str | None:
        """The programme this worker works in (None for supervisors and admins)."""
        from sync.protocol import ROLE_PROGRAMME, Role  # pydantic: kept off start-up

        try:
            prog = ROLE_PROGRAMME.get(Role(self.role))
        except ValueError:
            return None
        return prog.value if prog else None

    @property
    def is_clinical(self) -> bool:
        """Whether this worker records vitals and screenings (nurses)."""
        from sync.protocol import Programme

        return self.programme == Programme.visiting_health.value
