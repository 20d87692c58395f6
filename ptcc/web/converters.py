"""URL converters with the database's bounds, so that a route never receives what no row has.

``<int:id>`` stops at 2³¹ − 1, the largest value of an integer column (a larger number
cannot name a row, and binding it fails on PostgreSQL: it is a 404, not a 500), and a path segment
stops at ``MAX_SEGMENT`` characters. They replace Werkzeug's defaults under the same names,
so core modules and plugins get them without writing anything.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, UnicodeConverter

from ptcc.web.input import INT_MAX

#: Longer than any slug or signed token the platform makes.
MAX_SEGMENT = 1000


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=INT_MAX if max is None else max, signed=signed)


class BoundedStringConverter(UnicodeConverter):
    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength or MAX_SEGMENT, length=length)


def install(url_map) -> None:
    url_map.converters.update(int=BoundedIntegerConverter, default=BoundedStringConverter,
                              string=BoundedStringConverter)
