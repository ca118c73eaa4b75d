from motcua.documents.models.credential import CredentialKind, SigningCredential
from motcua.documents.models.digitised import DigitisedDocument, DocumentReuse
from motcua.documents.models.result import ResultDocument, ResultKind, ResultSignature

__all__ = [
    "CredentialKind",
    "DigitisedDocument",
    "DocumentReuse",
    "ResultDocument",
    "ResultKind",
    "ResultSignature",
    "SigningCredential",
]
