"""The JSON API: one ninja router per app, all mounted under /api/ (OpenAPI at /api/openapi.json).

Each app's router declares its full paths (e.g. "/zones/{code}/quantum"), so several apps can
contribute endpoints about zones without sharing a file.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from ddm import __version__
from ddm.accounts.api_auth import TokenAuth
from ddm.alignment.api import router as alignment_router
from ddm.capacity.api import router as capacity_router
from ddm.engagement.api import router as engagement_router
from ddm.facilities.api import router as facilities_router
from ddm.investment.api import router as investment_router
from ddm.oneplan.api import router as oneplan_router
from ddm.places.api import router as places_router
from ddm.profiles.api import router as profiles_router
from ddm.web import InvalidRequest

# What ninja answers before an operation runs: 422 with its list of field errors when a parameter or the
# body is refused (ddm.web.InvalidRequest), 401 {"detail": "Unauthorized"} without credentials.
INVALID_REQUEST = {
    "description": "A parameter or the body is invalid",
    "content": {"application/json": {"schema": InvalidRequest.model_json_schema()}},
}
# 400 {"detail": "Cannot parse request body"} when a JSON body is not JSON at all.
UNPARSABLE_BODY = {
    "description": "The JSON body cannot be read as JSON",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["detail"], "title": "Unparsable body",
        "properties": {"detail": {"type": "string"}},
    }}},
}
UNAUTHORIZED = {
    "description": "No valid session or API token",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["detail"], "title": "Unauthorized",
        "properties": {"detail": {"type": "string"}},
    }}},
}


class DdmApi(NinjaAPI):
    """The API whose OpenAPI document states every answer an operation can give (the contract that
    tests/api/test_openapi_contract.py checks): each operation declares its own answers in `response=`,
    and this adds the ones ninja gives itself (422, 400 for a JSON body that is not JSON, 401) and the
    GeoJSON media type of `*.geojson` paths."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
                           ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                _add_framework_answers(operation)
                if path.endswith(".geojson"):
                    _answer_geojson(operation)
        return schema


def _add_framework_answers(operation: dict[str, Any]) -> None:
    answers = operation["responses"]
    if operation.get("parameters") or operation.get("requestBody"):
        answers.setdefault(422, INVALID_REQUEST)
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        answers.setdefault(400, UNPARSABLE_BODY)
    if operation.get("security"):
        answers.setdefault(401, UNAUTHORIZED)


def _answer_geojson(operation: dict[str, Any]) -> None:
    """ddm.web.geojson_response sends application/geo+json, so GIS tools recognise a saved file."""
    ok = operation["responses"][200]
    ok["content"] = {"application/geo+json": ok["content"]["application/json"]}


api = DdmApi(
    title="DDM Hub API",
    version=__version__,
    description="Places, profiles, investment, One Plans, capacity and engagement of South Africa's "
    "52 IGR Impact Zones. Reads are public; writes need a session (with CSRF) or an API token.",
    urls_namespace="api",
)
WRITE_AUTH = [TokenAuth(), django_auth]

for router in (places_router, investment_router, profiles_router, alignment_router, oneplan_router,
               capacity_router, engagement_router, facilities_router):
    api.add_router("", router)
