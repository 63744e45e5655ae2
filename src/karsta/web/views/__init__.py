"""The pages, one module per page family; their templates are in `templates/<family>/`."""
