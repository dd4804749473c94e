"""Writes of online booking, by subject: `booking` (the form's checks and
`online_book`), `links` (the manage links), `changes` (cancel or move a booking
with its link)."""
