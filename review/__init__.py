"""The review app (``ogi serve``): check every number against its source, and correct it.

It reads a harvest's data folder — the record stores, the WARC archive and
``corrections.csv`` — and writes only corrections (:mod:`output.corrections`). It sits beside
``ogi/`` on the top floor: no stage of the pipeline imports it.

    from review import create_app, serve
    serve("data")                       # http://127.0.0.1:8765/
    app = create_app("data")            # an ASGI app, for any ASGI server or a test client
"""

from review.app import create_app
from review.serve import serve

__all__ = ["create_app", "serve"]
