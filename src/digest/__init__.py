"""digest: a static-site news digest generator for page text copied from the web."""

__version__ = "0.1.0"
