"""reportgen: structured, cited research briefs -> checked static site."""

__version__ = "0.1.0"
