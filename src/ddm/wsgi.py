import gc
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
application = get_wsgi_application()

# Python's cycle collector, with its default thresholds, ran full collections in the middle of a zone's
# cold page (the page builds tens of thousands of short-lived rows), each walking every object of the
# loaded application: a third or more of the page's time on the 500,000-project register
# (docs/scaling.md). The objects that exist once the application is loaded live as long as the process,
# so they are moved out of the collector's reach (freeze), and young objects are collected less often:
# memory is still reclaimed (reference counting frees nearly everything at once; cycles a little later).
# Only under gunicorn, whose threads live as long as the process: the development server starts a thread per
# request, and a dead thread's database connection is closed only when the collector reaches it, so there
# rarer collections left PostgreSQL "too many clients" (tests/investment/test_import_concurrency.py).
if "gunicorn" in sys.modules:
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
