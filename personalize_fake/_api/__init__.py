"""The operations' handlers, one module per API chapter (personalize-events in ``events``).

Each handler registers in ``registry`` when its module is imported; the modules also hold,
for now, the resource classes their handlers create. Importing this package imports no
handler module: ``registry.load_handlers`` does, when handlers are first needed.
May import ``_state``, ``_model``, ``_domain`` and the top-level support modules; never ``_wire``.
"""
