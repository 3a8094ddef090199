"""Access rules for projects, on top of ddm.accounts.access (which every write goes through).

- Edit a project: its organisation's submitters, and administrators (can_submit_for).
- Annotate a project: administrators, and hub members / provincial coordinators whose scope covers
  one of the project's locations (or, for a project without a location, its organisation's province).
- Read: public, like every page.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ddm.accounts.access import Visitor, can_coordinate_place, can_submit_for, is_admin, require_login
from ddm.investment.models import Project
from ddm.places.models import Place


def can_edit_project(user: Visitor, project: Project) -> bool:
    return can_submit_for(user, project.organisation)


def _places_of(project: Project) -> list[Place]:
    places = []
    for location in project.locations.all():
        place = location.place or location.municipality or location.zone or location.province
        if place is not None:
            places.append(place)
    if not places and project.organisation.province is not None:
        places.append(project.organisation.province)
    return places


def can_annotate_project(user: Visitor, project: Project) -> bool:
    if is_admin(user):
        return True
    return any(can_coordinate_place(user, place) for place in _places_of(project))


def get_project_for_user(request: HttpRequest, pk: int, edit: bool = False, annotate: bool = False) -> Project:
    """The project; with edit/annotate the signed-in user must hold a role allowing it."""
    project = get_object_or_404(
        Project.objects.select_related("organisation__province", "submission", "duplicate_of"), pk=pk)
    if edit or annotate:
        require_login(request)
    if edit and not can_edit_project(request.user, project):
        raise PermissionDenied(f"Only submitters of {project.organisation.name} (or administrators) may edit it.")
    if annotate and not can_annotate_project(request.user, project):
        raise PermissionDenied("Only hub members and coordinators whose area covers this project may annotate it.")
    return project
