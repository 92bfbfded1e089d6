"""URLs of the agreements app: agreements.urls.agreements (namespace "agreements") and
agreements.urls.payments (namespace "payments"), included from config.urls."""
