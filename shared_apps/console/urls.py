"""The console's URLs, under /console/ on the root domain (config/urls_public.py).

Every view except the sign-in steps and the assets is wrapped by
`access.console_view`; tests/shared_apps/console/test_access.py walks them all.
"""

from django.urls import path

from shared_apps.console.assets import ASSETS
from shared_apps.console.views import auth, spas

app_name = "console"

urlpatterns = [
    path("login/", auth.sign_in, name="login"),
    path("verify/", auth.verify, name="verify"),
    path("logout/", auth.sign_out, name="logout"),
    path("assets/<str:name>", ASSETS.view, name="asset"),
    # Spas: list, detail.
    path("", spas.spa_list, name="spas"),
    path("spas/<slug:slug>/", spas.spa_detail, name="spa"),
]
