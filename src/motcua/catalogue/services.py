"""Writes to the procedure catalogue.

Every service takes ``actor`` first: the acting user, or None for the system itself (a
management command run by the operator). Versions: ``version_create_draft`` →
``version_update``… → ``version_publish`` (→ ``version_retire``). Published versions never
change; the newest published version in force is the one new records use.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from importlib import resources

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue import permissions, selectors
from motcua.catalogue.content import SCALAR_FIELDS, VersionContent, version_content
from motcua.catalogue.models import (
    DocumentComponent,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    VersionStatus,
)
from motcua.catalogue.models.procedure import PROCEDURE_CODE_PATTERN
from motcua.catalogue.validation import (
    AgencyDirectory,
    Issue,
    PathPart,
    content_issues,
    referenced_agency_codes,
)
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.core.models import User

logger = logging.getLogger("motcua.catalogue")


class VersionInvalid(ValidationFailed):
    """A version cannot be published (or stored) as it is. ``issues`` lists every problem."""

    code = "version_invalid"

    def __init__(self, version: ProcedureVersion, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        message = _("Version %(number)s of %(code)s cannot be published: %(problems)s") % {
            "number": version.number,
            "code": version.procedure.code,
            "problems": " ".join(f"{issue.message}" for issue in self.issues),
        }
        super().__init__(message)


@dataclass(frozen=True)
class LocatedError:
    """An import error: where (``procedures[3].steps[1].unit`` or a sheet, row and column) and
    what is wrong."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CatalogueImportError(ValidationFailed):
    """An import was refused; nothing was written. ``problems`` lists every problem found
    (``errors``, field -> messages, stays empty: a location is not a field)."""

    code = "catalogue_import_invalid"

    def __init__(self, problems: Sequence[LocatedError]) -> None:
        self.problems = list(problems)
        self.summary = _(
            "The catalogue was not imported: %(count)s error(s) found, nothing was changed."
        ) % {"count": len(self.problems)}
        super().__init__("\n".join([self.summary, *(f"- {error}" for error in self.problems)]))


# ---- fields and procedures ------------------------------------------------------------------
@transaction.atomic
def field_upsert(*, actor: User | None, code: str, name: str) -> Field:
    """Create the field ``code`` or rename it to ``name``."""
    permissions.ensure_can_manage_catalogue(actor)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationFailed(
            _("A field needs a code and a name."), field="code" if not code else "name"
        )
    item, created = Field.objects.get_or_create(code=code, defaults={"name": name})
    if not created and item.name != name:
        item.name = name
        item.save(update_fields=["name", "updated_at"])
    return item


def _check_procedure_code(code: str) -> None:
    if not re.fullmatch(PROCEDURE_CODE_PATTERN, code):
        raise ValidationFailed(
            _(
                "“%(code)s” is not a national procedure code such as 1.001612 (one digit, a dot, six digits)."
            )
            % {"code": code},
            field="code",
        )


@transaction.atomic
def procedure_create(
    *, actor: User | None, code: str, name: str, field: Field, is_active: bool = True
) -> Procedure:
    permissions.ensure_can_manage_catalogue(actor)
    code, name = code.strip(), name.strip()
    _check_procedure_code(code)
    if not name:
        raise ValidationFailed(_("The name is required."), field="name")
    if Procedure.objects.filter(code=code).exists():
        raise Conflict(
            _("A procedure with the code %(code)s already exists.") % {"code": code}, field="code"
        )
    procedure = Procedure.objects.create(code=code, name=name, field=field, is_active=is_active)
    logger.info("catalogue.procedure.created", extra={"procedure": code, "actor": _actor_id(actor)})
    return procedure


