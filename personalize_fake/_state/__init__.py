"""What a mock holds and how it changes.

Owns the store (accounts, regions, resources, recorded data, its lock), the status chains a
resource moves through (``transitions`` declares them per class, ``lifecycle`` drives them),
List tokens (``pagination``) and the server's state file (``journal``, ``persistence``).
May import ``_domain``, ``_errors`` and ``_settings``; never ``_model``, ``_api`` or ``_wire``.
"""
