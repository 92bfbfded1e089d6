"""The partners' organisation numbers and addresses in the demo: Exempeldata (issue 19).

Not in the public announcement, and an agreement is sent only to a partner with an
organisation number. Made up in a series of their own (999990-…, with valid check digits),
flagged on the partner (`legal_details_are_example_data`) and marked Exempeldata in every
document; never presented as the organisations' real numbers. Slug → (organisation number,
street address, postal code, city).
"""

EXAMPLE_LEGAL_DETAILS = {
    "coompanion": ("999990-0013", "Exempelgatan 1", "302 40", "Halmstad"),
    "connect-vast": ("999990-0021", "Exempelgatan 2", "302 40", "Halmstad"),
    "matgille": ("999990-0039", "Exempelgatan 3", "302 40", "Halmstad"),
    "highfive": ("999990-0047", "Exempelgatan 4", "302 40", "Halmstad"),
    "leap-for-life": ("999990-0054", "Exempelgatan 5", "302 40", "Halmstad"),
    "tek-kompetens": ("999990-0062", "Exempelgatan 6", "302 40", "Halmstad"),
}
