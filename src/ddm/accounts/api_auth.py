"""API authentication for writes: `Authorization: Bearer <token>` of an ApiToken, or a session.

It lives in accounts (beside ApiToken), not in the api package, so every app's router can use it
without importing the layer above it."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from ddm.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user
