# Fixtures come from ptcc.testing.pytest_plugin (registered as the `ptcc` pytest plugin).
