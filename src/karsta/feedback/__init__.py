"""Listening: survey scores with honest statistics, the quiet period, the staff's view, themes.

Themes: what customers say in open answers (language, lemmas, themes, recurrence).
"""
