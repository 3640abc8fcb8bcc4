"""What a mock holds and how it changes.

Owns the store (accounts, regions, resources, recorded data, its lock), the statuses a
resource moves through (``lifecycle``), List tokens (``pagination``) and the server's state
file (``journal``, ``persistence``).
May import ``_domain``, ``_errors`` and ``_settings``; never ``_model``, ``_api`` or ``_wire``.
"""
