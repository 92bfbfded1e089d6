"""What every agreement page starts with."""

from django.http import Http404, HttpRequest

from agreements.models import Agreement
from agreements.selectors import agreement_detail


def agreement_or_404(request: HttpRequest, reference: str) -> Agreement:
    """The agreement within what this user may see; another partner's is a 404, like one that
    does not exist."""
    agreement = agreement_detail(user=request.user, reference=reference)
    if agreement is None:
        raise Http404
    return agreement
