from motcua.core.models.base import TimeStampedModel
from motcua.core.models.user import User

__all__ = ["TimeStampedModel", "User"]
