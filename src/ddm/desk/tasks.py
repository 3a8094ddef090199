"""My tasks: what a signed-in official has to do next, gathered from every app for their roles and scope.

Each source returns Task rows and stays cheap (bounded by the user's scope, never the national register).
"""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from ddm.accounts.access import Visitor, is_admin, organisations_for, roles_of
from ddm.accounts.models import Organisation, RoleKind
from ddm.engagement.delivery import open_item_chains
from ddm.engagement.models import ItemKind
from ddm.engagement.services import open_items
from ddm.investment import review
from ddm.investment.models import Submission, SubmissionStatus
from ddm.oneplan import signoff
from ddm.oneplan.delivery import HUB, NATIONAL, PROVINCE, Chain, adopted_action_chains
from ddm.oneplan.models import PhaseKind, PlanVersion
from ddm.places.models import Place

DUE_SOON_DAYS = 30
RECENT_DAYS = 90


@dataclass
class Task:
    kind: str  # submit, fix, review, returned, sign, commitment, escalation, duplicates
    text: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False


def tasks_for(user: Visitor, today: datetime.date | None = None) -> list[Task]:
    today = today or timezone.localdate()
    tasks = []
    for source in SOURCES:
        tasks.extend(source(user, today))
    return tasks


def _zones(user: Visitor, kind: str) -> list[Place]:
    return [r.zone for r in roles_of(user) if r.kind == kind and r.zone is not None]  # selected with the role


def _provinces(user: Visitor) -> list[Place]:
    return [r.province for r in roles_of(user) if r.kind == RoleKind.PROVINCIAL and r.province is not None]


def _submitter_organisations(user: Visitor) -> list[Organisation]:
    """Organisations the user submits for through a role (not every organisation for an administrator)."""
    return [r.organisation for r in roles_of(user) if r.kind == RoleKind.SUBMITTER and r.organisation is not None]


def _financial_year_start(organisation: Organisation, today: datetime.date) -> datetime.date:
    month = organisation.fy_start_month
    year = today.year if today.month >= month else today.year - 1
    return datetime.date(year, month, 1)


def submission_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """Files to submit (nothing committed this financial year) and files to fix or confirm."""
    tasks = []
    organisations = _submitter_organisations(user)
    for organisation in organisations:
        since = _financial_year_start(organisation, today)
        written = Submission.objects.filter(organisation=organisation, dry_run=False, created__date__gte=since,
                                            status__in=[SubmissionStatus.COMMITTED, SubmissionStatus.PARTIAL])
        if not written.exists():
            tasks.append(Task("submit", f"Submit this financial year's projects and budgets for {organisation.label}",
                              f"/investment/submissions/new/?organisation={organisation.code}"))
    recent = Submission.objects.filter(user=user, created__date__gte=today - datetime.timedelta(days=RECENT_DAYS))
    for submission in recent.prefetch_related("commits").order_by("-created")[:20]:
        url = f"/investment/submissions/{submission.pk}/"
        name = submission.filename or f"submission {submission.pk}"
        if submission.dry_run and not submission.commits.all() and submission.committable:
            tasks.append(Task("fix", f"Confirm or fix the checked file {name}: {submission.status_text}", url))
        elif submission.rows_rejected and submission.status in (SubmissionStatus.PARTIAL, SubmissionStatus.REJECTED) \
                and not submission.dry_run:
            tasks.append(Task("fix", f"Fix the {submission.rows_rejected} rejected rows of {name} and upload them again",
                              url))
    return tasks


def review_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """Submissions returned to the user's organisations (not yet corrected), with the reviewer's
    comments, and the count of submissions awaiting the user's review."""
    tasks = []
    organisations = _submitter_organisations(user)
    if organisations:
        returned = Submission.objects.filter(status=SubmissionStatus.RETURNED, organisation__in=organisations,
                                             resubmissions__isnull=True).select_related("organisation")
        for submission in returned.order_by("created")[:20]:
            tasks.append(Task("returned", _returned_text(submission), f"/investment/submissions/{submission.pk}/"))
    scope = _review_scope(user)
    if scope is not None:
        count = Submission.objects.filter(scope, status=SubmissionStatus.SUBMITTED).count()
        if count:
            tasks.append(Task("review", f"Review {count} submitted file{'s' if count != 1 else ''}",
                              "/investment/submissions/"))
    return tasks


