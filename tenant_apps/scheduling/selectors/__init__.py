"""Reads of the calendar, by subject: `appointments` (ranges of appointments
and what a page of them prefetches) and `availability` (what a booking may
name, and the free slots)."""
