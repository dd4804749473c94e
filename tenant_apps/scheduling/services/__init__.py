"""Writes of the calendar, by subject: `booking` (book an appointment),
`changes` (move it, its statuses, its notes), and `planning` (what both check,
plan and write)."""
