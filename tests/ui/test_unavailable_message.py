"""A 503 from the server is said as 'temporarily unavailable', not as an internal error."""

from __future__ import annotations

from typing import Any

from sync.client_errors import ServerUnavailableError


def test_the_window_says_temporarily_unavailable_in_korean(ui_app: Any) -> None:
    from ui.errors import is_known, message_for

    err = ServerUnavailableError("Server temporarily unavailable (HTTP 503)", status=503)
    text = message_for(err)
    assert is_known(err)
    assert text.startswith("서버를 잠시 쓸 수 없습니다") and "처리하지 못했습니다" not in text
