"""Small helpers shared by the apps' views."""

import datetime

from django.utils import timezone


def date_param(request, name="today"):
    """A YYYY-MM-DD query parameter (e.g. ?today= to see a page as of another date), else today."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()
