"""Qt objects without widgets that adapt the core to the event loop."""
