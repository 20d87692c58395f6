"""The console mail backend prints each e-mail decoded: readable headers, the body as text."""

from __future__ import annotations

import io
from email import message_from_bytes

from ptcc.extensions import db
from ptcc.outbox.backends import ConsoleBackend, build_email, readable
from ptcc.tenancy import tenant_context

SUBJECT = "Vérifiez votre adresse e-mail — Lyon Métropole, territoire de coopération citoyenne à l'échelle de la métropole"
LINK = ("http://lyon.localhost:5123/comptes/verification/"
        "eyJ1c2VyIjo0MiwiZW1haWwiOiJjYW1pbGxlQGx5b24uZXhhbXBsZSJ9.Zy8c3Q.kF0x9Yb7m2Jc1Qd8fHs4LwPn6RtVuXe3Aa0")
BODY = (f"Bonjour Camille,\n\nPour confirmer votre adresse, ouvrez ce lien dans les sept jours :\n{LINK}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message. — L'équipe de Lyon Métropole\n")


def printed(message) -> str:
    stream = io.StringIO()
    ConsoleBackend({}, stream=stream).send(message)
    return stream.getvalue()


def test_the_raw_message_is_encoded_so_the_console_must_decode_it():
    raw = build_email("PTCC <no-reply@ptcc.localhost>", "camille@lyon.example", SUBJECT, BODY).as_string()
    assert "=?utf-8?" in raw and SUBJECT not in raw  # RFC 2047 words, folded
    assert LINK not in raw  # quoted-printable or base64 cut the long line


def test_console_prints_headers_and_body_decoded_with_the_link_whole():
    output = printed(build_email("PTCC <no-reply@ptcc.localhost>", "camille@lyon.example", SUBJECT, BODY))

    lines = output.splitlines()
    assert f"Subject: {SUBJECT}" in lines  # decoded, unfolded onto one line
    assert "From: PTCC <no-reply@ptcc.localhost>" in lines and "To: camille@lyon.example" in lines
    assert LINK in lines  # on a line of its own, as written: a terminal can open it
    assert "ouvrez ce lien dans les sept jours :" in output and "— L'équipe de Lyon Métropole" in output
    for encoded in ("=?utf-8?", "=C3=A9", "=\n", "Content-Transfer-Encoding"):
        assert encoded not in output
    assert lines[-1] == "-" * 72


def test_a_message_parsed_from_bytes_prints_decoded_too():
    parsed = message_from_bytes(build_email("a@ptcc.localhost", "b@lyon.example", SUBJECT, BODY).as_bytes())
    output = printed(parsed)
    assert f"Subject: {SUBJECT}" in output and LINK in output.splitlines()


def test_outbox_drain_through_the_console_backend(app):
    from ptcc.outbox.services import drain, queue_email

    stream = io.StringIO()
    with tenant_context("alpha", app=app):
        queue_email("camille@alpha.example", SUBJECT, BODY)
        db.session.commit()
        assert drain(backend=ConsoleBackend(app.config, stream=stream)) == (1, 0)
    output = stream.getvalue()
    assert f"Subject: {SUBJECT}" in output and LINK in output.splitlines()
    assert readable(build_email("x@y.z", "camille@alpha.example", SUBJECT, BODY)).endswith(BODY)
