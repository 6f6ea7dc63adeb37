"""The local dashboard: ``innercircle serve`` (Starlette + uvicorn, bound to 127.0.0.1 by default)."""

from __future__ import annotations

__all__ = ["Dashboard", "create_app"]


def __getattr__(name: str):
    # Keep `import innercircle.web` light: the web stack loads when the app is made.
    if name == "Dashboard":
        from .dashboard import Dashboard
        return Dashboard
    if name == "create_app":
        from .app import create_app
        return create_app
    raise AttributeError(f"module 'innercircle.web' has no attribute {name!r}")
