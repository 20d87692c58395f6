"""Test support published as a pytest plugin (entry point ``pytest11: ptcc``).

A plugin's own test suite gets ``app``, ``client``, ``runner``, the two
territories ``alpha`` and ``beta``, ``territory_client`` and the factories.
"""
