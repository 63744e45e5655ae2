"""Listening: what customers say in open answers (language, lemmas, themes)."""
