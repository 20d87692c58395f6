"""The in-process store of cached values is bounded by the size of what it holds."""

from __future__ import annotations

import pickle

from ptcc.caching import LocalStore


def test_the_oldest_values_go_first_once_the_bytes_are_spent():
    value = "x" * 1000
    size = len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    store = LocalStore(max_bytes=size * 3)
    for key in "abc":
        store.set(key, value)
    store.get("a")  # used again: "b" is now the oldest
    store.set("d", value)
    assert [store.get(key) is not None for key in "abcd"] == [True, False, True, True]
    assert store.used == size * 3


def test_a_value_larger_than_the_whole_store_is_not_kept_and_evicts_nothing():
    store = LocalStore(max_bytes=2000)
    store.set("small", "s")
    store.set("huge", "h" * 5000)
    assert store.get("huge") is None
    assert store.get("small") == "s"


def test_replacing_a_value_counts_its_new_size_only():
    store = LocalStore(max_bytes=10_000)
    store.set("k", "a" * 4000)
    store.set("k", "b" * 10)
    assert store.used < 100 and len(store) == 1


def test_a_thousand_territories_of_small_values_fit_in_the_default(app):
    # Four thousand entries (a thousand territories' figures, settings, choices) were the old
    # bound; the default bytes hold them.
    from ptcc.caching import LOCAL_BYTES

    store = LocalStore(LOCAL_BYTES)
    figures = {"organisations": 2000, "members": 35000, "kinds": {"association": 1800, "collectif": 200}}
    for territory in range(1000):
        for name in ("figures", "settings", "choices", "latest"):
            store.set((f"t{territory:04}", name, (), 1), (figures,))
    assert len(store) == 4000


def test_a_tiered_store_keeps_near_what_it_found_far():
    from ptcc.caching import TieredStore

    shared = LocalStore(max_bytes=100_000)  # stands for Redis: what every worker sees
    one, other = TieredStore(LocalStore(100_000), shared), TieredStore(LocalStore(100_000), shared)
    one.set(("alpha", "figures", 7), {"organisations": 3})
    assert shared.get(("alpha", "figures", 7)) == {"organisations": 3}
    assert other.near.get(("alpha", "figures", 7)) is None
    assert other.get(("alpha", "figures", 7)) == {"organisations": 3}  # from the shared store
    shared.clear()
    assert other.get(("alpha", "figures", 7)) == {"organisations": 3}  # now from its own copy
    assert other.get(("alpha", "figures", 8)) is None  # another version: not there
