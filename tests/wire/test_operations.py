"""Every operation of the models, as the issue lists them: routed to a real handler, and a
request missing a required member refused with the error the model declares, before any
handler runs. (Each success is held to its output shape in test_output_shapes.py; hostile
values to every operation are test_hostile.py's.)
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from personalize_fake import PersonalizeFake
from personalize_fake._api.registry import load_handlers
from personalize_fake._model.catalog import catalog

UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
OPERATIONS = [(op.service, op.name) for op in catalog().operations()]
WITH_REQUIRED = [
    (service, name)
    for service, name in OPERATIONS
    if (shape := catalog().operation(service, name).input_shape) is not None
    and shape.required_members
]


def test_every_operation_has_a_handler() -> None:
    """Every operation of the three models has a handler: none answers NotImplemented."""
    handlers = load_handlers()
    missing = {(op.service, op.name) for op in catalog().operations()}
    missing -= {
        (op.service, op.name) for op in catalog().operations() if op.python_name in handlers
    }
    assert missing == set()


@pytest.mark.parametrize(("service", "name"), WITH_REQUIRED, ids=lambda v: str(v))
def test_a_missing_required_member_is_refused_with_a_modeled_error(
    personalize_fake: PersonalizeFake, service: str, name: str
) -> None:
    """A request without its required members answers 400 naming the first one, with an error
    the operation declares (or the protocol's ValidationException), and changes nothing."""
    op = catalog().operation(service, name)
    assert op.input_shape is not None
    client: Any = boto3.client(service, region_name="us-east-1", config=UNCHECKED)
    with pytest.raises(ClientError) as refused:
        getattr(client, xform_name(name))()
    error = refused.value.response["Error"]
    declared = {shape.name for shape in op.model.error_shapes}
    assert error["Code"] in declared | {"ValidationException"}, error
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    first = op.input_shape.required_members[0]
    assert f"Value null at '{first}'" in error["Message"] or first in error["Message"], error
    assert personalize_fake.store.regions == {}
