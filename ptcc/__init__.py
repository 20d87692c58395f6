"""PTCC — Plateforme Territoriale de Coopération Citoyenne."""

__version__ = "0.1.0"
