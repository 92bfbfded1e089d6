from accounts.permissions import AnyUser, is_secretary


def can_make_bundles(user: AnyUser) -> bool:
    """Archive bundles hold every partner's documents: committee secretaries only."""
    return is_secretary(user)
