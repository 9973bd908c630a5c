"""A stand-in for a site's self-hosted geocoder (Nominatim's /search and Photon's /api), run in a thread."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KNOWN_STREET = "Minzu"
KNOWN_LAT, KNOWN_LNG = 22.8155, 108.3275


class _Handler(BaseHTTPRequestHandler):
    server: "FakeGeocoder"

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query).get("q", [""])[0]
        self.server.requests.append((url.path, query))
        mode = self.server.mode
        if mode == "error":
            return self._send(500, b"internal error", "text/plain")
        if mode == "slow":
            time.sleep(self.server.slow_seconds)
        if mode == "html":
            return self._send(200, b"<html><body>proxy login</body></html>", "text/html")
        lat, lng = self.server.answer
        known = KNOWN_STREET in query
        if url.path.endswith("/api"):  # Photon: GeoJSON features
            features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
                         "properties": {"name": query}}] if known else []
            body = {"type": "FeatureCollection", "features": features}
        else:  # Nominatim
            body = [{"lat": str(lat), "lon": str(lng), "display_name": query, "place_id": 1,
                     "boundingbox": [str(lat - 0.001), str(lat + 0.001), str(lng - 0.001), str(lng + 0.001)]}
                    ] if known else []
        return self._send(200, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class FakeGeocoder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.slow_seconds = 3.0
        self.answer = (KNOWN_LAT, KNOWN_LNG)
        self.requests: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


@contextlib.contextmanager
def running_fake_geocoder():
    server = FakeGeocoder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
