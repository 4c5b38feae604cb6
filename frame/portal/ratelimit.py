"""A small fixed-window rate limit on the shared cache (the same cache allauth's limits use), for
portal actions anyone holding a link can trigger."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

from frame.lib.requestcontext import client_ip


def allow(request: HttpRequest, *, action: str, limit: int, per_seconds: int) -> bool:
    """Count one attempt from this address; False once it has made `limit` in the window."""
    window = int(time.time() // per_seconds)
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"frame:portal-rl:{action}:{digest}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: start the window again
        cache.set(key, 1, timeout=per_seconds + 5)
        return True
    return count <= limit
