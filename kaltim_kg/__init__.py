"""kaltim-kg: East Kalimantan SME export facts as linked data."""

__version__ = "0.1.0"
