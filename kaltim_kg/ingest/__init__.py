"""Drafting curated fact files from news articles and press releases (`kaltim-kg extract`)."""
