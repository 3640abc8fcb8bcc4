"""The wire: how a request arrives and its answer leaves, the same for every way in.

Owns the dispatcher every adapter calls (``dispatch``), the botocore hook, the ``requests``
interception, the HTTP server with its guard, front door and ``/_fake/`` admin endpoints,
and the fast response parser. Knows the protocols, never a resource's rules.
May import ``_model``, ``_state``, ``_domain`` and the top-level support modules, and ``_api``
only through ``_api.registry`` (handlers are found by name, never imported here).
"""
