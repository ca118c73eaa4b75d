"""Signing speed: PAdES B-B signatures with the visible Decree 30 appearance, no timestamp server.

What one "document" costs here is what ``documents.services.result_sign`` does twice for a
result (the leader's signature, then the agency seal over it, each an incremental update), plus
the SHA-256 of every output: read, sign, hash. Database rows and storage writes are not in the
loop (they are a few milliseconds each and do not depend on the signature).

Set-up: a fresh PostgreSQL database with the demo organisations, catalogue and demo PKI; one real
result document rendered from a demo procedure (PDF/A-2b, one page). Runs 1 process, then
``--workers`` processes (default: the number of cores), each signing its share.

    .venv/bin/python bench/signing.py [--documents 200] [--workers 2]

Target (issue 8): >= 20 documents/s on 2 cores. Results: bench/results/signing.json.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import Timer, print_table, setup_django, write_result  # noqa: E402

DEFAULT_URL = "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_signing"


def _prepare() -> tuple[bytes, int, int]:
    """Demo data, PKI and one rendered result; the ids of the leader and seal credentials."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.catalogue.services import catalogue_load_demo
    from motcua.core.models import User
    from motcua.documents import result_pdf, texts
    from motcua.documents.demo import demo_load_pki
    from motcua.documents.models import CredentialKind, SigningCredential
    from motcua.organisations.demo import ADMIN_USERNAME, demo_load_organisations
    from motcua.records.models import Record

    demo_load_organisations()
    catalogue_load_demo(actor=User.objects.get(username=ADMIN_USERNAME))
    demo_load_pki()
    leader = SigningCredential.objects.filter(kind=CredentialKind.PERSONAL).order_by("id").first()
    assert leader is not None and leader.agency is not None
    seal = SigningCredential.objects.get(
        kind=CredentialKind.SEAL, agency=leader.agency, is_active=True
    )
    version = ProcedureVersion.objects.filter(status="published").order_by("id").first()
    record = Record(
        code=f"{leader.agency.code}-250421-0001",
        applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_id_number="001190012345",
        procedure_version=version,
        agency=leader.agency,
        handling_agency=leader.agency,
    )
    data = result_pdf.render(
        record,
        result_pdf.ResultContent(
            kind="certificate",
            title=texts.TITLES["certificate"],
            result_code=f"KQ.{leader.agency.code}.000001",
            content=result_pdf.default_content(record),
            signer_title=texts.LEADER_TITLE_DEPUTY,
            signer_name=str(leader.user),
        ),
    )
    return data, leader.pk, seal.pk


def _sign_many(args: tuple[bytes, int, int, int]) -> tuple[int, float, int, float]:
    """Sign ``count`` documents (leader then seal): (documents, wall seconds, bytes of the last
    output, CPU seconds of this process)."""
    data, leader_id, seal_id, count = args
    from django.db import connections

    from motcua.documents import signing
    from motcua.documents.models import SigningCredential

    leader = SigningCredential.objects.get(pk=leader_id)
    seal = SigningCredential.objects.get(pk=seal_id)
    connections.close_all()
    page = signing.last_page_index(data)
    with signing.signer_for(leader) as leader_signer, signing.signer_for(seal) as seal_signer:
        # Warm-up (key loading and font caches), not timed.
        signing.sign_pdf(
            data,
            signer=leader_signer,
            field_name="Signature1",
            placement=signing.signer_placement(page),
            image_png=bytes(leader.image_png),
        )
        start = time.perf_counter()
        cpu_start = time.process_time()
        size = 0
        for _ in range(count):
            signed = signing.sign_pdf(
                data,
                signer=leader_signer,
                field_name="Signature1",
                placement=signing.signer_placement(page),
                image_png=bytes(leader.image_png),
            )
            hashlib.sha256(signed).hexdigest()
            sealed = signing.sign_pdf(
                signed,
                signer=seal_signer,
                field_name="Seal",
                placement=signing.seal_placement(page),
                image_png=bytes(seal.image_png),
                show_time=False,
            )
            hashlib.sha256(sealed).hexdigest()
            size = len(sealed)
        return count, time.perf_counter() - start, size, time.process_time() - cpu_start


def _check(data: bytes, leader_id: int, seal_id: int) -> bool:
    """The benchmark's output is a valid document (verified like the public page does)."""
    from motcua.documents import signing
    from motcua.documents.models import SigningCredential
    from motcua.documents.verification import Verdict, verify_pdf

    leader = SigningCredential.objects.get(pk=leader_id)
    seal = SigningCredential.objects.get(pk=seal_id)
    page = signing.last_page_index(data)
    with signing.signer_for(leader) as a, signing.signer_for(seal) as b:
        signed = signing.sign_pdf(
            data, signer=a, field_name="Signature1", placement=signing.signer_placement(page)
        )
        sealed = signing.sign_pdf(
            signed, signer=b, field_name="Seal", placement=signing.seal_placement(page)
        )
    return verify_pdf(sealed).verdict == Verdict.VALID


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    options = parser.parse_args()
    os.environ.setdefault("MOTCUA_DEMO_DATA", "true")
    setup_django(options.database_url)
    with Timer() as prep:
        data, leader_id, seal_id = _prepare()
    assert _check(data, leader_id, seal_id), "the signed benchmark document does not verify"
    from django.db import connections

    connections.close_all()
    rows: list[dict[str, object]] = []

    load = os.getloadavg()[0]
    count, seconds, size, cpu = _sign_many(
        (data, leader_id, seal_id, max(options.documents // 4, 20))
    )
    rows.append(
        {
            "mode": "1 process",
            "documents": count,
            "signatures": count * 2,
            "seconds": round(seconds, 2),
            "documents_per_s": round(count / seconds, 1),
            "ms_per_signature": round(seconds * 1000 / (count * 2), 1),
            "cpu_ms_per_document": round(cpu * 1000 / count, 1),
            "cpu_bound_documents_per_s_on_2_cores": round(2 * count / cpu, 1),
            "load_average_before": round(load, 1),
            "signed_pdf_bytes": size,
        }
    )
    workers = options.workers
    share = options.documents // workers
    context = multiprocessing.get_context("fork")
    wall_start = time.perf_counter()
    with context.Pool(workers) as pool:
        results = pool.map(_sign_many, [(data, leader_id, seal_id, share)] * workers)
    wall = time.perf_counter() - wall_start
    total = sum(r[0] for r in results)
    busy = max(r[1] for r in results)
    cpu_total = sum(r[3] for r in results)
    rows.append(
        {
            "mode": f"{workers} processes",
            "documents": total,
            "signatures": total * 2,
            "seconds": round(busy, 2),
            "documents_per_s": round(total / busy, 1),
            "ms_per_signature": round(busy * 1000 * workers / (total * 2), 1),
            "cpu_ms_per_document": round(cpu_total * 1000 / total, 1),
            "cpu_bound_documents_per_s_on_2_cores": round(2 * total / cpu_total, 1),
            "load_average_before": round(os.getloadavg()[0], 1),
            "signed_pdf_bytes": results[0][2],
        }
    )
    print(
        f"set-up (demo data, PKI, one result rendered): {prep.seconds:.1f}s; pool wall {wall:.1f}s"
    )
    print_table(rows)
    path = write_result("signing", rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
