"""The funding app's pages: the budget (funding.urls.budget, namespace "funding") and the
committee's decisions (funding.urls.decisions, namespace "decisions"), included from config.urls."""