def _returned_text(submission: Submission) -> str:
    """What the submitter must fix: the reviewer's comment and comments per row, as the reviewer wrote them."""
    kind = "quarterly progress" if submission.content == "progress" else "file"
    text = (f"Submission {submission.pk} ({submission.filename or submission.channel}, {kind}) for "
            f"{submission.organisation.label} was returned: fix and submit it again")
    decision = review.latest_return(submission)
    if decision is not None:
        rows = "; ".join(f"{c['sheet'] + '!' if c.get('sheet') else ''}{c.get('row') or c.get('reference')}: "
                         f"{c['comment']}" for c in decision.row_comments)
        text += f". {decision.user or 'The reviewer'} said: {decision.comment}" + (f" ({rows})" if rows else "")
    return text[:600]


def _review_scope(user: Visitor) -> Q | None:
    if is_admin(user):
        return Q()
    zones, provinces = _zones(user, RoleKind.HUB), _provinces(user)
    if not zones and not provinces:
        return None
    return (Q(organisation__municipality__parent__in=zones) | Q(organisation__municipality__in=zones)
            | Q(organisation__province__in=provinces))


def signoff_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """One Plans awaiting adoption that the user still has to sign."""
    if not (is_admin(user) or _provinces(user) or _submitter_organisations(user)):
        return []
    tasks = []
    versions = PlanVersion.objects.filter(current_phase=PhaseKind.ADOPTION, frozen=False).select_related("plan__zone")
    for version in versions:
        zone = version.plan.zone
        for party in signoff.unsigned_parties_for(user, version):
            tasks.append(Task("sign", f"Sign the {zone.code} {zone.name} One Plan (version {version.number}) "
                              f"for {party.label}", f"/oneplan/zones/{zone.code}/#signoff"))
    return tasks


