"""Django's admin app with the management site of Kansrijk as its default site.

SimpleAdminConfig: no autodiscovery, so that the admin modules of installed packages
(django-otp's devices with their secrets, django-tasks' results, axes) are not registered;
kansrijk.administration registers exactly what the administrator manages."""

from django.contrib.admin.apps import SimpleAdminConfig


class ManagementAdminConfig(SimpleAdminConfig):
    default_site = "kansrijk.administration.site.ManagementSite"
