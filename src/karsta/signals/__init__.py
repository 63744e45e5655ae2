"""Warning signals: trends, control charts and the metric combinations worth a look."""
