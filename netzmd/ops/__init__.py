"""Click-free use cases: a write command from note to commit, making a vault, templates in use."""
