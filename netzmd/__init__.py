"""netzmd: a plain-text manager for your professional network."""

__version__ = "0.1.0"
