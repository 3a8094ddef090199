"""The commitment-to-delivery chain of an Imbizo or launch commitment: commitment → its One Plan
action → the projects that deliver them (its own and its action's) → their approved budget lines →
latest quarterly progress → the plan indicator it should move (its own, else its action's).

Flags and escalation follow ddm.oneplan.delivery's rules, plus "overdue" (due date passed, neither
done nor dropped). A closed (done or dropped) commitment is never flagged. The project page shows
these chains through ddm.investment.delivery.register_project_chains (EngagementConfig.ready).
"""

import datetime
from collections.abc import Iterator

from django.db.models import Q, QuerySet

from ddm.engagement.models import CLOSED_STATUSES, Item, ItemKind
from ddm.investment import delivery as project_delivery
from ddm.investment.models import Project
from ddm.oneplan import delivery as plan_delivery
from ddm.oneplan import monitoring


def _items() -> QuerySet[Item]:
    return Item.objects.filter(kind=ItemKind.COMMITMENT).select_related(
        "event__zone__province", "owner_organisation", "indicator", "action__indicator",
        "action__strategy__focal_area__version__plan").prefetch_related(
        "projects__organisation", "action__commitments__projects__organisation", "indicator__actuals",
        "action__indicator__actuals")


def item_chain(item: Item, today: datetime.date) -> plan_delivery.Chain:
    zone = item.event.zone
    chain = plan_delivery.Chain("commitment", item.text, f"/engagement/items/{item.pk}/", zone, item.event.date,
                                action=item.action, is_demo=item.is_demo, extra={"item": item})
    projects = {p.pk: p for p in item.projects.all()}
    if item.action is not None:
        chain.organisations = [c.organisation for c in item.action.commitments.all()]
        for project in plan_delivery.action_projects(item.action):
            projects.setdefault(project.pk, project)
    chain.deliveries = project_delivery.deliveries([projects[pk] for pk in sorted(projects)], today)
    chain.indicator = item.indicator or (item.action.indicator if item.action else None)
    if chain.indicator is not None:
        chain.indicator_progress = monitoring.progress(chain.indicator)
    if item.status not in CLOSED_STATUSES:
        if item.is_overdue(today) and item.due_date is not None:
            chain.flags.append(plan_delivery.Flag("overdue", f"due {item.due_date:%d %b %Y}, not done", item.due_date))
        chain.flags += plan_delivery.delivery_flags(chain.deliveries, chain.made, today)
    chain.escalation = plan_delivery.escalation(chain.flags, today)
    return chain


def chain_for(item_pk: int, today: datetime.date) -> plan_delivery.Chain:
    return item_chain(_items().get(pk=item_pk), today)


def project_chains(project: Project, today: datetime.date) -> list[plan_delivery.Chain]:
    """Every chain through a project: the Imbizo commitments linking it (directly or through their
    action) and the One Plan actions it delivers."""
    items = _items().filter(projects=project) | _items().filter(action__commitments__projects=project)
    chains = [item_chain(item, today) for item in items.distinct()]
    return chains + plan_delivery.project_action_chains(project, today)


def open_item_chains(scope: Q, today: datetime.date, batch: int = plan_delivery.BATCH) -> Iterator[plan_delivery.Chain]:
    """Chains of every open commitment matching ``scope`` (a Q on Item), in pk order: read ``batch`` at a
    time (keyset, one prefetch per batch) so none is left out and memory stays bounded."""
    items = _items().filter(scope).exclude(status__in=CLOSED_STATUSES)
    for chunk in plan_delivery.batches(items, batch):
        yield from (item_chain(item, today) for item in chunk)