@transaction.atomic
def procedure_update(
    *,
    actor: User | None,
    procedure: Procedure,
    name: str | None = None,
    field: Field | None = None,
    is_active: bool | None = None,
) -> Procedure:
    """Change what is not versioned: the current name, the field, whether it is offered."""
    permissions.ensure_can_manage_catalogue(actor)
    changed: list[str] = []
    if name is not None and name.strip() != procedure.name:
        if not name.strip():
            raise ValidationFailed(_("The name is required."), field="name")
        procedure.name = name.strip()
        changed.append("name")
    if field is not None and field.pk != procedure.field_id:
        procedure.field = field
        changed.append("field")
    if is_active is not None and is_active != procedure.is_active:
        procedure.is_active = is_active
        changed.append("is_active")
    if changed:
        procedure.save(update_fields=[*changed, "updated_at"])
    return procedure


# ---- versions -------------------------------------------------------------------------------
def _actor_id(actor: User | None) -> int | None:
    return getattr(actor, "pk", None)


def _lock(version: ProcedureVersion) -> ProcedureVersion:
    try:
        return (
            ProcedureVersion.objects.select_for_update()
            .select_related("procedure")
            .get(pk=version.pk)
        )
    except ProcedureVersion.DoesNotExist as exc:
        raise NotFound(_("The version no longer exists.")) from exc


def _ensure_draft(version: ProcedureVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            _("Version %(number)s of %(code)s is %(status)s: only a draft can be changed.")
            % {
                "number": version.number,
                "code": version.procedure.code,
                "status": version.get_status_display(),
            }
        )


def _checked_agency_ids(version: ProcedureVersion, content: VersionContent) -> dict[str, int]:
    """Check that ``content`` can be stored (references exist, values are valid) and return the
    primary keys of the agencies it names, by identifier code."""
    directory = AgencyDirectory.load(referenced_agency_codes(content))
    issues = content_issues(content, directory, for_publish=False)
    if issues:
        raise VersionInvalid(version, issues)
    ids: dict[str, int] = {}
    for code in referenced_agency_codes(content):
        info = directory.get(code)
        if info is not None and info.pk is not None:
            ids[code] = info.pk
    return ids


def _set_scalars(
    version: ProcedureVersion, content: VersionContent, agencies: dict[str, int]
) -> None:
    for key, column in SCALAR_FIELDS.items():
        setattr(version, column, getattr(content, key))
    version.receiving_agency_id = (
        agencies[content.receiving_agency] if content.receiving_agency else None
    )


def _write_rows(
    version: ProcedureVersion, content: VersionContent, agencies: dict[str, int], *, fresh: bool
) -> None:
    """Store the agencies and rows of ``content`` in the draft ``version`` (locked and checked
    by the caller). ``fresh``: the version was just created and has no rows yet."""
    agency_ids = [agencies[c] for c in content.implementing_agencies]
    if fresh:
        through = ProcedureVersion.implementing_agencies.through
        through.objects.bulk_create(
            through(procedureversion_id=version.pk, agency_id=pk) for pk in agency_ids
        )
    else:
        version.implementing_agencies.set(agency_ids)
        # The rows are replaced as a whole; the caller has checked that the version is a draft.
        version.components.all().delete()
        version.fees.all().delete()
        version.steps.all().delete()
    DocumentComponent.objects.bulk_create(
        DocumentComponent(
            version=version,
            order=i,
            code=c.code,
            name=c.name,
            form=c.form,
            quantity=c.quantity,
            mandatory=c.mandatory,
        )
        for i, c in enumerate(content.components, start=1)
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            order=i,
            code=f.code,
            name=f.name,
            kind=f.kind,
            amount=f.amount,
            note=f.note,
        )
        for i, f in enumerate(content.fees, start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            order=i,
            name=s.name,
            agency_id=agencies[s.agency] if s.agency else None,
            unit_code=s.unit,
            role=s.role,
            budget_hours=s.budget_hours,
            public_status=s.public_status,
            leaders_may_act=s.leaders_may_act,
        )
        for i, s in enumerate(content.steps, start=1)
    )


