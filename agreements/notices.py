"""What the agreements tell people by e-mail, and whom (issue 16; design §4 workflow 11).

Each function is called by a service inside the transaction of the change it reports and
queues one notice per recipient (notices.services.queue_notices); the e-mail is sent after the
commit by the task worker. A notice names the agreement and links to the page; it never quotes
what the recipient could not read on that page, and partner notices go only to the agreement's
own partner's users.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from agreements.models import (
    Agreement,
    AgreementAmendment,
    Instalment,
    Report,
    ReportingRequirement,
)
from core.money import format_amount
from notices.models import NoticeKind
from notices.services import Message, queue_notices
from partners.models import Partner


def partner_users(partner: Partner, *, signatories_only: bool = False) -> QuerySet[User]:
    users = User.objects.filter(
        is_active=True, role=Role.PARTNER, partner_membership__partner=partner
    )
    if signatories_only:
        users = users.filter(partner_membership__is_signatory=True)
    return users


def region_signers() -> QuerySet[User]:
    """Officials who may sign for the region (agreements.permissions.can_sign_for_region)."""
    return User.objects.with_perm(
        "agreements.sign_for_region",
        include_superusers=False,
        backend="accounts.backends.UserBackend",
    ).filter(is_active=True, role=Role.OFFICIAL)


def officials() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.OFFICIAL)


def _agreement_path(agreement: Agreement) -> str:
    return reverse("agreements:detail", args=[agreement.reference])


def _report_path(requirement: ReportingRequirement) -> str:
    return reverse("agreements:report", args=[requirement.agreement.reference, requirement.pk])


def _notify(
    kind: NoticeKind,
    recipients: Iterable[User],
    agreement: Agreement,
    *,
    subject: StrPromise,
    text: StrPromise,
    label: StrPromise,
    path: str,
    **values: str,
) -> None:
    """Queue one kind of notice about an agreement: texts translated for each recipient."""
    values = {"ref": agreement.reference, "partner": agreement.partner.display_name, **values}
    queue_notices(
        kind,
        recipients,
        about=agreement,
        build=lambda user: Message(
            subject=str(subject) % values,
            paragraphs=[str(text) % values],
            link_label=str(label),
            link_path=path,
            facts=((_("Överenskommelse"), agreement.reference),),
        ),
    )


def agreement_sent(agreement: Agreement) -> None:
    _notify(
        NoticeKind.AGREEMENT_SENT,
        partner_users(agreement.partner, signatories_only=True),
        agreement,
        subject=gettext_lazy("Överenskommelse %(ref)s att skriva under"),
        text=gettext_lazy(
            "Region Halland har skickat överenskommelsen om grundfinansiering %(ref)s till "
            "%(partner)s för underskrift. Du kan skriva under den eftersom du är firmatecknare."
        ),
        label=gettext_lazy("Läs och skriv under överenskommelsen"),
        path=_agreement_path(agreement),
    )


def agreement_partner_signed(agreement: Agreement) -> None:
    _notify(
        NoticeKind.AGREEMENT_PARTNER_SIGNED,
        region_signers(),
        agreement,
        subject=gettext_lazy("%(partner)s har skrivit under %(ref)s"),
        text=gettext_lazy(
            "%(partner)s har skrivit under överenskommelsen %(ref)s. Den väntar nu på "
            "regionens underskrift."
        ),
        label=gettext_lazy("Skriv under för regionen"),
        path=_agreement_path(agreement),
    )


def agreement_signed(agreement: Agreement) -> None:
    _notify(
        NoticeKind.AGREEMENT_SIGNED,
        [*partner_users(agreement.partner), *region_signers()],
        agreement,
        subject=gettext_lazy("Överenskommelse %(ref)s är underskriven"),
        text=gettext_lazy(
            "Båda parter har skrivit under överenskommelsen %(ref)s. Den underskrivna och "
            "förseglade PDF-filen finns att ladda ned via länken (du behöver logga in)."
        ),
        label=gettext_lazy("Ladda ned den underskrivna överenskommelsen"),
        path=reverse("agreements:pdf", args=[agreement.reference]),
    )


def _amendment_path(amendment: AgreementAmendment) -> str:
    return reverse("agreements:amendment", args=[amendment.agreement.reference])


def amendment_sent(amendment: AgreementAmendment) -> None:
    """An amendment to sign: the same kind of notice as the first version's."""
    _notify(
        NoticeKind.AGREEMENT_SENT,
        partner_users(amendment.agreement.partner, signatories_only=True),
        amendment.agreement,
        subject=gettext_lazy("Tillägg till överenskommelse %(ref)s att skriva under"),
        text=gettext_lazy(
            "Region Halland har skickat ett tillägg till överenskommelsen %(ref)s (version "
            "%(version)s) till %(partner)s för underskrift. Tillägget ändrar överenskommelsen; "
            "den gällande versionen gäller tills båda parter har skrivit under."
        ),
        label=gettext_lazy("Läs och skriv under tillägget"),
        path=_amendment_path(amendment),
        version=str(amendment.version),
    )


