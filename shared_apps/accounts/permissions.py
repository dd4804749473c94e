"""Who may do what in a spa: the role sets the API's root fields declare
(core/graphql/permissions.py checks them by role name). It also hands on core's
ANYONE, Permission and permission, so that an app's API takes everything about
access from this one module."""

from core.graphql.permissions import ANYONE, Permission, permission, roles
from shared_apps.accounts.models import Role

MEMBERS = roles(*Role.values, label="any member of the spa")
MANAGERS = roles(Role.OWNER, Role.MANAGER, label="owners and managers")
FRONT_OFFICE = roles(
    Role.OWNER, Role.MANAGER, Role.FRONT_DESK, label="front desk, managers and owners"
)
OWNERS = roles(Role.OWNER, label="owners")

__all__ = ["ANYONE", "FRONT_OFFICE", "MANAGERS", "MEMBERS", "OWNERS", "Permission", "permission"]
