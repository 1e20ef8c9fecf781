"""Pure data and rules: the contact, dates and cadences, recurrence, names, what changed in
meaning, and the agenda's rules. Imports nothing of netzmd but errors."""
