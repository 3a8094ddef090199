"""Anonymous visitors are refused one way: redirected to sign in and back, never a bare 403."""


def test_anonymous_write_is_sent_to_sign_in_and_back(client, db):
    response = client.post("/profiles/zones/DC15/narrative/", {"summary": "x"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/profiles/zones/DC15/narrative/"


def test_signed_in_without_the_role_still_gets_403(client_for, zone):
    other_hub = client_for("hub", zone=zone("DC36"))
    assert other_hub.post("/profiles/zones/DC15/narrative/", {"summary": "x"}).status_code == 403


def test_the_api_answers_for_itself(client, db):
    response = client.post("/api/zones/DC15/duplicates/decisions", {}, content_type="application/json")
    assert response.status_code == 401
