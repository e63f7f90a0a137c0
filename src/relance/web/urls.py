"""The web pages. Everything about one organization lives under ``o/<slug>/``."""

from django.urls import include, path

from relance.web import (
    accounts,
    bank_mappings,
    customers,
    imports,
    invoices,
    organization,
    portfolio,
    rates,
    reconciliation,
    scenarios,
    today,
)

app_name = "web"

account_urls = [
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("password/", accounts.password_change, name="password_change"),
    path("password/done/", accounts.password_change_done, name="password_change_done"),
    path("reset/", accounts.password_reset, name="password_reset"),
    path("reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", accounts.password_reset_confirm,
         name="password_reset_confirm"),
    path("reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
]

org_urls = [
    path("", today.today, name="today"),
    path("messages/<int:pk>/", today.message, name="message"),
    path("messages/<int:pk>/approve/", today.approve, name="approve"),
    path("messages/<int:pk>/skip/", today.skip, name="skip"),
    path("messages/<int:pk>/edit/", today.edit_message, name="edit_message"),
    path("tasks/<int:pk>/call/", today.log_call, name="log_call"),
    path("tasks/<int:pk>/done/", today.close_task, name="close_task"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:pk>/", customers.customer, name="customer"),
    path("customers/<int:pk>/pause/", customers.pause, name="pause"),
    path("customers/<int:pk>/scenario/", customers.assign_policy, name="assign_policy"),
    path("customers/<int:pk>/litigation/", customers.litigation, name="litigation"),
    path("customers/<int:pk>/note/", customers.note, name="note"),
    path("customers/<int:pk>/statement/", customers.statement, name="statement"),
    path("customers/<int:pk>/statement/send/", customers.send_statement,
         name="send_statement"),
    path("customers/<int:pk>/notice/", customers.notice, name="notice"),
    path("invoices/<int:pk>/", invoices.invoice, name="invoice"),
    path("invoices/<int:pk>/pdf/", invoices.pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/promise/", invoices.promise, name="promise"),
    path("invoices/<int:pk>/dispute/", invoices.dispute, name="dispute"),
    path("invoices/<int:pk>/resolve/", invoices.resolve, name="resolve"),
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/new/", scenarios.scenario_edit, name="scenario_new"),
    path("scenarios/<slug:name>/", scenarios.scenario_edit, name="scenario"),
    path("templates/<str:language>/<slug:step>/", scenarios.template_edit, name="template"),
    path("templates/<str:language>/<slug:step>/preview/", scenarios.template_preview,
         name="template_preview"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:pk>/", imports.import_run, name="import_run"),
    path("reconciliation/", reconciliation.review, name="reconciliation"),
    path("reconciliation/<int:pk>/", reconciliation.decide, name="reconcile"),
    path("settings/", organization.settings_page, name="settings"),
    path("settings/smtp-test/", organization.smtp_test, name="smtp_test"),
    path("settings/rates/", rates.rates_page, name="rates"),
    path("settings/bank-formats/", bank_mappings.mapping_list, name="bank_mappings"),
    path("settings/bank-formats/new/", bank_mappings.mapping_edit, name="bank_mapping_new"),
    path("settings/bank-formats/<int:pk>/", bank_mappings.mapping_edit, name="bank_mapping"),
    path("settings/bank-formats/<int:pk>/delete/", bank_mappings.mapping_delete,
         name="bank_mapping_delete"),
]

urlpatterns = [
    path("", portfolio.home, name="home"),
    path("switch/", portfolio.switch, name="switch"),
    path("health", portfolio.health, name="health"),
    path("accounts/", include(account_urls)),
    path("o/<slug:org>/", include(org_urls)),
]
