"""The facts store: sourced statistics, quotes and findings, schema-checked."""

from briefgen.facts.loader import load_store
from briefgen.facts.schema import Fact, Kind, Period, Source
from briefgen.facts.store import FactStore

__all__ = ["Fact", "FactStore", "Kind", "Period", "Source", "load_store"]
