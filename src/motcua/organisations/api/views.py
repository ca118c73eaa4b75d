from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CalendarDueView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:  # replaced by the calendar work
        return Response({})
