"""briefgen: one-page policy briefs from a store of sourced facts."""

__version__ = "0.1.0"
