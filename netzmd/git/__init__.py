"""Git as the audit trail: running git, committing exactly the files written, history, News."""
