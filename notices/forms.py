from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notices.kinds import kinds_for
from notices.models import NoticeOptOut


class NoticeSettingsForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label=_("Skicka e-post till mig när"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Språk i e-post"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.kinds = kinds_for(user)
        muted = set(NoticeOptOut.objects.filter(user=user).values_list("kind", flat=True))
        kwargs.setdefault(
            "initial",
            {
                "wanted": [kind.value for kind in self.kinds if kind not in muted],
                "language": user.language,
            },
        )
        super().__init__(*args, **kwargs)
        wanted = self.fields["wanted"]
        if isinstance(wanted, forms.MultipleChoiceField):
            wanted.choices = [(kind.value, kind.label) for kind in self.kinds]
        if not self.kinds:
            del self.fields["wanted"]

    def turned_off(self) -> list[str]:
        wanted = set(self.cleaned_data.get("wanted", []))
        return [kind.value for kind in self.kinds if kind.value not in wanted]
