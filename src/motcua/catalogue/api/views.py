"""Read-only catalogue API: the procedure list and one procedure with its current version."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.catalogue import selectors
from motcua.catalogue.api.serializers import ProcedureDetailSerializer, ProcedureListSerializer
from motcua.catalogue.filters import ProcedureFilterSet
from motcua.catalogue.models import Procedure
from motcua.core.api import ErrorSerializer
from motcua.core.errors import NotFound


@extend_schema(
    tags=["catalogue"],
    responses={
        200: ProcedureListSerializer(many=True),
        400: ErrorSerializer,
        403: ErrorSerializer,
        404: ErrorSerializer,  # a page number past the end
    },
)
class ProcedureListView(generics.ListAPIView[Procedure]):
    """Procedures with their current version. Search with ``q`` (code or name); filter by
    ``field`` (code), ``agency`` (identifier code), ``level``, ``online_level``, ``is_active``."""

    serializer_class = ProcedureListSerializer
    filterset_class = ProcedureFilterSet

    def get_queryset(self) -> QuerySet[Procedure]:
        return selectors.procedure_list(user=self.request.user)


class ProcedureDetailView(generics.GenericAPIView[Procedure]):
    serializer_class = ProcedureDetailSerializer

    @extend_schema(
        tags=["catalogue"],
        responses={200: ProcedureDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, code: str, *args: Any, **kwargs: Any) -> Response:
        """One procedure and its current version: document components, fees and process steps."""
        procedure = selectors.procedure_get(user=request.user, code=code)
        if procedure is None:
            raise NotFound(_("No procedure has the code %(code)s.") % {"code": code})
        version = selectors.version_current_with_content(procedure=procedure)
        serializer = self.get_serializer(
            procedure, context={"request": request, "current_version": version}
        )
        return Response(serializer.data)
