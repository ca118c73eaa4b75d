"""``GET /api/v1/public/lookup``: the citizen lookup for apps and kiosks (anonymous)."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import ErrorSerializer
from motcua.core.errors import NotFound
from motcua.public import lookup, ratelimit
from motcua.public.api.serializers import LookupQuerySerializer, PublicRecordSerializer


@method_decorator(never_cache, name="dispatch")
class PublicLookupView(APIView):
    """Never cached, like the lookup page: every answer (200, 400, 404, 429) carries
    ``Cache-Control: no-store``."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_lookup",
        summary="Look a record up by its code and secret (or four digits)",
        description=(
            "Anonymous. Answers the record's public status, appointment, timeline (units only), "
            "supplement items and fees due. An unknown code, a wrong secret and wrong digits all "
            "answer the same 404. Attempts are limited per client address, and wrong guesses per "
            "client and code and per code (429). Answers are never cached (`Cache-Control: "
            "no-store`)."
        ),
        parameters=[LookupQuerySerializer],
        responses={
            200: PublicRecordSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = lookup.normalise_code(query.validated_data["code"])
        verdict = ratelimit.attempt(request._request, code=code)
        if not verdict.allowed:
            return Response(
                {
                    "error": {
                        "code": "rate_limited",
                        "message": _("Too many attempts. Try again in %(minutes)d minutes.")
                        % {"minutes": max(1, (verdict.retry_after + 59) // 60)},
                    }
                },
                status=429,
                headers={"Retry-After": str(verdict.retry_after)},
            )
        record, _by_secret = lookup.find(
            code=code,
            secret=query.validated_data.get("k", ""),
            digits=query.validated_data.get("digits", ""),
        )
        if record is None:
            raise NotFound(_("No record matches this code and the details you gave."))
        ratelimit.forgive(verdict)
        view = lookup.public_view(record)
        data = asdict(view)
        data["fees_due"] = [{"name": name, "amount": amount} for name, amount in view.fees_due]
        return Response(PublicRecordSerializer(data).data)
