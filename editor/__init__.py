"""Galley: a desktop editor and previewer for Markdown posts in static sites."""

__version__ = "0.1.0"
