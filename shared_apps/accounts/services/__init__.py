"""Writes for accounts, by subject: `tokens` (signing in, API tokens),
`impersonation` (the console's), `owner` (a spa's first owner), `invitations`,
`passwords` (reset and change), `me` (one's own name and phone) and `team`
(roles, deactivation).

Each function takes the spa the request was routed to and never touches another
spa's memberships. Bad input raises `core.errors.field_error` with a code from
`shared_apps/accounts/errors.py`.
"""
