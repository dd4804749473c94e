from django.apps import AppConfig


class OnlineBookingConfig(AppConfig):
    """The patients' pages and API. An app for its templates and static files;
    it has no models (a booking is a `scheduling.Appointment`, its links
    `scheduling.ManageToken`)."""

    name = "tenant_apps.online_booking"
    label = "online_booking"
    verbose_name = "Online booking"
