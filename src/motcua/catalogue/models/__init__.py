from motcua.catalogue.models.choices import (
    ComponentForm,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResultType,
    SupplementRule,
    VersionStatus,
)
from motcua.catalogue.models.procedure import Field, Procedure, procedure_code_validator
from motcua.catalogue.models.version import (
    DocumentComponent,
    Fee,
    ProcedureVersion,
    ProcessStep,
    PublishedVersionLocked,
)

__all__ = [
    "ComponentForm",
    "DocumentComponent",
    "Fee",
    "FeeKind",
    "Field",
    "OnlineLevel",
    "Procedure",
    "ProcedureLevel",
    "ProcedureVersion",
    "ProcessStep",
    "PublishedVersionLocked",
    "ResultType",
    "SupplementRule",
    "VersionStatus",
    "procedure_code_validator",
]
