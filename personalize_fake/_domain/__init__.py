"""Pure logic that knows neither the wire nor the store.

Owns JSON as AWS reads and writes it (``codec``) and Avro schemas (``avro``); filter
expressions, the recipe catalogue and CSV import go here too: functions of values, testable alone.
Imports nothing of the package but itself and ``_errors`` (errors are raised at every level).
"""
