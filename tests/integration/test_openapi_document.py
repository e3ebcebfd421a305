"""/openapi.json: what clients and fuzzers read, generated from the models that validate the requests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.storage.models import Site

FORM = "application/x-www-form-urlencoded"


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for methods in document["paths"].values() for op in methods.values()}


def test_every_operation_has_an_id_and_every_link_leads_to_one(client: FlaskClient) -> None:
    document = client.get("/openapi.json").json
    by_id = operations(document)
    assert len(by_id) == sum(len(methods) for methods in document["paths"].values()), "operationIds repeat"
    targets = [
        link["operationId"]
        for op in by_id.values()
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert targets and set(targets) <= set(by_id)


def test_a_new_comment_links_to_its_status_with_its_receipt_and_the_receipt_works(
    client: FlaskClient, site: Site
) -> None:
    links = operations(client.get("/openapi.json").json)["submit_comment"]["responses"]["202"]["links"]
    assert links["status"]["parameters"] == {
        "path.comment_id": "$response.body#/id",
        "query.receipt": "$response.body#/receipt",
    }
    accepted = client.post("/v1/sites/demo/comments", json={"thread": "t", "body": "Nice piece."}).json
    # Following the link by hand: the receipt in the body is the one the status URL carries.
    answer = client.get(f"/v1/comments/{accepted['id']}/status", query_string={"receipt": accepted["receipt"]})
    assert answer.status_code == 200 and accepted["status_url"].endswith(f"receipt={accepted['receipt']}")


def test_akismet_operations_document_the_form_they_validate(client: FlaskClient) -> None:
    document = client.get("/openapi.json").json
    by_id = operations(document)
    for name in ("verify_key", "comment_check", "submit_spam", "submit_ham"):
        assert FORM in by_id[name]["requestBody"]["content"], name
    comment = document["components"]["schemas"]["AkismetComment"]
    assert comment["required"] == ["comment_content"]
    assert "comment_content" not in document["components"]["schemas"]["AkismetKey"]["properties"]
    create_key_links = by_id["create_key"]["responses"]["201"]["links"]
    assert create_key_links["comment_check"]["requestBody"] == {"key": "$response.body#/key"}