@transaction.atomic
def version_create_draft(
    *, actor: User | None, procedure: Procedure, content: VersionContent | None = None
) -> ProcedureVersion:
    """A new draft of ``procedure``: ``content`` if given, else a copy of the newest published
    version, else an empty draft named after the procedure. One draft at a time."""
    permissions.ensure_can_manage_catalogue(actor)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    existing = selectors.version_draft(procedure=procedure)
    if existing is not None:
        raise Conflict(
            _("%(code)s already has a draft (version %(number)s): edit or publish it first.")
            % {"code": procedure.code, "number": existing.number}
        )
    if content is None:
        newest = selectors.version_newest_published(procedure=procedure)
        if newest is not None:
            newest = selectors.versions_with_content(
                ProcedureVersion.objects.filter(pk=newest.pk)
            ).get()
            content = version_content(newest)
        else:
            content = VersionContent(name=procedure.name)
    number = (procedure.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT)
    agencies = _checked_agency_ids(version, content)
    _set_scalars(version, content, agencies)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as exc:  # a concurrent draft won the race
        raise Conflict(_("%(code)s already has a draft.") % {"code": procedure.code}) from exc
    _write_rows(version, content, agencies, fresh=True)
    logger.info(
        "catalogue.version.draft_created",
        extra={"procedure": procedure.code, "number": number, "actor": _actor_id(actor)},
    )
    return version


@transaction.atomic
def version_update(
    *, actor: User | None, version: ProcedureVersion, content: VersionContent
) -> ProcedureVersion:
    """Replace the content of a draft. Published and retired versions are refused."""
    permissions.ensure_can_manage_catalogue(actor)
    version = _lock(version)
    _ensure_draft(version)
    agencies = _checked_agency_ids(version, content)
    _set_scalars(version, content, agencies)
    version.save()
    _write_rows(version, content, agencies, fresh=False)
    logger.info(
        "catalogue.version.updated",
        extra={
            "procedure": version.procedure.code,
            "number": version.number,
            "actor": _actor_id(actor),
        },
    )
    return version


def version_issues(version: ProcedureVersion) -> list[Issue]:
    """What prevents publishing ``version`` (empty: it can be published)."""
    loaded = selectors.versions_with_content(ProcedureVersion.objects.filter(pk=version.pk)).get()
    content = version_content(loaded)
    directory = AgencyDirectory.load(referenced_agency_codes(content))
    return content_issues(content, directory, for_publish=True)


@transaction.atomic
def version_publish(
    *, actor: User | None, version: ProcedureVersion, effective_from: datetime | None = None
) -> ProcedureVersion:
    """Publish a draft after checking it: at least one implementing agency and one step,
    every unit inside its agency, and step budgets within the legal duration. From
    ``effective_from`` (default: the draft's own, else now) new records use it."""
    permissions.ensure_can_manage_catalogue(actor)
    version = _lock(version)
    _ensure_draft(version)
    issues = version_issues(version)
    if issues:
        raise VersionInvalid(version, issues)
    now = timezone.now()
    if effective_from is not None and timezone.is_naive(effective_from):
        raise ValidationFailed(_("The effective date needs a time zone."), field="effective_from")
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = actor if getattr(actor, "pk", None) else None
    version.effective_from = effective_from or version.effective_from or now
    version.save(
        update_fields=["status", "published_at", "published_by", "effective_from", "updated_at"]
    )
    logger.info(
        "catalogue.version.published",
        extra={
            "procedure": version.procedure.code,
            "number": version.number,
            "actor": _actor_id(actor),
        },
    )
    return version


@transaction.atomic
def version_retire(*, actor: User | None, version: ProcedureVersion) -> ProcedureVersion:
    """Withdraw a published version: no new record uses it (records filed under it keep it).
    If an older published version is still in force, it becomes current again."""
    permissions.ensure_can_manage_catalogue(actor)
    version = _lock(version)
    if version.status != VersionStatus.PUBLISHED:
        raise Conflict(
            _(
                "Only a published version can be retired; version %(number)s of %(code)s is %(status)s."
            )
            % {
                "number": version.number,
                "code": version.procedure.code,
                "status": version.get_status_display(),
            }
        )
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.retired_by = actor if getattr(actor, "pk", None) else None
    version.save(update_fields=["status", "retired_at", "retired_by", "updated_at"])
    logger.info(
        "catalogue.version.retired",
        extra={
            "procedure": version.procedure.code,
            "number": version.number,
            "actor": _actor_id(actor),
        },
    )
    return version


