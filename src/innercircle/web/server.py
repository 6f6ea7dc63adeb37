"""Running the dashboard: uvicorn with idle connections closed, whatever state they are in.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive`` seconds, but a connection
that never sends a request, or stops in the middle of its headers, is kept open for ever: enough
of them exhaust the server. :class:`IdleTimeout` closes those too, counting from when the server
started waiting for a request (so sending a byte now and then does not keep a connection alive).
"""

from __future__ import annotations

#: Seconds a connection may stay without a complete request.
IDLE_TIMEOUT = 10


def protocol():
    """The uvicorn HTTP protocol class with the idle timeout (imported late: uvicorn is heavy)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class IdleTimeout(H11Protocol):
        """H11Protocol that also times out connections waiting for (the rest of) a request."""

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._deadline = self.loop.time() + self.timeout_keep_alive
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._deadline = self.loop.time() + self.timeout_keep_alive

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing() and self.timeout_keep_alive_task is None:
                self._arm()

        def _arm(self) -> None:
            self._unset_keepalive_if_required()
            delay = max(0.0, self._deadline - self.loop.time())
            self.timeout_keep_alive_task = self.loop.call_later(delay, self._expire)

        def _expire(self) -> None:
            try:
                self.timeout_keep_alive_handler()
            except Exception:  # noqa: BLE001 - h11 may refuse a close mid-request: close the socket anyway
                self.transport.close()

    return IdleTimeout


def serve(app, *, host: str, port: int, idle_timeout: int = IDLE_TIMEOUT) -> None:
    """Serve ``app`` until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, http=protocol(),
                timeout_keep_alive=idle_timeout)
