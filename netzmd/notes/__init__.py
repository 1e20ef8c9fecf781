"""One note's bytes: reading a note (YAML read literally), byte-exact edits of its front matter and
body, atomic writes."""
