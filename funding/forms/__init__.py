"""Forms of the funding pages, one module per page family: funding.forms.budget (the
allocation editor, starting a year) and funding.forms.decisions. They parse and show errors;
the services decide."""
