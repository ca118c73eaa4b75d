from typing import Any

from django.conf import settings
from django.http import HttpRequest


def motcua(request: HttpRequest) -> dict[str, Any]:
    return {
        "MOTCUA_PROVINCE_NAME": settings.MOTCUA_PROVINCE_NAME,
        "MOTCUA_DEMO": settings.MOTCUA_DEMO_DATA,
    }
