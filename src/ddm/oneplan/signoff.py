"""Intergovernmental adoption: which spheres must sign a draft, signing, and returning it.

Required sign-offs for a zone's draft (during the Adoption phase):
- national (DCoG): an administrator;
- the province: a provincial coordinator of the zone's province;
- the district or metro: a submitter of that municipality's organisation (code = zone code);
- for a district, each of its local municipalities: a submitter of that municipality's organisation.
The last missing sign-off adopts and freezes the version. Any of these parties may instead
return the draft with reasons: Drafting reopens and every sign-off so far is cleared (kept, marked
cleared, so the record stays).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ddm.accounts.access import Visitor
from ddm.oneplan import access, workflow
from ddm.oneplan.models import PhaseKind, PlanVersion, SignOff, SignOffDecision, SphereParty
from ddm.places.models import Place


@dataclass(frozen=True)
class Party:
    party: str
    place: Place | None

    @property
    def key(self) -> str:
        return f"{self.party}:{self.place.code}" if self.place is not None else self.party

    @property
    def label(self) -> str:
        if self.party == SphereParty.NATIONAL:
            return "National: Department of Cooperative Governance (DCoG)"
        if self.place is None:  # only the national party has no place
            return self.party
        if self.party == SphereParty.PROVINCIAL:
            return f"Province: {self.place.name} (COGTA / Office of the Premier)"
        kind = "Metro" if self.place.is_metro else ("District" if self.party == SphereParty.DISTRICT else "Local municipality")
        return f"{kind}: {self.place.code} {self.place.name}"


def required_parties(version: PlanVersion) -> list[Party]:
    zone = version.plan.zone
    parties = [Party(SphereParty.NATIONAL, None), Party(SphereParty.PROVINCIAL, zone.province),
               Party(SphereParty.DISTRICT, zone)]
    if not zone.is_metro:
        locals_ = Place.objects.municipalities().filter(parent=zone).without_geometry().order_by("code")
        parties += [Party(SphereParty.LOCAL, m) for m in locals_]
    return parties


def active_signoffs(version: PlanVersion) -> list[SignOff]:
    """Sign-offs that count: signed and not cleared by a return."""
    return list(version.signoffs.filter(decision=SignOffDecision.SIGNED, cleared__isnull=True).select_related("place", "user"))


def _key(signoff: SignOff) -> str:
    return f"{signoff.party}:{signoff.place.code}" if signoff.place is not None else signoff.party


def panel(version: PlanVersion) -> list[tuple[Party, SignOff | None]]:
    """[(party, active sign-off or None)] in the order of required_parties."""
    signed = {_key(s): s for s in active_signoffs(version)}
    return [(party, signed.get(party.key)) for party in required_parties(version)]


def missing_parties(version: PlanVersion) -> list[Party]:
    return [party for party, signoff in panel(version) if signoff is None]


def find_party(version: PlanVersion, key: str) -> Party:
    for party in required_parties(version):
        if party.key == key:
            return party
    raise workflow.WorkflowError(f"'{key}' is not a sphere that signs the {version.plan.zone.code} One Plan.")


def parties_for(user: Visitor, version: PlanVersion) -> list[Party]:
    """The required parties this user may sign or return for."""
    return [p for p in required_parties(version) if access.can_sign(user, p.party, p.place)]


def unsigned_parties_for(user: Visitor, version: PlanVersion) -> list[Party]:
    """The parties this user may still sign for (those already signed are left out)."""
    signed = {_key(s) for s in active_signoffs(version)}
    return [p for p in parties_for(user, version) if p.key not in signed]


def _require_adoption(version: PlanVersion) -> None:
    if version.frozen or version.current_phase != PhaseKind.ADOPTION:
        raise workflow.WorkflowError(
            f"Version {version.number} is not awaiting adoption (phase: {version.get_current_phase_display()})."
        )


def _name(user: Visitor) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def sign(version: PlanVersion, user: Visitor, key: str, comment: str = "") -> SignOff:
    party = find_party(version, key)
    access.require_signer(user, party.party, party.place)
    _require_adoption(version)
    if any(_key(s) == party.key for s in active_signoffs(version)):
        raise workflow.WorkflowError(f"{party.label} has already signed version {version.number}.")
    signoff = SignOff.objects.create(version=version, party=party.party, place=party.place, user=user,
                                     signatory=_name(user), signed_at=timezone.now(), comment=comment.strip())
    workflow.log(version, user, "signoff", f"{party.label} signed off.")
    if not missing_parties(version):
        workflow.adopt(version, user)
    return signoff


@transaction.atomic
def return_for_revision(version: PlanVersion, user: Visitor, key: str, reasons: str | None) -> None:
    party = find_party(version, key)
    access.require_signer(user, party.party, party.place)
    _require_adoption(version)
    reasons = (reasons or "").strip()
    if not reasons:
        raise workflow.WorkflowError("Give the reasons for returning the draft.")
    now = timezone.now()
    # Each cleared sign-off is saved on its own so its history records who cleared it and why.
    cleared = 0
    for earlier in version.signoffs.filter(cleared__isnull=True):
        earlier.cleared = now
        # simple_history reads these two attributes when it writes the history row.
        earlier._history_user = user  # type: ignore[attr-defined]
        earlier._change_reason = f"cleared: {party.label} returned the draft"[:100]  # type: ignore[attr-defined]
        earlier.save(update_fields=["cleared"])
        cleared += 1
    SignOff.objects.create(version=version, party=party.party, place=party.place, user=user, signatory=_name(user),
                           decision=SignOffDecision.RETURNED, signed_at=now, comment=reasons, cleared=now)
    workflow.log(version, user, "return", f"{party.label} returned the draft ({cleared} sign-off(s) cleared): {reasons}")
    workflow.reopen_drafting(version, user, f"returned by {party.label}")
