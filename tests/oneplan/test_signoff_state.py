"""After signing, the sign-off button goes and the form offers only the parties still to sign (#12)."""

import pytest
from oneplan_helpers import to_adoption

from ddm.accounts.models import Role, RoleKind

pytestmark = pytest.mark.django_db


def test_signing_removes_the_button_and_the_signed_party(client_for, organisation, version, hub):
    to_adoption(version, hub)
    signer = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    Role.objects.create(user=signer.user, kind=RoleKind.SUBMITTER, organisation=organisation("EC153"))
    form = signer.get("/oneplan/zones/DC15/sign/").context["form"]
    assert [k for k, _ in form.fields["party"].choices] == ["local:EC153", "local:EC157"]
    assert signer.post("/oneplan/zones/DC15/sign/", {"party": "local:EC153", "comment": ""}).status_code == 302
    form = signer.get("/oneplan/zones/DC15/sign/").context["form"]
    assert [k for k, _ in form.fields["party"].choices] == ["local:EC157"]
    assert 'href="/oneplan/zones/DC15/sign/"' in signer.get("/oneplan/zones/DC15/").content.decode()
    signer.post("/oneplan/zones/DC15/sign/", {"party": "local:EC157", "comment": ""})
    page = signer.get("/oneplan/zones/DC15/").content.decode()
    assert 'href="/oneplan/zones/DC15/sign/"' not in page and "You have signed for" in page
    again = signer.get("/oneplan/zones/DC15/sign/")
    assert again.status_code == 302 and again.url.endswith("#signoff")
