"""One way to refuse an anonymous visitor: send them to sign in (and back), never a bare 403."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase


class SignInFirstMiddleware:
    """Views say no by raising PermissionDenied (the helpers of ddm.accounts.access); for a visitor who
    has not signed in this becomes the same redirect `login_required` gives. Signed-in users without the
    role still get 403 with the reason. The API answers for itself (401/403 JSON), so it is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if (isinstance(exception, PermissionDenied) and not request.user.is_authenticated
                and not request.path.startswith("/api/")):
            return redirect_to_login(request.get_full_path())
        return None
