"""The metric catalog: one small function and one card per metric."""
