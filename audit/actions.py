"""Every kind of event the history records, with its label (one list, as Zulip's
AuditLogEventType). Services pass one of these to `record_event`; history pages label events
from it. A new kind of event is added here first; the database keeps the value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    BUDGET_YEAR_CREATED = "budget_year.created", _("Budgetåret upprättades")
    BUDGET_YEAR_STATUS_CHANGED = "budget_year.status_changed", _("Budgetårets status ändrades")
    FUNDING_SOURCE_CREATED = "funding_source.created", _("Källan lades till")
    FUNDING_SOURCE_UPDATED = "funding_source.updated", _("Källan ändrades")
    PROGRAMME_CREATED = "programme.created", _("Ramen upprättades")
    PROGRAMME_UPDATED = "programme.updated", _("Ramen ändrades")
    ALLOCATION_CREATED = "allocation.created", _("Fördelningen lades till")
    ALLOCATION_UPDATED = "allocation.updated", _("Fördelningen ändrades")
    ALLOCATION_DECIDED = "allocation.decided", _("Fördelningen beslutades")
    ALLOCATION_AMENDMENT_PROPOSED = (
        "allocation.amendment_proposed",
        _("En ändring av den beslutade fördelningen föreslogs"),
    )
    DECISION_CREATED = "decision.created", _("Beslutet upprättades")
    DECISION_UPDATED = "decision.updated", _("Beslutet ändrades")
    DECISION_ALLOCATION_LISTED = "decision.allocation_listed", _("Fördelning togs upp i beslutet")
    DECISION_ALLOCATION_REMOVED = (
        "decision.allocation_removed",
        _("Fördelning togs bort ur beslutet"),
    )
    DECISION_DECIDED = "decision.decided", _("Beslutet fattades")
    DECISION_APPROVED = "decision.approved", _("Protokollet justerades")
    DECISION_SEALED = "decision.sealed", _("Protokollsutdraget förseglades")
    PARTNER_CREATED = "partner.created", _("Partnern lades till")
    PARTNER_UPDATED = "partner.updated", _("Partnern ändrades")
    PARTNER_MEMBERSHIP_SET = "partner.membership_set", _("Användarens koppling till partnern")
    PARTNER_CONTACTS_SET = "partner.contacts_set", _("Partnerns kontaktpersoner ändrades")
    PARTNER_PAYMENT_DETAILS_SET = (
        "partner.payment_details_set",
        _("Partnerns betalningsuppgifter ändrades"),
    )
    AGREEMENT_CREATED = "agreement.created", _("Överenskommelsen upprättades")
    AGREEMENT_TERMS_CHANGED = "agreement.terms_changed", _("Villkoren ändrades")
    AGREEMENT_PAYMENT_PLAN_SET = "agreement.payment_plan_set", _("Betalningsplanen sattes")
    AGREEMENT_REPORTING_SET = "agreement.reporting_set", _("Återrapporteringen sattes")
    AGREEMENT_INDICATORS_SET = "agreement.indicators_set", _("Nyckeltalen sattes")
    AGREEMENT_STATUS_CHANGED = "agreement.status_changed", _("Överenskommelsens status ändrades")
    AGREEMENT_RECOVERY_SET = "agreement.recovery_set", _("Återkrav beslutades")
    AGREEMENT_SIGNED = "agreement.signed", _("Överenskommelsen skrevs under")
    AGREEMENT_SEALED = "agreement.sealed", _("Överenskommelsen förseglades")
    STANDARD_TERMS_CREATED = "standard_terms.created", _("Nya allmänna villkor lades till")
    STANDARD_TERMS_UPDATED = "standard_terms.updated", _("De allmänna villkoren ändrades")
    REPORT_SAVED = "report.saved", _("Återrapporten sparades")
    REPORT_ATTACHMENT_ADDED = "report.attachment_added", _("En bilaga lades till")
    REPORT_ATTACHMENT_REMOVED = "report.attachment_removed", _("En bilaga togs bort")
    REPORT_SUBMITTED = "report.submitted", _("Återrapporten lämnades in")
    REPORT_RETURNED = "report.returned", _("Återrapporten returnerades för komplettering")
    REPORT_APPROVED = "report.approved", _("Återrapporten godkändes")
    INSTALMENT_RELEASED = "instalment.released", _("Utbetalningen attesterades")
    INSTALMENT_PAID = "instalment.paid", _("Utbetalningen bokades som betald")
    AMENDMENT_DRAFTED = "amendment.drafted", _("Ett tillägg upprättades")
    AMENDMENT_CHANGED = "amendment.changed", _("Tillägget ändrades")
    AMENDMENT_STATUS_CHANGED = "amendment.status_changed", _("Tilläggets status ändrades")
    AMENDMENT_SIGNED = "amendment.signed", _("Tillägget skrevs under")
    AGREEMENT_AMENDED = "agreement.amended", _("Överenskommelsen ändrades genom tillägg")
    ARCHIVE_REQUESTED = "archive.requested", _("Arkivpaket beställdes")
    ARCHIVE_BUILT = "archive.built", _("Arkivpaketet byggdes")
    ARCHIVE_FAILED = "archive.failed", _("Arkivpaketet kunde inte byggas")
    ARCHIVE_REQUEUED = "archive.requeued", _("Arkivpaketet köades igen")
    SERVICE_ACCOUNT_CREATED = "service_account.created", _("Systemkonto skapades")
    API_TOKEN_CREATED = "api_token.created", _("API-token skapades")
    API_TOKEN_REVOKED = "api_token.revoked", _("API-token återkallades")
    ACCOUNT_INVITED = "account.invited", _("Användaren bjöds in")
    ACCOUNT_INVITATION_RESENT = "account.invitation_resent", _("Inbjudan skickades igen")
    ACCOUNT_INVITATION_ACCEPTED = "account.invitation_accepted", _("Inbjudan accepterades")
    ACCOUNT_PASSWORD_RESET = "account.password_reset", _("Lösenordet återställdes via e-post")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("Användaren inaktiverades")
    TWO_FACTOR_ENROLLED = "two_factor.enrolled", _("Tvåstegsinloggning aktiverades")
    TWO_FACTOR_RECOVERY_CODE_USED = (
        "two_factor.recovery_code_used",
        _("En reservkod för tvåstegsinloggning användes"),
    )
    TWO_FACTOR_RESET = "two_factor.reset", _("Tvåstegsinloggningen återställdes")
