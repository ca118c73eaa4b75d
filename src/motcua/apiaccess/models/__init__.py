from motcua.apiaccess.models.client import ApiClient
from motcua.apiaccess.models.inbound import IdempotencyKey, InboundSubmission
from motcua.apiaccess.models.log import ApiCall

__all__ = ["ApiCall", "ApiClient", "IdempotencyKey", "InboundSubmission"]
