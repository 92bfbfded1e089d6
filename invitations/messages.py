"""What the invitation and password-reset e-mails say (built in the recipient's language).

The link itself is not here: it carries a one-time token, made when the e-mail is sent
(notices.services.email_for). A password reset never names the user's organisation: whoever
typed the address learns nothing from the e-mail they cannot read anyway, and a forwarded or
misdirected reset says nothing about whom the account belongs to.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from notices.services import Message


def link_validity() -> str:
    """How long a one-time link works, as words: "3 dagar", "12 timmar"."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(n)s dag", "%(n)s dagar", days) % {"n": days}
    hours = max(seconds // 3600, 1)
    return ngettext("%(n)s timme", "%(n)s timmar", hours) % {"n": hours}


def invitation(user: User, *, invited_by: User | None, organisation: str) -> Message:
    """`organisation`: the partner's name, or the region's for its own staff."""
    region = settings.REGION_NAME
    if invited_by is not None:
        opening = _(
            "%(who)s har bjudit in dig till ett konto för %(organisation)s i %(region)ss system "
            "för grundfinansiering."
        ) % {"who": invited_by.display_name, "organisation": organisation, "region": region}
    else:
        opening = _(
            "Du har bjudits in till ett konto för %(organisation)s i %(region)ss system för "
            "grundfinansiering."
        ) % {"organisation": organisation, "region": region}
    paragraphs = [
        opening,
        _(
            "Välj ett lösenord via länken nedan. Länken gäller i %(validity)s och fungerar bara "
            "en gång. Har den slutat gälla, be den som bjöd in dig om en ny inbjudan."
        )
        % {"validity": link_validity()},
    ]
    if user.role != Role.PARTNER:
        paragraphs.append(
            _(
                "När du loggar in första gången kopplar du en autentiseringsapp i mobilen "
                "(tvåstegsverifiering)."
            )
        )
    return Message(
        subject=_("Inbjudan till %(region)ss system för grundfinansiering") % {"region": region},
        paragraphs=paragraphs,
        link_label=_("Välj lösenord"),
        facts=((_("Användarnamn"), user.get_username()),),
    )


def password_reset(user: User) -> Message:
    region = settings.REGION_NAME
    return Message(
        subject=_("Nytt lösenord till %(region)ss system för grundfinansiering")
        % {"region": region},
        paragraphs=[
            _(
                "Någon, förhoppningsvis du, har bett om ett nytt lösenord till ditt konto i "
                "%(region)ss system för grundfinansiering."
            )
            % {"region": region},
            _(
                "Välj ett nytt lösenord via länken nedan. Länken gäller i %(validity)s och "
                "fungerar bara en gång. Har du inte bett om ett nytt lösenord behöver du inte "
                "göra något: ditt nuvarande lösenord fortsätter att gälla."
            )
            % {"validity": link_validity()},
        ],
        link_label=_("Välj nytt lösenord"),
        facts=((_("Användarnamn"), user.get_username()),),
    )
