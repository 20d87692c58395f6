"""Plugins: the contract is in ``hookspecs``, loading and enablement in ``manager``."""

from ptcc.plugins.hookspecs import hookimpl
from ptcc.plugins.types import ActivityType, Block, Dataset, MenuItem, PluginInfo, ReportableType, SearchResult

__all__ = ["ActivityType", "Block", "Dataset", "MenuItem", "PluginInfo", "ReportableType", "SearchResult", "hookimpl"]
