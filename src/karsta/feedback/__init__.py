"""Listening: survey scores with honest statistics, the quiet period and the staff's view."""
