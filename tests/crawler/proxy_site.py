"""Saved pages served at their own URLs: an HTTP proxy on 127.0.0.1 that answers for any host, https included.

A crawl of ``https://www.example.com/news/x`` through this proxy fetches the
saved page whose canonical URL that is, over real HTTP (and TLS inside a
CONNECT tunnel, with a throwaway self-signed certificate: Scrapy does not
verify certificates by default). So the live path (download, decode, spider,
pipelines, export) runs on exactly the URL the saved file names itself by.
"""

from __future__ import annotations

import datetime
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server TLS context with a new self-signed certificate (its name does not matter to Scrapy)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sieve-test-proxy")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


class ProxySite:
    """``pages``: absolute URL -> (content type, body). Every URL asked for is recorded in ``requested``."""

    def __init__(self, pages: dict[str, tuple[str, bytes]]) -> None:
        self.pages = pages
        self.requested: list[str] = []
        self._tmp = tempfile.TemporaryDirectory()
        self.tls = self_signed_context(Path(self._tmp.name))
        self.server: ThreadingHTTPServer | None = None

    @property
    def proxy_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, url: str) -> tuple[int, str, bytes]:
        self.requested.append(url)
        page = self.pages.get(url)
        if page is None:
            return 404, "text/plain", b"not found"
        return 200, page[0], page[1]

    def start(self) -> ProxySite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name): a proxied http:// request
                self._send(*site.answer(self.path))

            def do_CONNECT(self) -> None:  # noqa: N802: an https:// request, tunnelled
                host = self.path.split(":", 1)[0]
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                try:
                    tls = site.tls.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                reader = tls.makefile("rb")
                try:
                    while True:
                        request_line = reader.readline(65537)
                        if not request_line.strip():
                            break
                        while reader.readline(65537).strip():
                            pass  # headers: nothing in them matters here
                        path = request_line.split()[1].decode("latin-1")
                        url = path if path.startswith("https://") else f"https://{host}{urlsplit(path).path}"
                        if urlsplit(path).query:
                            url += "?" + urlsplit(path).query
                        status, content_type, body = site.answer(url)
                        head = (
                            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
                        )
                        tls.sendall(head.encode("latin-1") + body)
                except (OSError, IndexError, ssl.SSLError):
                    pass
                finally:
                    self.close_connection = True
                    try:
                        tls.close()
                    except OSError:
                        pass

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self._tmp.cleanup()

    def env(self) -> dict[str, str]:
        """Environment for a ``scrapy`` subprocess that sends every request through this proxy."""
        return {"http_proxy": self.proxy_url, "https_proxy": self.proxy_url, "no_proxy": "", "NO_PROXY": ""}