# ---- import ---------------------------------------------------------------------------------
Locator = Callable[[tuple[PathPart, ...]], str]


@dataclass
class ProcedureEntry:
    """One procedure read from a catalogue file, with a way to name places inside it."""

    code: str
    field_code: str
    field_name: str
    is_active: bool
    content: VersionContent
    locate: Locator
    # Parsing failed somewhere: the totals of budgets are unreliable, skip that check.
    has_parse_errors: bool = False


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # procedures created
    drafts: list[str] = field(default_factory=list)  # procedures with a new or changed draft
    published: list[str] = field(default_factory=list)  # procedures with a newly published version
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.drafts or self.published)

    @property
    def total(self) -> int:
        return len(set(self.created) | set(self.drafts) | set(self.published) | set(self.unchanged))

    def __str__(self) -> str:
        return _(
            "%(total)s procedures: %(created)s created, %(drafts)s new or changed drafts, "
            "%(published)s published, %(unchanged)s unchanged."
        ) % {
            "total": self.total,
            "created": len(self.created),
            "drafts": len(self.drafts),
            "published": len(self.published),
            "unchanged": len(self.unchanged),
        }


def catalogue_check(
    *, entries: Sequence[ProcedureEntry], publish: bool, parse_errors: Sequence[LocatedError] = ()
) -> list[LocatedError]:
    """Every error in ``entries`` (read-only): the parse errors, duplicates and clashes inside
    the file, unknown agencies and units, and — with ``publish`` — what would prevent
    publishing."""
    errors = list(parse_errors)
    seen_codes: dict[str, ProcedureEntry] = {}
    field_names: dict[str, tuple[str, ProcedureEntry]] = {}
    codes: set[str] = set()
    for entry in entries:
        codes |= referenced_agency_codes(entry.content)
    directory = AgencyDirectory.load(codes)
    for entry in entries:
        if not re.fullmatch(PROCEDURE_CODE_PATTERN, entry.code):
            errors.append(
                LocatedError(
                    entry.locate(("code",)),
                    _("“%(code)s” is not a national procedure code such as 1.001612.")
                    % {"code": entry.code},
                )
            )
        elif entry.code in seen_codes:
            errors.append(
                LocatedError(
                    entry.locate(("code",)),
                    _("The procedure %(code)s appears twice (first at %(first)s).")
                    % {"code": entry.code, "first": seen_codes[entry.code].locate(())},
                )
            )
        else:
            seen_codes[entry.code] = entry
        if not entry.field_code.strip():
            errors.append(
                LocatedError(entry.locate(("field_code",)), _("The field code is required."))
            )
        elif not entry.field_name.strip():
            errors.append(
                LocatedError(entry.locate(("field_name",)), _("The field name is required."))
            )
        elif (
            entry.field_code in field_names and field_names[entry.field_code][0] != entry.field_name
        ):
            first_name, first = field_names[entry.field_code]
            errors.append(
                LocatedError(
                    entry.locate(("field_name",)),
                    _(
                        "The field %(code)s is named “%(first_name)s” at %(first)s and “%(name)s” here."
                    )
                    % {
                        "code": entry.field_code,
                        "first_name": first_name,
                        "first": first.locate(()),
                        "name": entry.field_name,
                    },
                )
            )
        else:
            field_names.setdefault(entry.field_code, (entry.field_name, entry))
        issues = content_issues(entry.content, directory, for_publish=publish)
        if entry.has_parse_errors and entry.content.steps:
            # A value that could not be read was replaced by a placeholder: the budget total
            # would be wrong, and the unreadable value is already reported.
            issues = [i for i in issues if i.path != ("steps",)]
        errors.extend(LocatedError(entry.locate(issue.path), issue.message) for issue in issues)
    return errors


