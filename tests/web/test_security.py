from ptcc.web.markdown import render_markdown
from ptcc.web.theme import contrast_ratio, meets_aa


def test_security_headers_on_every_page(alpha, client):
    for response in (alpha.get("/"), client.get("/", headers={"Host": "localhost"}), alpha.get("/nope")):
        headers = response.headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # development config


def test_post_without_csrf_is_refused(alpha):
    response = alpha.post("/language", data={"locale": "en"})
    assert response.status_code == 400


def test_markdown_is_sanitised():
    html = str(render_markdown("# Titre\n\n<script>alert(1)</script> [x](javascript:alert(1)) **gras**"))
    # Raw HTML is shown as text and the javascript: link is not made a link.
    assert "<script>" not in html and 'href="javascript:' not in html and "&lt;script&gt;" in html
    assert "<h2>Titre</h2>" in html and "<strong>gras</strong>" in html


def test_markdown_links_get_safe_rel():
    html = str(render_markdown("[site](https://example.org)"))
    assert 'href="https://example.org"' in html and "noopener" in html


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert meets_aa("#1f4e8c") and not meets_aa("#ffff00")


def test_unknown_page_is_a_friendly_404(alpha):
    response = alpha.get("/does-not-exist")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