def commitment_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """Engagement commitments due within 30 days or overdue, owned by the user's organisations or in their zones."""
    if is_admin(user):
        scope = Q()
    else:
        scope = (Q(owner_organisation__in=_submitter_organisations(user)) | Q(event__zone__in=_zones(user, RoleKind.HUB))
                 | Q(event__zone__province__in=_provinces(user)))
        if not roles_of(user):
            return []
    items = (open_items().filter(scope, kind=ItemKind.COMMITMENT, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
             .select_related("event__zone", "owner_organisation__province").order_by("due_date")[:30])
    return [Task("commitment", f"{item.event.zone.code}: {item.text[:120]} ({item.owner})", f"/engagement/items/{item.pk}/",
                 due=item.due_date, overdue=item.is_overdue(today)) for item in items]


def _delivery_scope(user: Visitor) -> tuple[Q, list[Place] | None, set[str]] | None:
    """(Q on engagement items, zones for One Plan actions or None for all, levels the user answers for), or None.

    Hub members answer for every flagged chain of their zones, provincial coordinators for those escalated
    to the province or beyond in their province, administrators (DCoG) for those escalated nationally."""
    if is_admin(user):
        return Q(), None, {NATIONAL}
    zones, provinces = _zones(user, RoleKind.HUB), _provinces(user)
    if zones:
        return Q(event__zone__in=zones), zones, {HUB, PROVINCE, NATIONAL}
    if provinces:
        return (Q(event__zone__province__in=provinces), list(Place.objects.zones().filter(province__in=provinces)),
                {PROVINCE, NATIONAL})
    return None


def escalation_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """Flagged commitments (Imbizo commitments and adopted One Plan actions: late, unfunded, missing,
    overdue) at the level the user answers for, with the reasons and where they sit: every one of them
    (the chains are read in batches). Those whose only flag is "missing" are summed up, one task per zone
    and kind (the 2019 launch statements have no projects: one line each would bury the rest)."""
    scope = _delivery_scope(user)
    if scope is None:
        return []
    items, zones, levels = scope
    tasks = []
    missing_only = defaultdict(list)
    for chain in itertools.chain(open_item_chains(items, today), adopted_action_chains(zones, today)):
        if chain.escalation is None or chain.escalation.level not in levels:
            continue
        if {flag.kind for flag in chain.flags} == {"missing"}:
            missing_only[(chain.zone.code, chain.kind, chain.is_demo)].append(chain)
            continue
        reasons = "; ".join(f"{f.kind}: {f.reason}" for f in chain.flags)
        demo = " (demo)" if chain.is_demo else ""
        following = chain.escalation.next_level_on
        then = f" (escalates on {following:%d %b %Y})" if following else ""
        tasks.append(Task("escalation", f"{chain.zone.code}{demo}: {chain.title[:100]} is with "
                          f"{chain.escalation.label} after {chain.escalation.days} days{then}: {reasons}"[:400],
                          chain.url, overdue=True))
    return tasks + [_missing_task(chains) for _key, chains in sorted(missing_only.items())]


MISSING_WORDS = {"commitment": ("commitment", "commitments", "/engagement/zones/{}/"),
                 "action": ("One Plan action", "One Plan actions", "/oneplan/zones/{}/")}


def _missing_task(chains: list[Chain]) -> Task:
    """One task for a zone's chains flagged only "missing" (no project linked)."""
    first = chains[0]
    one, many, url = MISSING_WORDS[first.kind]
    count = len(chains)
    demo = " (demo)" if first.is_demo else ""
    oldest = max((chain.escalation for chain in chains if chain.escalation), key=lambda escalation: escalation.days)
    return Task("escalation", f"{first.zone.code}{demo}: {count} {one if count == 1 else many} "
                f"{'has' if count == 1 else 'have'} no project linked (the oldest with {oldest.label} "
                f"after {oldest.days} days): link the projects that deliver "
                f"{'it' if count == 1 else 'them'}, or mark {'it' if count == 1 else 'them'} done or dropped",
                url.format(first.zone.code), overdue=True)


def duplicate_tasks(user: Visitor, today: datetime.date) -> list[Task]:
    """Hub members and coordinators review possible duplicate projects of their zones."""
    zones = _zones(user, RoleKind.HUB)
    return [Task("duplicates", f"Review possible duplicate projects in {zone.code} {zone.name}",
                 f"/alignment/zones/{zone.code}/duplicates/") for zone in zones]


SOURCES: list[Callable[[Visitor, datetime.date], list[Task]]] = [
    submission_tasks, review_tasks, signoff_tasks, commitment_tasks, escalation_tasks, duplicate_tasks]


def workflows_for(user: Visitor) -> list[tuple[str, str]]:
    """Links to every workflow the user's roles open, in the order of their daily work."""
    admin = is_admin(user)
    kinds = {r.kind for r in roles_of(user)}
    zones = _zones(user, RoleKind.HUB)
    links = []
    if admin or organisations_for(user).exists():
        links.append(("Submit projects and budgets (upload a file)", "/investment/submissions/new/"))
    if user.is_authenticated:
        links.append(("Submissions", "/investment/submissions/"))
    for zone in zones:
        links += [(f"{zone.code} zone page", f"/zones/{zone.code}/"), (f"{zone.code} One Plan", f"/oneplan/zones/{zone.code}/"),
                  (f"{zone.code} hub and skills", f"/capacity/zones/{zone.code}/"),
                  (f"{zone.code} engagements", f"/engagement/zones/{zone.code}/"),
                  (f"{zone.code} briefing pack", f"/briefing/zones/{zone.code}/")]
    links += [("One Plans of every zone", "/oneplan/"), ("Hubs and skills", "/capacity/"),
              ("Overdue commitments", "/engagement/overdue/"), ("Investment by zone", "/investment/")]
    if admin or RoleKind.PROVINCIAL in kinds:
        links.append(("Users and roles", "/accounts/users/"))
    return links
