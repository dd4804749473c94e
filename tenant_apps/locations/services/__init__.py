"""Writes of the locations app, by subject: `locations` (locations, opening
hours, the plan's cap) and `resources` (resource types, rooms and devices)."""
