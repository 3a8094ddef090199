"""/healthz, /readyz, request ids in responses and logs."""

import json
import logging

import pytest

from ddm import operations


def test_healthz_needs_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_migrations(client):
    body = client.get("/readyz").json()
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_readyz_says_what_is_wrong(client, monkeypatch):
    def broken():
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(operations, "_cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "ConnectionError: cache unreachable"


def test_every_response_has_a_request_id_and_a_sane_given_one_is_kept(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"] != "bad id\n<script>"


@pytest.mark.django_db
def test_log_lines_carry_request_id_and_user(client_for, caplog):
    client = client_for()
    logging.getLogger("ddm.request").setLevel(logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="ddm.request"):
            client.get("/healthz", HTTP_X_REQUEST_ID="req-42")
    finally:
        logging.getLogger("ddm.request").setLevel(logging.WARNING)
    record = [r for r in caplog.records if r.name == "ddm.request"][-1]
    operations.RequestContextFilter().filter(record)  # outside the request: the id is gone again
    line = json.loads(operations.JsonFormatter().format(record))
    assert line["message"].startswith("GET /healthz 200") and line["level"] == "INFO"


def test_context_filter_adds_id_and_user_during_a_request():
    token = operations.CONTEXT.set(("req-7", "ana"))
    try:
        record = logging.LogRecord("x", logging.WARNING, __file__, 1, "something", (), None)
        operations.RequestContextFilter().filter(record)
        line = json.loads(operations.JsonFormatter().format(record))
    finally:
        operations.CONTEXT.reset(token)
    assert (line["request_id"], line["user"], line["message"]) == ("req-7", "ana", "something")
