"""Agreement pages (agreements.views.agreements) and the officials' payments page
(agreements.views.payments)."""
