"""돌봄노트 domain: records, rules, instruments, schedules and the encrypted local store.

This package never imports Qt or HTTP code; a test proves it.
"""

__version__ = "0.1.0"
