from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ddm.accounts import users
from ddm.accounts.forms import InviteForm, RoleForm
from ddm.accounts.models import Role


def _error(form: Form, exc: ValidationError | PermissionDenied) -> None:
    form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    users.require_manager(request.user)
    kinds = users.grantable_kinds(request.user)
    form = InviteForm(request.POST or None, kinds=kinds)
    link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, path = users.invite(request.user, data["username"], data["full_name"], data["email"],
                                         data["kind"], **form.scope())
        except (ValidationError, PermissionDenied) as exc:
            _error(form, exc)
        else:
            link = request.build_absolute_uri(path)
            messages.success(request, f"{invited.get_username()} invited. Send them the link below to choose a password.")
            form = InviteForm(kinds=kinds)
    return render(request, "accounts/users.html", {
        "people": users.visible_users(request.user), "form": form, "link": link,
        "provinces": users.coordinated_provinces(request.user)})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(users.visible_users(request.user), pk=pk)
    form = RoleForm(request.POST or None, kinds=users.grantable_kinds(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            role = users.grant(request.user, person, form.cleaned_data["kind"], **form.scope())
        except (ValidationError, PermissionDenied) as exc:
            _error(form, exc)
        else:
            messages.success(request, f"{person.get_username()} is now {role}.")
            return redirect("accounts:user", person.pk)
    return render(request, "accounts/user.html", {"person": person, "form": form,
                                                  "invite_link": None if person.has_usable_password() else
                                                  request.build_absolute_uri(users.set_password_path(person))})


@login_required
@require_POST
def remove_role(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    person = get_object_or_404(users.visible_users(request.user), pk=pk)
    role = get_object_or_404(Role, pk=role_pk, user=person)
    users.revoke(request.user, role)
    messages.success(request, f"Role {role} removed from {person.get_username()}.")
    return redirect("accounts:user", person.pk)


