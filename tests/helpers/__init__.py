"""Test helpers shared across the suites (live server, synthetic worlds, a tiny API client)."""
