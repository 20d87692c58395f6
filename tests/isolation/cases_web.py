from tests.isolation.framework import Case

ORDER = 0


def seed(ctx):
    return {}


CASES = {
    "static": Case(values=lambda v: {"filename": "ptcc.css"}),
    "web.index": Case(),
    "web.platform_index": Case(),
    "web.health": Case(),
    "web.theme_css": Case(),
    "web.logo": Case(),
    "web.banner": Case(),
    "web.font": Case(values=lambda v: {"filename": "atkinson-hyperlegible-latin-400-normal.woff2"}),
    "web.set_language": Case(form={"locale": "en", "next": "/"}),
    # Part of beta's marker, so that a result drawn from beta would show the whole marker.
    "web.search": Case(values=lambda v: {"q": "SECRET"}),
    "web.open_data": Case(),
    "web.dashboard": Case(),
}
