"""What ``ptcc_search_sources`` may declare (ptcc.search.sources)."""

from __future__ import annotations

import pytest

from ptcc.search import Dependency, Document, SearchSource
from ptcc.search.sources import SourceError, Sources


def _source(**overrides):
    from ptcc.organisations.models import Organisation

    values = {"kind": "garden_club.garden", "model": Organisation, "document": lambda obj: Document(obj.name)}
    values.update(overrides)
    return SearchSource(**values)


def test_the_installed_plugins_declare_organisations_and_missions(app):
    from ptcc.search.sources import sources

    found = sources(app)
    assert {"organisations.organisation": "organisations", "volunteering.mission": "volunteering"}.items() \
        <= found.owners.items()


@pytest.mark.parametrize("overrides, message", [
    ({"kind": "other.garden"}, "must be 'garden_club.<name>'"),
    ({"kind": "garden_club"}, "must be 'garden_club.<name>'"),
    ({"kind": "garden_club.Garden"}, "must be 'garden_club.<name>'"),
    ({"model": object}, "must be a mapped class"),
    ({"fields": ("name", "colour")}, "has no attribute 'colour'"),
    ({"depends_on": ("Topic",)}, "Dependency objects"),
])
def test_a_source_that_breaks_the_contract_is_refused(overrides, message):
    with pytest.raises(SourceError, match=message):
        Sources().add("garden_club", _source(**overrides))


def test_a_dependency_on_an_unknown_field_and_a_kind_declared_twice_are_refused():
    from ptcc.organisations.models import Topic

    with pytest.raises(SourceError, match="Topic has no attribute 'label'"):
        Sources().add("garden_club", _source(depends_on=(Dependency(Topic, lambda topics: [], ("label",)),)))
    sources = Sources()
    sources.add("garden_club", _source())
    with pytest.raises(SourceError, match="declared twice"):
        sources.add("garden_club", _source())
    with pytest.raises(SourceError, match="SearchSource objects"):
        sources.add("garden_club", {"kind": "garden_club.plot"})
