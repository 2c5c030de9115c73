"""Widgets: layout, presentation, and turning user intent into calls."""
