"""A fake reverse proxy on loopback for the integration tests: forwards every request to one upstream
and appends the address it was connected from to ``X-Forwarded-For``, like nginx's
``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``. Clients tell themselves apart by
connecting from different loopback addresses (127.0.0.2, 127.0.0.3…: all of 127/8 is local)."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = ("127.0.0.1", 0)

    def log_message(self, *args):
        pass

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {key: value for key, value in self.headers.items() if key.lower() not in HOP_BY_HOP}
        headers.pop("X-Forwarded-For", None)
        received = self.headers.get("X-Forwarded-For")
        peer = self.client_address[0]
        headers["X-Forwarded-For"] = f"{received}, {peer}" if received else peer
        headers["X-Forwarded-Proto"] = "http"
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(content)
        finally:
            connection.close()
        self.close_connection = True

    do_GET = do_POST = do_HEAD = _forward


class FakeProxy:
    """``with FakeProxy(upstream_port) as proxy:`` listens on 127.0.0.1:``proxy.port``."""

    def __init__(self, upstream_port):
        handler = type("Handler", (_Handler,), {"upstream": ("127.0.0.1", upstream_port)})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
