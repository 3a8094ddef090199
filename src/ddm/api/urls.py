"""The JSON API: one ninja router per app, all mounted under /api/ (OpenAPI at /api/openapi.json).

Each app's router declares its full paths (e.g. "/zones/{code}/quantum"), so several apps can
contribute endpoints about zones without sharing a file.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from ddm import __version__
from ddm.accounts.api_auth import TokenAuth
from ddm.alignment.api import router as alignment_router
from ddm.capacity.api import router as capacity_router
from ddm.engagement.api import router as engagement_router
from ddm.facilities.api import router as facilities_router
from ddm.investment.api import router as investment_router
from ddm.oneplan.api import router as oneplan_router
from ddm.places.api import router as places_router
from ddm.profiles.api import router as profiles_router

api = NinjaAPI(
    title="DDM Hub API",
    version=__version__,
    description="Places, profiles, investment, One Plans, capacity and engagement of South Africa's "
    "52 IGR Impact Zones. Reads are public; writes need a session (with CSRF) or an API token.",
    urls_namespace="api",
)
WRITE_AUTH = [TokenAuth(), django_auth]

for router in (places_router, investment_router, profiles_router, alignment_router, oneplan_router,
               capacity_router, engagement_router, facilities_router):
    api.add_router("", router)