def amendment_partner_signed(amendment: AgreementAmendment) -> None:
    _notify(
        NoticeKind.AGREEMENT_PARTNER_SIGNED,
        region_signers(),
        amendment.agreement,
        subject=gettext_lazy("%(partner)s har skrivit under tillägget till %(ref)s"),
        text=gettext_lazy(
            "%(partner)s har skrivit under tillägget (version %(version)s) till "
            "överenskommelsen %(ref)s. Det väntar nu på regionens underskrift."
        ),
        label=gettext_lazy("Skriv under tillägget för regionen"),
        path=_amendment_path(amendment),
        version=str(amendment.version),
    )


def agreement_withdrawn(agreement: Agreement) -> None:
    _notify(
        NoticeKind.AGREEMENT_WITHDRAWN,
        partner_users(agreement.partner),
        agreement,
        subject=gettext_lazy("Överenskommelse %(ref)s har dragits tillbaka"),
        text=gettext_lazy(
            "Region Halland har dragit tillbaka överenskommelsen %(ref)s för ändringar. Den "
            "kan inte skrivas under förrän regionen skickar den igen; ni får då ett nytt "
            "meddelande."
        ),
        label=gettext_lazy("Visa överenskommelsen"),
        path=_agreement_path(agreement),
    )


def agreement_terminated(agreement: Agreement) -> None:
    """To the partner's users; with the amount to recover and its due date when there is one
    (the partner reads both on the agreement's page too)."""
    recovery, due = agreement.recovery_amount, agreement.recovery_due_date

    def build(user: User) -> Message:
        values = {"ref": agreement.reference}
        paragraphs = [
            _(
                "Region Halland har hävt överenskommelsen %(ref)s. Skälet och vad det innebär "
                "för er står på överenskommelsens sida."
            )
            % values
        ]
        facts = [(_("Överenskommelse"), agreement.reference)]
        if recovery is not None and due is not None:
            amount, on = format_amount(recovery), date_format(due)
            paragraphs.append(
                _(
                    "Region Halland kräver tillbaka %(amount)s av det som har betalats ut. "
                    "Beloppet ska vara betalt senast %(due)s."
                )
                % {"amount": amount, "due": on}
            )
            facts += [(_("Återkrav"), amount), (_("Betalas senast"), on)]
        return Message(
            subject=_("Överenskommelse %(ref)s har hävts") % values,
            paragraphs=paragraphs,
            link_label=_("Visa överenskommelsen"),
            link_path=_agreement_path(agreement),
            facts=tuple(facts),
        )

    queue_notices(
        NoticeKind.AGREEMENT_TERMINATED,
        partner_users(agreement.partner),
        about=agreement,
        build=build,
    )


