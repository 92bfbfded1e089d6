from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("budget/<year:year>/export.xlsx", views.budget_year_xlsx, name="xlsx"),
    path("budget/<year:year>/export/<slug:table>.csv", views.budget_year_csv, name="csv"),
    path("open-data/<year:year>/360giving.json", views.open_data, name="open_data"),
]
