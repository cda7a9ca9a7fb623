"""The OpenAPI document follows the live data model, and /swagger serves it with Swagger UI 5."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.applications import Starlette
from swagger_ui_bundle import swagger_ui_path

from ledgerport import __version__
from ledgerport.api.docs import docs_routes
from ledgerport.api.openapi import build_openapi
from ledgerport.api.problem import handle_error, problem
from ledgerport.config import ALL_SCOPES, Settings
from ledgerport.errors import FieldError, LedgerportError, ValidationFailed
from ledgerport.model import Entity, FieldType, Registry, Scope, builtin_registry
from ledgerport.model.builtin import BUILTIN_ENTITIES
from ledgerport.model.declare import company_entity, datetime, integer, string
from ledgerport.plan.validate import creation_values
from ledgerport.services import Services
from ledgerport.store.database import Database

ERROR_STATUSES = (400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 502, 503)
WRITE_METHODS = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return builtin_registry()


@pytest.fixture(scope="module")
def doc(registry: Registry) -> dict[str, Any]:
    return build_openapi(registry)


def audit_registry() -> Registry:
    """A model with one read-only entity, as the audit log is."""
    return Registry.build(
        [
            company_entity(
                "auditentries",
                module="audit",
                title="Audit entry",
                key="changeNo",
                read_only=True,
                fields=[
                    integer("changeNo", nullable=False),
                    string("resource", 60, nullable=False),
                    datetime("changedAt", nullable=False),
                ],
            )
        ]
    )


def expected_paths(entity: Entity) -> tuple[str, str]:
    first = "{companyNo}" if entity.scope is Scope.COMPANY else entity.scope.value
    collection = f"/api/{first}/{entity.resource}"
    return collection, collection + "".join(f"/{{{k}}}" for k in entity.key)


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in doc["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    ]


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found = doc["components"]["schemas"][name]
    assert isinstance(found, dict)
    return found


def test_the_built_in_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "ledgerport"
    assert doc["info"]["version"] == __version__
    assert "servers" not in doc


def test_a_server_url_becomes_the_server_and_the_base_of_the_oauth_urls(
    registry: Registry,
) -> None:
    doc = build_openapi(registry, server_url="https://erp.example:8443")
    validate(doc)
    assert doc["servers"] == [{"url": "https://erp.example:8443"}]
    flow = doc["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "https://erp.example:8443/api/oauth/authorize"
    assert flow["tokenUrl"] == "https://erp.example:8443/api/oauth/token"


def test_every_entity_has_its_list_and_item_paths_with_every_method(
    registry: Registry, doc: dict[str, Any]
) -> None:
    data_paths = {path for e in registry.entities for path in expected_paths(e)}
    assert len(data_paths) == 2 * len(registry.entities)
    assert data_paths <= set(doc["paths"])
    assert {"/healthz", "/readyz", "/api/$batch"} <= set(doc["paths"])
    for entity in registry.entities:
        collection, item = expected_paths(entity)
        assert set(doc["paths"][f"{collection}/$count"]) - {"parameters"} == {"get"}
        assert set(doc["paths"][f"{collection}/$delta"]) - {"parameters"} == {"get"}
        assert set(doc["paths"][collection]) - {"parameters"} == {"get", "post"}, collection
        assert set(doc["paths"][item]) - {"parameters"} == {"get", "put", "patch", "delete"}


def test_path_parameters_are_the_key_fields_typed(doc: dict[str, Any]) -> None:
    item = doc["paths"]["/api/{companyNo}/orderlines/{orderNo}/{lineNo}"]
    company, *keys = item["parameters"]
    assert (company["name"], company["in"], company["required"]) == ("companyNo", "path", True)
    assert company["schema"]["type"] == "integer"
    assert [(p["name"], p["in"], p["required"]) for p in keys] == [
        ("orderNo", "path", True),
        ("lineNo", "path", True),
    ]
    assert keys[0]["schema"]["type"] == "integer"
    balance = doc["paths"]["/api/{companyNo}/stockbalances/{productNo}/{warehouseNo}"]
    product = balance["parameters"][1]
    assert product["schema"] == {"type": "string", "maxLength": 40}


def test_company_independent_data_has_no_company_parameter(doc: dict[str, Any]) -> None:
    catalog = doc["paths"]["/api/catalog/products/{productNo}"]
    assert [p["name"] for p in catalog["parameters"]] == ["productNo"]
    assert doc["paths"]["/api/sys/companies"]["parameters"] == []
    assert "/api/{companyNo}/products/{productNo}" in doc["paths"]


def test_operation_ids_are_unique_and_readable(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for op in operations(doc)]
    assert len(ids) == len(set(ids))
    for expected in (
        "listAssociates",
        "getAssociate",
        "createAssociate",
        "replaceAssociate",
        "updateAssociate",
        "deleteAssociate",
        "listSalesOrderLines",
        "sys_listCompanies",
        "sys_getCompany",
        "catalog_listProducts",
        "listProducts",
    ):
        assert expected in ids


def test_operations_are_tagged_by_model_module(registry: Registry, doc: dict[str, Any]) -> None:
    modules = {e.module for e in registry.entities}
    declared = {t["name"] for t in doc["tags"]}
    assert modules | {"health", "batch", "auth", "webhooks", "custom actions"} <= declared
    used = {
        t
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for t in op.get("tags", ())
    }
    assert used == declared  # every tag used is declared, and every declared one used
    associates = doc["paths"]["/api/{companyNo}/associates"]
    assert associates["get"]["tags"] == ["sales"]
    assert doc["paths"]["/api/sys/companies"]["post"]["tags"] == ["sys"]


def test_lists_take_top_and_skip_and_answer_value_and_next_link(doc: dict[str, Any]) -> None:
    operation = doc["paths"]["/api/{companyNo}/associates"]["get"]
    parameters = doc["components"]["parameters"]
    names = [parameters[p["$ref"].rsplit("/", 1)[1]]["name"] for p in operation["parameters"]]
    assert names == [
        "$top",
        "$skip",
        "$filter",
        "$select",
        "$orderby",
        "$expand",
        "$count",
        "$skiptoken",
        "pageSize",
        "pageNumber",
        "lastModifiedDateTime",
        "lastModifiedDateTimeCondition",
        "Prefer",
        "If-None-Match",
    ]
    page = schema(doc, "AssociateList")
    assert {"@odata.count", "@odata.deltaLink", "metadata"} <= set(page["properties"])
    assert page["properties"]["value"]["items"] == {"$ref": "#/components/schemas/Associate"}
    assert page["properties"]["@odata.nextLink"]["format"] == "uri"


def test_writes_document_their_status_codes_and_headers(doc: dict[str, Any]) -> None:
    collection = doc["paths"]["/api/{companyNo}/associates"]
    item = doc["paths"]["/api/{companyNo}/associates/{associateNo}"]
    created = collection["post"]["responses"]["201"]
    assert set(created["headers"]) == {"Location", "ETag"}
    assert "204" in collection["post"]["responses"]
    assert "304" in item["get"]["responses"]
    for method in ("put", "patch", "delete"):
        assert "412" in item[method]["responses"], method
    assert set(item["delete"]["responses"]) >= {"204", "404", "409"}


def test_create_schemas_list_the_required_fields_and_leave_out_server_set_ones(
    doc: dict[str, Any],
) -> None:
    associate = schema(doc, "AssociateCreate")
    assert associate["required"] == ["name"]
    assert "associateNo" in associate["properties"]  # optional: assigned when left out
    assert "createdDateTime" not in associate["properties"]
    assert associate["additionalProperties"] is False
    order = schema(doc, "SalesOrderCreate")
    assert order["required"] == ["customerNo"]
    assert "status" not in order["properties"]
    assert schema(doc, "SalesOrderLineCreate")["required"] == ["orderNo"]


def test_the_entity_schema_marks_server_set_fields_read_only(doc: dict[str, Any]) -> None:
    order = schema(doc, "SalesOrder")["properties"]
    assert order["status"] == {
        "type": "string",
        "maxLength": 10,
        "enum": ["open", "invoiced"],
        "default": "open",
        "readOnly": True,
    }
    assert order["createdDateTime"]["readOnly"] is True
    assert order["@odata.etag"]["readOnly"] is True
    assert "readOnly" not in order["customerNo"]


def test_put_requires_the_required_fields_except_the_key(doc: dict[str, Any]) -> None:
    put = doc["paths"]["/api/{companyNo}/accounts/{accountNo}"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"][0] == {"$ref": "#/components/schemas/Account"}
    assert body["allOf"][1]["required"] == ["name", "accountType"]
    assert schema(doc, "AccountCreate")["required"] == ["accountNo", "name", "accountType"]


def test_field_types_follow_the_value_rules(doc: dict[str, Any]) -> None:
    line = schema(doc, "SalesOrderLine")["properties"]
    assert line["quantity"]["type"] == "number"
    assert line["quantity"]["multipleOf"] == 0.001
    assert line["quantity"]["exclusiveMaximum"] == 10**12
    assert line["unitPrice"]["multipleOf"] == 0.01
    assert line["lineNo"]["type"] == "integer"
    assert line["lineNo"]["format"] == "int64"
    assert line["lineNo"]["maximum"] == 2**53 - 1
    assert line["deliveryDate"] == {"type": ["string", "null"], "format": "date"}
    assert line["productNo"]["type"] == ["string", "null"]
    assert line["productNo"]["maxLength"] == 40
    product = schema(doc, "Product")["properties"]
    assert product["weightKg"]["type"] == ["number", "null"]
    assert product["isStockItem"] == {"type": "boolean", "default": True}
    assert schema(doc, "Associate")["properties"]["createdDateTime"]["format"] == "date-time"


def test_field_descriptions_are_carried_over(doc: dict[str, Any]) -> None:
    associate = schema(doc, "Associate")["properties"]
    assert associate["orgNo"]["description"] == "Organisation number."


def test_a_read_only_entity_has_no_write_operations() -> None:
    doc = build_openapi(audit_registry())
    validate(doc)
    collection = doc["paths"]["/api/{companyNo}/auditentries"]
    item = doc["paths"]["/api/{companyNo}/auditentries/{changeNo}"]
    assert set(collection) == {"parameters", "get"}
    assert set(item) == {"parameters", "get"}
    assert "AuditEntryCreate" not in doc["components"]["schemas"]
    assert {op["operationId"] for op in operations(doc)} >= {"listAuditEntries", "getAuditEntry"}


def test_titles_that_clash_still_give_unique_names() -> None:
    twins = [
        company_entity(
            resource,
            module="custom",
            title="Thing",
            key="thingNo",
            fields=[integer("thingNo", nullable=False)],
        )
        for resource in ("things", "otherthings")
    ]
    doc = build_openapi(Registry.build(twins))
    validate(doc)
    ids = [op["operationId"] for op in operations(doc)]
    assert len(ids) == len(set(ids))
    assert {"getThings", "getOtherthings"} <= set(ids)
    assert {"CompanyThings", "CompanyOtherthings"} <= set(doc["components"]["schemas"])


def test_security_schemes_offer_basic_bearer_and_oauth2(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {**schemes["basicAuth"], "type": "http", "scheme": "basic"}
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    flows = schemes["oauth2"]["flows"]
    code = flows["authorizationCode"]
    assert code["authorizationUrl"] == "/api/oauth/authorize"
    assert code["tokenUrl"] == code["refreshUrl"] == "/api/oauth/token"
    assert flows["password"]["tokenUrl"] == "/api/oauth/token"
    assert set(code["scopes"]) == set(flows["password"]["scopes"]) == set(ALL_SCOPES)
    assert doc["security"] == [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": []}]


def test_operations_need_the_read_or_write_scope(doc: dict[str, Any]) -> None:
    item = doc["paths"]["/api/{companyNo}/associates/{associateNo}"]
    assert {"oauth2": ["read"]} in item["get"]["security"]
    assert {"oauth2": ["write"]} in item["patch"]["security"]
    assert doc["paths"]["/healthz"]["get"]["security"] == []
    assert doc["paths"]["/readyz"]["get"]["security"] == []


def test_every_error_status_is_problem_json(doc: dict[str, Any]) -> None:
    used = {
        (int(status), response["$ref"].rsplit("/", 1)[1])
        for op in operations(doc)
        for status, response in op["responses"].items()
        if "$ref" in response
    }
    assert {status for status, _ in used} == set(ERROR_STATUSES)
    responses = doc["components"]["responses"]
    problem_schema = Draft202012Validator(schema(doc, "Problem"))
    for status, name in used:
        media = responses[name]["content"]["application/problem+json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}
        problem_schema.validate(media["example"])
        assert media["example"]["status"] == status
    assert "LP203" in responses["BadRequest"]["description"]
    assert "LP404" in responses["PreconditionFailed"]["description"]


def test_the_problem_schema_accepts_what_the_api_renders(doc: dict[str, Any]) -> None:
    error = ValidationFailed("1 field is not valid.", errors=[FieldError("name", "is required")])
    body = msgspec.json.decode(problem(error, "/api/9999/associates").body)
    validator = Draft202012Validator(schema(doc, "Problem"))
    validator.validate(body)
    assert not validator.is_valid({**body, "code": "E1"})


@pytest.mark.parametrize("entity", BUILTIN_ENTITIES, ids=lambda e: e.qualified_name)
def test_a_body_of_the_documented_required_fields_is_accepted(
    doc: dict[str, Any], registry: Registry, entity: Entity
) -> None:
    """The documented ``required`` list is what validation asks for: no more, no less."""
    stored = registry.entity(entity.scope, entity.resource)
    name = _schema_name(doc, stored)
    create = schema(doc, f"{name}Create")
    body = {field: _sample(stored, field) for field in create.get("required", [])}
    creation_values(stored, body)
    for field in body:
        with pytest.raises(ValidationFailed):
            creation_values(stored, {k: v for k, v in body.items() if k != field})


def _schema_name(doc: dict[str, Any], entity: Entity) -> str:
    collection, _ = expected_paths(entity)
    ref = doc["paths"][collection]["get"]["responses"]["200"]["content"]["application/json"]
    return str(ref["schema"]["$ref"]).rsplit("/", 1)[1].removesuffix("List")


def _sample(entity: Entity, name: str) -> object:
    field = entity.by_name[name]
    samples: dict[FieldType, object] = {
        FieldType.STRING: field.choices[0] if field.choices else "x",
        FieldType.INTEGER: 1,
        FieldType.DECIMAL: 1,
        FieldType.BOOLEAN: True,
        FieldType.DATE: "2024-01-31",
        FieldType.DATETIME: "2024-01-31T12:00:00Z",
    }
    return samples[field.type]


# /swagger ---------------------------------------------------------------------------------


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    database = Database.connect(f"sqlite:///{tmp_path / 'unused.db'}")
    yield Services(Settings(), database, builtin_registry(), "secret")
    await database.dispose()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=docs_routes(), exception_handlers={LedgerportError: handle_error})
    app.state.services = services
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://docs.example") as client:
        yield client


async def test_the_document_is_served_for_the_live_registry(
    client: httpx.AsyncClient, services: Services
) -> None:
    response = await client.get("/swagger/v1/swagger.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    served = response.json()
    validate(served)
    assert served["servers"] == [{"url": "https://docs.example"}]
    assert "/api/{companyNo}/auditentries" not in served["paths"]
    extended = Registry.build([*BUILTIN_ENTITIES, *audit_registry().entities], version=2)
    services.use_registry(extended)
    again = (await client.get("/swagger/v1/swagger.json")).json()
    assert "/api/{companyNo}/auditentries" in again["paths"]


async def test_the_page_loads_swagger_ui_from_this_server_under_a_strict_policy(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/swagger")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<script src="/swagger/swagger-ui-bundle.js"' in page
    assert '<script src="/swagger/ledgerport-swagger.js"' in page
    assert "<script>" not in page
    assert "http" not in page  # no CDN: everything from this server
    header = response.headers["content-security-policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"


async def test_the_initializer_configures_swagger_ui(client: httpx.AsyncClient) -> None:
    response = await client.get("/swagger/ledgerport-swagger.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    script = response.text
    assert 'url: "/swagger/v1/swagger.json"' in script
    assert "persistAuthorization: true" in script
    assert "tryItOutEnabled: true" in script
    assert "usePkceWithAuthorizationCodeGrant: true" in script
    assert 'clientId: "swagger-ui"' in script
    assert '"/swagger/oauth2-redirect.html"' in script


async def test_swagger_ui_5_files_are_served_from_the_package(client: httpx.AsyncClient) -> None:
    directory = Path(str(swagger_ui_path))
    assert directory.name.startswith("swagger-ui-5.")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "oauth2-redirect.html"):
        response = await client.get(f"/swagger/{name}")
        assert response.status_code == 200, name
        assert response.content == (directory / name).read_bytes()
    redirect = await client.get("/swagger/oauth2-redirect.html")
    assert "content-security-policy" in redirect.headers


@pytest.mark.parametrize(
    "path", ["/swagger/index.html", "/swagger/swagger-initializer.js", "/swagger/nothing.js"]
)
async def test_other_files_are_not_found(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_batch_is_described_with_its_request_and_response(doc: dict[str, Any]) -> None:
    operation = doc["paths"]["/api/$batch"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/BatchRequest"}
    assert body["example"]["requests"][1]["body"] == {"customerNo": "$1.customerNo"}
    item = schema(doc, "BatchRequestItem")
    assert set(item["properties"]) == {
        "id",
        "method",
        "url",
        "headers",
        "body",
        "dependsOn",
        "atomicityGroup",
    }
    assert {"200", "413", "422"} <= set(operation["responses"])
    assert "413" in operation["responses"]
    create = doc["paths"]["/api/{companyNo}/associates"]["post"]
    assert {"$ref": "#/components/parameters/Idempotency-Key"} in create["parameters"]
    assert doc["components"]["responses"]["FailedDependency"]["description"].startswith(
        "A batch request"
    )


def test_actions_are_listed_with_their_answers(doc: dict[str, Any]) -> None:
    release = doc["paths"]["/api/{companyNo}/customerinvoices/{invoiceNo}/actions/release"]
    assert set(release) == {"parameters", "post"}
    assert "200" in release["post"]["responses"]
    assert "customerinvoices.released" in release["post"]["description"]
    invoice = doc["paths"]["/api/{companyNo}/orders/{orderNo}/actions/invoice"]
    assert "Location" in invoice["post"]["responses"]["201"]["headers"]


def test_creates_describe_next_and_deep_insert(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    customer_no = schemas["AssociateCreate"]["properties"]["customerNo"]
    assert {"const": "next"} in customer_no["anyOf"]
    lines = schemas["SalesOrderCreate"]["properties"]["lines"]
    assert lines["type"] == "array"
    assert "orderNo" not in lines["items"]["properties"]
    assert "productNo" in lines["items"]["properties"]
    assert schemas["SalesOrder"]["properties"]["lines"]["items"]["$ref"].endswith("SalesOrderLine")


def test_webhook_payloads_and_paths_are_described(doc: dict[str, Any]) -> None:
    events = doc["webhooks"]
    assert {"associates.created", "sys.companies.updated", "catalog.products.deleted"} <= set(
        events
    )
    created = events["associates.created"]["post"]
    schema = created["requestBody"]["content"]["application/json"]["schema"]
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/WebhookEvent"}
    entity = schema["allOf"][1]["properties"]["data"]["properties"]["entity"]
    assert entity == {"$ref": "#/components/schemas/Associate"}
    assert {p["name"] for p in created["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    paths = doc["paths"]
    assert set(paths["/api/webhooks"]) == {"get", "post"}
    assert {"oauth2": ["webhooks"]} in paths["/api/webhooks"]["post"]["security"]
    assert "/api/webhooks/{id}/deliveries" in paths
    assert {"oauth2": ["admin"]} in paths["/api/customactions"]["post"]["security"]
    fire = paths["/api/{companyNo}/associates/{associateNo}/actions/custom/{actionName}"]
    assert "502" in fire["post"]["responses"]
