"""Settings of an organization: identity, collector signature, payment terms and calendar,
sending (review or autopilot, send window) and its SMTP relay with a test button."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.errors import DeliveryError
from relance.messaging.models import SendingSettings
from relance.web import mailtest
from relance.web.forms import TIME, CollectorForm, IdentityForm, SmtpForm, TermsForm
from relance.web.models import SmtpSettings
from relance.web.orgs import org_view


class SendingForm(forms.ModelForm):
    class Meta:
        model = SendingSettings
        fields = ["mode", "notices_need_approval", "window_start", "window_end",
                  "business_days_only"]
        labels = {"mode": gettext_lazy("Sending"),
                  "notices_need_approval": gettext_lazy("A person approves every formal notice"),
                  "window_start": gettext_lazy("Send from"),
                  "window_end": gettext_lazy("Send until"),
                  "business_days_only": gettext_lazy("Business days only")}
        widgets = {"window_start": TIME, "window_end": TIME, "mode": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", gettext_lazy("The window must end after it starts."))
        return data


SECTIONS = {"identity": IdentityForm, "collector": CollectorForm, "terms": TermsForm,
            "sending": SendingForm, "smtp": SmtpForm}


def _instance(section: str, org):
    if section == "sending":
        return SendingSettings.of(org)
    if section == "smtp":
        return SmtpSettings.of(org)
    return org


@org_view(role="viewer", write="admin")
def settings_page(request: HttpRequest, org) -> HttpResponse:
    posted = request.POST.get("section") if request.method == "POST" else None
    forms_by_section = {name: form(request.POST if name == posted else None,
                                   instance=_instance(name, org), prefix=name)
                        for name, form in SECTIONS.items()}
    if posted in SECTIONS and forms_by_section[posted].is_valid():
        forms_by_section[posted].save()
        flash.success(request, _("Settings saved."))
        return redirect("web:settings", org=org.slug)
    return render(request, "web/settings.html", {"forms": forms_by_section, "posted": posted},
                  status=400 if posted else 200)


@org_view(role="viewer", write="admin")
def smtp_test(request: HttpRequest, org) -> HttpResponse:
    if request.method == "POST":
        to = request.user.email
        if not to:
            flash.error(request, _("Your account has no email address to send the test to."))
        else:
            try:
                host = mailtest.send_test(org, to, _("Relance: test message"),
                                          _("This test message shows that Relance can send "
                                            "email through your SMTP server."))
            except DeliveryError as exc:
                flash.error(request, _("The test message could not be sent: %(reason)s")
                            % {"reason": exc})
            else:
                flash.success(request, _("Test message sent to %(to)s through %(host)s.")
                              % {"to": to, "host": host})
    return redirect("web:settings", org=org.slug)
