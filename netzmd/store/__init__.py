"""The SQLite index of the notes (a disposable cache) and the queries over it."""
