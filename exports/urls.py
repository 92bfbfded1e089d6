from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("budget/<year:year>/export.xlsx", views.budget_year_xlsx, name="xlsx"),
    path("budget/<year:year>/export/<slug:table>.csv", views.budget_year_csv, name="csv"),
    path("open-data/<year:year>/360giving.json", views.open_data, name="open_data"),
    # The payment list for the finance system: released instalments not yet paid (issue 15).
    path("payments/utbetalningslista.csv", views.payment_list_csv, name="payment_list_csv"),
    path("payments/utbetalningslista.xlsx", views.payment_list_xlsx, name="payment_list_xlsx"),
    # What partners owe after a termination (issue 17): apart from the payments.
    path("payments/aterkravslista.csv", views.recovery_list_csv, name="recovery_list_csv"),
]
