from motcua.organisations.models.agency import AdministrativeUnit, Agency, OrgUnit
from motcua.organisations.models.calendar import CalendarOverride
from motcua.organisations.models.staff import Role, StaffRole

__all__ = ["AdministrativeUnit", "Agency", "CalendarOverride", "OrgUnit", "Role", "StaffRole"]
