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
    "web.set_language": Case(form={"locale": "en", "next": "/"}),
}