@transaction.atomic
def catalogue_import(
    *,
    actor: User | None,
    entries: Sequence[ProcedureEntry],
    publish: bool = False,
    parse_errors: Sequence[LocatedError] = (),
) -> ImportReport:
    """Import procedures all-or-nothing.

    Everything is checked first; on any error ``CatalogueImportError`` lists them all and
    nothing is written. Then each procedure is created or updated, and its content becomes a
    draft (a new one, or the existing draft updated), published when ``publish`` is set. Content
    equal to the newest published version changes nothing, so importing the same file twice
    is a no-op.
    """
    permissions.ensure_can_manage_catalogue(actor)
    errors = catalogue_check(entries=entries, publish=publish, parse_errors=parse_errors)
    if errors:
        raise CatalogueImportError(errors)

    report = ImportReport()
    fields: dict[str, Field] = {}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=[e.code for e in entries])}
    stored = selectors.versions_with_content(
        ProcedureVersion.objects.filter(
            procedure__code__in=[e.code for e in entries],
            status__in=[VersionStatus.DRAFT, VersionStatus.PUBLISHED],
        ).order_by("procedure_id", "-number")
    )
    newest_published: dict[str, ProcedureVersion] = {}
    drafts: dict[str, ProcedureVersion] = {}
    for version in stored:
        code = version.procedure.code
        if version.status == VersionStatus.DRAFT:
            drafts[code] = version
        else:
            newest_published.setdefault(code, version)

    for entry in entries:
        if entry.field_code not in fields:
            fields[entry.field_code] = field_upsert(
                actor=actor, code=entry.field_code, name=entry.field_name
            )
        field_obj = fields[entry.field_code]
        procedure = procedures.get(entry.code)
        if procedure is None:
            procedure = procedure_create(
                actor=actor,
                code=entry.code,
                name=entry.content.name,
                field=field_obj,
                is_active=entry.is_active,
            )
            report.created.append(entry.code)
        else:
            procedure_update(
                actor=actor,
                procedure=procedure,
                name=entry.content.name,
                field=field_obj,
                is_active=entry.is_active,
            )
        published = newest_published.get(entry.code)
        if published is not None and version_content(published) == entry.content:
            report.unchanged.append(entry.code)
            continue
        draft = drafts.get(entry.code)
        if draft is None:
            draft = version_create_draft(actor=actor, procedure=procedure, content=entry.content)
            report.drafts.append(entry.code)
        elif version_content(draft) != entry.content:
            draft = version_update(actor=actor, version=draft, content=entry.content)
            report.drafts.append(entry.code)
        if publish:
            version_publish(actor=actor, version=draft)
            report.published.append(entry.code)
        elif entry.code not in report.drafts:
            report.unchanged.append(entry.code)
    logger.info(
        "catalogue.imported",
        extra={
            "actor": _actor_id(actor),
            "procedures_created": len(report.created),
            "drafts": len(report.drafts),
            "published": len(report.published),
            "unchanged": len(report.unchanged),
        },
    )
    return report


DEMO_CATALOGUE = "demo_catalogue.json"


@transaction.atomic
def catalogue_load_demo(*, actor: User | None) -> ImportReport:
    """Import and publish the illustrative demo catalogue (idempotent). The demo organisations
    (the Center, departments, communes and police of "Tỉnh Minh Họa") must exist."""
    from motcua.catalogue.formats import parse_json

    text = (
        resources.files("motcua.catalogue")
        .joinpath("data", DEMO_CATALOGUE)
        .read_text(encoding="utf-8")
    )
    parsed = parse_json(json.loads(text, parse_float=Decimal))
    return catalogue_import(
        actor=actor, entries=parsed.entries, publish=True, parse_errors=parsed.errors
    )
