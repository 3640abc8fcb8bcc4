"""The three Personalize service models, indexed once for routing.

botocore's models are the ground truth for operations, shapes, routes and
error codes; everything here is read from them, nothing is listed by hand.
Loading costs ~30 ms, so it happens on first use, not at import.
"""

from __future__ import annotations

import functools

import attrs
from botocore import xform_name
from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAMES = ("personalize", "personalize-events", "personalize-runtime")


@attrs.frozen(eq=False)
class Operation:
    """One modeled operation and what routing and handling need of it.

    Compared and hashed by identity: the catalog makes each exactly once, and
    per-call lookups keyed on it must not hash seven fields.
    """

    service: str
    name: str
    protocol: str
    model: OperationModel
    input_shape: Shape | None
    output_shape: Shape | None
    method: str
    """The HTTP method the model states (``http.method``): JSON 1.1 routes by it too."""

    @property
    def python_name(self) -> str:
        """The boto3 method name, which is also the handler's: ``put_events``."""
        return str(xform_name(self.name))


@attrs.frozen
class Catalog:
    """Routes and models of all three services, built once per process."""

    services: dict[str, ServiceModel]
    by_target: dict[str, Operation]
    by_route: dict[tuple[str, str], Operation]
    error_status: dict[tuple[str, str], int]

    def operations(self) -> list[Operation]:
        return [*self.by_target.values(), *self.by_route.values()]

    def operation(self, service: str, name: str) -> Operation:
        for op in self.operations():
            if op.service == service and op.name == name:
                return op
        raise KeyError(f"{service}.{name}")

    def status_for(self, service: str, code: str) -> int:
        """HTTP status of an error code: from the model for REST-JSON, 400 for JSON 1.1."""
        return self.error_status.get((service, code), 400)


@functools.cache
def catalog() -> Catalog:
    """Load the three models and index every operation by how it arrives on the wire."""
    loader = create_loader()
    services: dict[str, ServiceModel] = {}
    by_target: dict[str, Operation] = {}
    by_route: dict[tuple[str, str], Operation] = {}
    error_status: dict[tuple[str, str], int] = {}
    for service in SERVICE_NAMES:
        model = ServiceModel(loader.load_service_model(service, "service-2"), service)
        services[service] = model
        for shape in model.error_shapes:
            status = shape.metadata.get("error", {}).get("httpStatusCode")
            if status is not None:
                error_status[(service, shape.name)] = int(status)
        for name in model.operation_names:
            op_model = model.operation_model(name)
            http = op_model.http
            op = Operation(
                service=service,
                name=name,
                protocol=model.protocol,
                model=op_model,
                input_shape=op_model.input_shape,
                output_shape=op_model.output_shape,
                method=http.get("method", "POST"),
            )
            if model.protocol == "json":
                by_target[f"{model.metadata['targetPrefix']}.{name}"] = op
            else:
                by_route[(op.method, http["requestUri"])] = op
    return Catalog(services, by_target, by_route, error_status)
