"""Online booking for patients: the spa's public booking API and pages.

Unauthenticated, on the spa's own host at `/booking/graphql/` (its own small
schema, `config/schema_booking.py`): the service menu, free slots, booking with
a name, email and phone (and the date of birth when a service requires forms:
the forms link asks for it), and a single-use emailed link to cancel or move
the booking within the spa's policy. What it shows is what a patient may see: no
client records, no appointments but the one a link manages, no busy time.

- `selectors.py`: the public reads (menu, locations, free slots, the starts a
  booking may take), with the checks every public input gets;
- `services/`: `booking.py` (book), `links.py` (the manage links),
  `changes.py` (cancel or move a booking with its link);
- `errors.py`: the codes of its refusals;
- `emails.py`: what the patient receives;
- `throttling.py`: per-address rate limits, checked before a request runs;
- `pages.py`, `templates/booking/`, `static/booking/`: the patients' pages;
- `graphql/`: the API.

Bookings are the calendar's appointments (tenant_apps/scheduling): this app
has no models.
"""
