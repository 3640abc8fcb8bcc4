"""What botocore's service models say, and checks generated from them.

Owns the catalogue of operations and shapes (``catalog``), input validation (``validation``,
``fastcheck``, ``faithful``), the models' Java regexes matched in linear time (``patterns``,
``automaton``, ``linear``) and the table of docs/operations.md (``coverage``).
May import ``_domain`` and ``_errors``; never ``_state``, ``_api`` or ``_wire``.
"""
