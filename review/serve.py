"""Run the review app on a local port (what ``ogi serve`` calls)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8765


def allowed_hosts(host: str) -> set[str]:
    """The host names requests may be addressed to: the loopback names, and the bound host."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in (LOOPBACK, "localhost", "::1"):
        names.add(f"[{host}]" if ":" in host else host)
        if host in ("0.0.0.0", "::"):
            names.add("*")  # bound everywhere on purpose: any name the machine is reached by
            names.add(socket.gethostname().lower())
    return names


def serve(
    data_dir: str | os.PathLike,
    *,
    host: str = LOOPBACK,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the review app for ``data_dir`` until interrupted (Ctrl-C)."""
    import uvicorn

    from review.app import create_app

    app = create_app(data_dir, allowed_hosts=allowed_hosts(host))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if on_ready is not None:
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"http://{shown}:{port}/")
    server.run()