def agreement_discarded(agreement: Agreement) -> None:
    _notify(
        NoticeKind.AGREEMENT_DISCARDED,
        partner_users(agreement.partner),
        agreement,
        subject=gettext_lazy("Överenskommelse %(ref)s har makulerats"),
        text=gettext_lazy(
            "Region Halland har makulerat överenskommelsen %(ref)s innan den trädde i kraft. "
            "Den kan inte längre skrivas under och gäller inte. Skälet står på "
            "överenskommelsens sida."
        ),
        label=gettext_lazy("Visa överenskommelsen"),
        path=_agreement_path(agreement),
    )


def report_submitted(report: Report) -> None:
    requirement = report.requirement
    _notify(
        NoticeKind.REPORT_SUBMITTED,
        officials(),
        requirement.agreement,
        subject=gettext_lazy("Återrapport inlämnad för %(ref)s"),
        text=gettext_lazy(
            "%(partner)s har lämnat in återrapporten ”%(what)s”. Den väntar på granskning."
        ),
        label=gettext_lazy("Granska återrapporten"),
        path=_report_path(requirement),
        what=requirement.description,
    )


def report_returned(report: Report) -> None:
    requirement = report.requirement
    _notify(
        NoticeKind.REPORT_RETURNED,
        partner_users(requirement.agreement.partner),
        requirement.agreement,
        subject=gettext_lazy("Återrapporten för %(ref)s behöver kompletteras"),
        text=gettext_lazy(
            "Region Halland har returnerat återrapporten ”%(what)s” för komplettering. Vad som "
            "behöver kompletteras står på återrapportens sida."
        ),
        label=gettext_lazy("Komplettera återrapporten"),
        path=_report_path(requirement),
        what=requirement.description,
    )


def instalment_paid(instalment: Instalment) -> None:
    agreement = instalment.agreement
    queue_notices(
        NoticeKind.INSTALMENT_PAID,
        partner_users(agreement.partner),
        about=agreement,
        build=lambda user: Message(
            subject=_("Utbetalning %(n)s för %(ref)s är gjord")
            % {"n": instalment.number, "ref": agreement.reference},
            paragraphs=[
                _("Region Halland har betalat ut delbetalning %(n)s enligt överenskommelsen.")
                % {"n": instalment.number}
            ],
            link_label=_("Visa betalningsplanen"),
            link_path=_agreement_path(agreement),
            facts=(
                (_("Överenskommelse"), agreement.reference),
                (_("Belopp"), format_amount(instalment.amount)),
                (_("Utbetald den"), date_format(instalment.paid_on) if instalment.paid_on else ""),
            ),
        ),
    )


REMINDER_KINDS = {
    30: NoticeKind.REPORT_DUE_30,
    7: NoticeKind.REPORT_DUE_7,
}


def report_reminder(requirement: ReportingRequirement, kind: NoticeKind, *, today: date) -> int:
    """Queue a reminder of this kind for this requirement, once per partner user ever."""
    agreement = requirement.agreement
    overdue = kind == NoticeKind.REPORT_OVERDUE

    def build(user: User) -> Message:
        due = date_format(requirement.due_date)
        if overdue:
            subject = _("Återrapporten för %(ref)s är försenad") % {"ref": agreement.reference}
            text = _(
                "Återrapporten ”%(what)s” skulle ha lämnats senast %(due)s och är försenad. "
                "Lämna in den så snart som möjligt; en utbetalning kan vänta på den."
            )
        else:
            subject = _("Påminnelse: återrapport för %(ref)s senast %(due)s") % {
                "ref": agreement.reference,
                "due": due,
            }
            text = _("Återrapporten ”%(what)s” ska lämnas senast %(due)s.")
        return Message(
            subject=subject,
            paragraphs=[text % {"what": requirement.description, "due": due}],
            link_label=_("Skriv återrapporten"),
            link_path=_report_path(requirement),
            facts=((_("Överenskommelse"), agreement.reference), (_("Senast"), due)),
        )

    queued = queue_notices(
        kind,
        partner_users(agreement.partner),
        about=agreement,
        build=build,
        once_key=f"{kind}:requirement:{requirement.pk}:{requirement.due_date.isoformat()}",
    )
    return len(queued)
