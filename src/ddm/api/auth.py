"""API authentication for writes: `Authorization: Bearer <token>` of an ApiToken, or a session."""

from ninja.security import HttpBearer


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from ddm.accounts.models import ApiToken

        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user
