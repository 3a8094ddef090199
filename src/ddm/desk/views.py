from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ddm.accounts.access import roles_of
from ddm.desk import tasks
from ddm.places import views as places_views


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: my tasks and my workflows above the zones; anonymous: the zones."""
    if not request.user.is_authenticated:
        return places_views.home(request)
    context: dict[str, Any] = {"body": places_views.home_body()}
    context.update({"tasks": tasks.tasks_for(request.user), "workflows": tasks.workflows_for(request.user),
                    "roles": roles_of(request.user)})
    return render(request, "desk/home.html", context)
