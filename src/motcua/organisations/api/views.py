"""The public working-time calculator: ``GET /api/v1/calendar/due``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from motcua.core.api import ErrorSerializer
from motcua.core.client_address import client_ip
from motcua.organisations.calendar_query import (
    DueQuerySerializer,
    QueryInvalid,
    calendar_due,
    due_as_json,
    due_query_parse,
)


class CalendarThrottle(SimpleRateThrottle):
    """Throttles the calculator per user (or per client address for anonymous callers) at the
    rate ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["calendar"]``; no rate means no limit.

    The rate is read at each request (DRF's own throttles read it once at import), so that
    settings overrides apply."""

    scope = "calendar"

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        rate = rates.get(self.scope)
        return str(rate) if rate else None

    def get_ident(self, request: Request) -> str:
        """The client's address of motcua.core.client_address, not DRF's own reading of
        X-Forwarded-For (which takes the whole header, as the caller wrote it)."""
        return client_ip(request)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:  # type: ignore[override]
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class DueResultSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(help_text=_("The due instant, ISO 8601 with +07:00."))
    clock_start = serializers.DateTimeField(
        help_text=_("When the clock started (office hours, cut-off).")
    )
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text=_("How the due instant was found, in plain words.")
    )


class CalendarDueView(APIView):
    """A public calculator: anybody may ask when a duration received at an instant falls due."""

    permission_classes = [AllowAny]
    throttle_classes = [CalendarThrottle]

    @extend_schema(
        operation_id="calendar_due",
        summary="Due instant of a legal duration",
        description=(
            "Computes when a duration (working hours, working days or calendar days) counted "
            "from the receipt instant `start` falls due, in the working calendar of the province "
            "or of one agency: office hours, weekends, Vietnamese public holidays and swap days, "
            "the override table, and an optional same-day cut-off. See docs/calendar.md."
        ),
        parameters=[DueQuerySerializer],
        responses={
            200: DueResultSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Three working days",
                summary="start=2025-04-23T10:00:00+07:00&duration=3&unit=working_days",
                value={
                    "due_at": "2025-04-26T10:00:00+07:00",
                    "clock_start": "2025-04-23T10:00:00+07:00",
                    "explanation": [
                        "Received at 10:00 Wednesday 23/04/2025; duration 3 working days, "
                        "counted in hours mode.",
                        "3 working days = 24 working hours counted through office hours "
                        "(07:30–11:30, 13:00–17:00).",
                        "Weekend days that are working days are counted: Saturday 26/04/2025 "
                        "(Substituted working day).",
                        "The break between office periods (11:30–13:00) is not counted.",
                        "Due at 10:00 Saturday 26/04/2025.",
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Naive start",
                value={
                    "error": {
                        "code": "invalid",
                        "message": "Invalid parameters. start: …",
                        "fields": {"start": ["“2025-01-02T08:00” has no time zone offset: …"]},
                    }
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=["calendar"],
    )
    def get(self, request: Request) -> Response:
        try:
            query = due_query_parse(request.query_params.dict())
            result = calendar_due(query=query)
        except QueryInvalid as exc:
            return Response(exc.as_body(), status=400)
        return Response(due_as_json(result))
