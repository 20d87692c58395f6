"""HTTP/1.1 over a bare socket, for requests that http.client refuses to send.

Malformed Host headers, two Host headers, absolute-form request lines and
obsolete line folding are exactly what a real client library normalises away,
so the isolation suite writes the bytes itself and reads whatever comes back.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

#: Enough for any page of the application; a longer answer is cut, not waited for.
MAX_RESPONSE_BYTES = 2_000_000


@dataclass(frozen=True)
class RawResponse:
    status: int | None  # None: the server closed the connection without an answer
    head: str
    body: str

    def headers(self, name: str) -> list[str]:
        prefix = name.lower() + ":"
        return [line.split(":", 1)[1].strip() for line in self.head.split("\r\n")[1:]
                if line.lower().startswith(prefix)]

    def header(self, name: str) -> str | None:
        values = self.headers(name)
        return values[0] if values else None

    def cookie_paths(self) -> list[str]:
        """The ``Path`` of every cookie the answer sets."""
        return [attribute.split("=", 1)[1] for cookie in self.headers("Set-Cookie")
                for attribute in (part.strip() for part in cookie.split(";"))
                if attribute.lower().startswith("path=")]

    def summary(self) -> str:
        first = self.head.split("\r\n", 1)[0] if self.head else "(no answer)"
        return f"{first} / Location: {self.header('Location')} / body: {self.body[:300]!r}"


def request_bytes(request_line: str, headers: list[tuple[str, str]] | list[str]) -> bytes:
    """A request without a body: the request line, the header lines as given, a blank line.

    Each header is ``(name, value)`` or an already formatted line (for folding and
    other shapes a name/value pair cannot express). ``Connection: close`` is always
    added so that reading until the end of the stream reads exactly one answer.
    """
    lines = [request_line]
    for header in headers:
        lines.append(header if isinstance(header, str) else f"{header[0]}: {header[1]}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def exchange(port: int, payload: bytes, timeout: float = 10.0) -> RawResponse:
    """Send ``payload`` to 127.0.0.1:``port`` and read until the server closes."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    received = 0
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)  # nothing more is coming: lets the server answer a short request
        while received < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    return parse(b"".join(chunks))


def parse(raw: bytes) -> RawResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    text_head = head.decode("latin-1")
    status = None
    parts = text_head.split(" ", 2)
    if len(parts) >= 2 and parts[0].startswith("HTTP/") and parts[1].isdigit():
        status = int(parts[1])
    if re.search(r"(?im)^transfer-encoding:.*chunked", text_head):
        body = dechunk(body)  # chunk sizes must not split a marker the test looks for
    return RawResponse(status=status, head=text_head, body=body.decode("utf-8", "replace"))


def dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return bytes(out)
