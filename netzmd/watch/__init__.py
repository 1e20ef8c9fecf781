"""netzmd watch: keeping the index and the agenda note current while notes are edited."""
