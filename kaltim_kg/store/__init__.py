"""Generations on disk: building, loading, dumping and counting a published store."""
