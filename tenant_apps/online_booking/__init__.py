"""Online booking for patients: the spa's public booking API.

Unauthenticated, on the spa's own host at `/booking/graphql/` (its own small
schema, `config/schema_booking.py`): the service menu, free slots, booking with
a name, email and phone, and a single-use emailed link to cancel or move the
booking within the spa's policy. What it shows is what a patient may see: no
client records, no appointments but the one a link manages, no busy time.

- `selectors.py`: the public reads (menu, locations, free slots, the booking a
  link manages), with the checks every public input gets;
- `services.py`: book, cancel, reschedule, and the manage links;
- `emails.py`: what the patient receives;
- `throttling.py`: per-address rate limits, checked before a request runs;
- `graphql/`: the API.
"""
