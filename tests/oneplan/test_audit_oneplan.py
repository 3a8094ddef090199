"""Issue #15 (9): returning a One Plan for revision clears sign-offs with history, not a bare update."""

import pytest
from oneplan_helpers import to_adoption

from ddm.oneplan import signoff
from ddm.oneplan.models import SignOff

pytestmark = pytest.mark.django_db


def test_returning_for_revision_records_each_cleared_sign_off_and_who_cleared_it(version, hub, signatories):
    to_adoption(version, hub)
    version.refresh_from_db()
    signoff.sign(version, signatories["provincial:EC"], "provincial:EC")
    signed = SignOff.objects.get(cleared__isnull=True)
    signoff.return_for_revision(version, signatories["national"], "national", "Add the municipality's commitment")
    cleared = SignOff.history.filter(id=signed.pk, cleared__isnull=False).get()
    assert cleared.history_user == signatories["national"]
    assert "returned" in cleared.history_change_reason
