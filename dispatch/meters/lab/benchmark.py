"""scripts/bench-certificates: how fast certificates render.

1. In-process: RENDER (50) certificate PDFs rendered one after another by this one process (after WARMUP (3)),
   printed as certificates per second.
2. Through Celery: a print job of BATCH (1000) certificates in chunks of CHUNK (25), with its progress printed,
   and the wall time. Without a broker (no BENCH_REDIS_URL) the tasks run eagerly in this process — the figure
   is then the same single worker's time for the batch, plus the job bookkeeping. With BENCH_REDIS_URL set
   (e.g. redis://127.0.0.1:6379/13) it starts WORKERS (1) real `celery worker` processes on that broker and the
   same database, queues the chunks and polls the job's progress.

The certificates (one G4 meter, a completed three-point test and an approved certificate each) are seeded once
into BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/dispatch_lab_bench). BENCH_JSON writes the figures.
"""

import json
import os
import subprocess
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from benchmarks.django_setup import setup_bench_django

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dispatch_lab_bench"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _log(message: str) -> None:
    print(message, flush=True)


def _seed(count: int) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from dispatch.meters.lab.models import (
        LabCertificate,
        ReferenceStandard,
        RegulationProfile,
        VerificationTest,
        VerificationTestPoint,
    )
    from dispatch.meters.models import Meter, MeterSize

    existing = list(LabCertificate.objects.filter(number__startswith="BENCH").order_by("id")
                    .values_list("id", flat=True))
    if len(existing) >= count:
        # A print job stores the PDF of an approved certificate that has none: start again without them.
        LabCertificate.objects.filter(number__startswith="BENCH").update(pdf=None, pdf_sha256="")
        return existing[:count]
    _log(f"seeding {count:,} certificates ...")
    User = get_user_model()
    signers = [User.objects.get_or_create(username=name, defaults={"first_name": label})[0]
               for name, label in (("bench-v", "王检定"), ("bench-c", "李核验"), ("bench-a", "赵批准"))]
    today = timezone.localdate()
    size = MeterSize.objects.get(code="G4")
    profile = RegulationProfile.objects.get(code="JJG577-2012", current=True)
    standard, _created = ReferenceStandard.objects.get_or_create(serial="BENCH-BP", defaults=dict(
        name="钟罩式气体流量标准装置 Bell prover", kind="bell_prover", range_min=Decimal("0.016"),
        range_max=Decimal("40"), uncertainty="U = 0.2 %, k = 2", calibration_certificate_no="BENCH-CAL-1",
        calibrated_by="广西计量检测研究院", calibrated_on=today - timedelta(days=30),
        calibration_valid_until=today + timedelta(days=300)))
    now = timezone.now()
    with transaction.atomic():
        LabCertificate.objects.filter(number__startswith="BENCH").delete()
        VerificationTest.objects.filter(record_no__startswith="BENCH").delete()
        Meter.objects.filter(serial__startswith="BENCHM").delete()
        meters = Meter.objects.bulk_create([
            Meter(serial=f"BENCHM{n:07d}", manufacturer="金卡 Goldcard", model="JGD4", size=size,
                  manufactured_on=date(2026, 1, 1), service_life_expires_on=date(2036, 1, 1), status="in_stock")
            for n in range(count)])
        tests = VerificationTest.objects.bulk_create([
            VerificationTest(record_no=f"BENCH-{n:07d}", meter=meter, profile=profile, standard=standard,
                             tested_on=today, status="completed", passed=True, completed_at=now,
                             ambient_temp_c=Decimal("20.1"), ambient_pressure_kpa=Decimal("100.9"),
                             humidity_pct=Decimal("55"), conditioning_hours=Decimal("4"), customer_name="南宁市用户")
            for n, meter in enumerate(meters)])
        points = []
        for test in tests:
            for code, flow, v_meter, error in (("qmin", "0.040", "10.0120", "0.12"),
                                               ("0.2qmax", "1.200", "10.0310", "0.31"),
                                               ("qmax", "6.000", "9.9820", "-0.18")):
                points.append(VerificationTestPoint(
                    test=test, code=code, flow=Decimal(flow), v_ref=Decimal("10"), v_meter=Decimal(v_meter),
                    t_ref_c=Decimal("20.1"), p_ref_kpa=Decimal("102.3"), t_meter_c=Decimal("20.1"),
                    p_meter_kpa=Decimal("102.3"), v_ref_corrected=Decimal("10"), error=Decimal(error),
                    error_rounded=Decimal(error), mpe=Decimal("1.5"), passed=True))
        VerificationTestPoint.objects.bulk_create(points, batch_size=5000)
        certificates = LabCertificate.objects.bulk_create([
            LabCertificate(number=f"BENCH{n:07d}", base_number=f"BENCH{n:07d}", kind="certificate", test=test,
                           status="approved", customer_name="南宁市用户", valid_until=date(2036, 1, 1),
                           verifier=signers[0], checker=signers[1], approver=signers[2], verified_at=now,
                           checked_at=now, approved_at=now, issued_on=today)
            for n, test in enumerate(tests)])
    return [cert.pk for cert in certificates]


def _in_process(ids: list[int], render: int, warmup: int) -> dict:
    from dispatch.meters.lab.certificates import render_certificate
    from dispatch.meters.lab.models import LabCertificate

    certs = list(LabCertificate.objects.filter(pk__in=ids[:render + warmup]).select_related(
        "test__meter__size", "test__profile", "test__standard", "verifier", "checker", "approver"))
    for cert in certs[:warmup]:
        render_certificate(cert)
    started = time.perf_counter()
    sizes = [len(render_certificate(cert)) for cert in certs[warmup:warmup + render]]
    seconds = time.perf_counter() - started
    return {"rendered": len(sizes), "seconds": round(seconds, 3), "per_second": round(len(sizes) / seconds, 2),
            "mean_pdf_kb": round(sum(sizes) / len(sizes) / 1024, 1)}


def _start_workers(count: int) -> list[subprocess.Popen]:
    env = {**os.environ}
    return [subprocess.Popen([str(ROOT / ".venv" / "bin" / "celery"), "-A", "dispatch", "worker", "-c", "1",
                              "-Q", env["CELERY_QUEUE"], "-n", f"labbench{n}@%h", "--without-heartbeat",
                              "--without-mingle", "--without-gossip", "-l", "warning"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL)
            for n in range(count)]


def _batch(ids: list[int], chunk: int, eager: bool, workers: int) -> dict:
    from django.conf import settings

    from dispatch.meters.lab import printing
    from dispatch.meters.lab.models import CertificatePrintJob
    from dispatch.meters.lab.tasks import render_certificates_chunk

    job = printing.print_job_create(actor=None, certificate_ids=ids)
    parts = printing.chunks(job, chunk)
    processes = [] if eager else _start_workers(workers)
    try:
        if processes:
            time.sleep(3)  # workers connect
        started = time.perf_counter()
        last = -1
        for part in parts:
            render_certificates_chunk.delay(job.pk, part)
            if eager:
                job.refresh_from_db()
                _report(job, started)
        while not eager:
            job.refresh_from_db()
            if job.done != last:
                _report(job, started)
                last = job.done
            if job.done + job.failed >= job.total:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    job = CertificatePrintJob.objects.get(pk=job.pk)
    return {"certificates": job.total, "rendered": job.done, "failed": job.failed, "chunk": chunk,
            "mode": "eager (in this process)" if eager else f"{workers} celery worker process(es) via "
            f"{settings.CELERY_BROKER_URL}", "seconds": round(seconds, 2),
            "per_second": round(job.done / seconds, 2), "output": str(printing.job_dir(job))}


def _report(job, started: float) -> None:
    percent = 100 * (job.done + job.failed) / max(job.total, 1)
    elapsed = time.perf_counter() - started
    _log(f"  progress {job.done + job.failed:>5}/{job.total} ({percent:5.1f} %)  {elapsed:7.1f} s")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    batch, chunk = _env_int("BATCH", 1000), _env_int("CHUNK", 25)
    render, warmup, workers = _env_int("RENDER", 50), _env_int("WARMUP", 3), _env_int("WORKERS", 1)
    setup_bench_django(url, redis_url=redis_url, queue="lab-bench", media_root=str(ROOT / "var" / "bench-media"))
    ids = _seed(max(batch, render + warmup))
    _log("== certificates: one worker process, in-process rendering ==")
    single = _in_process(ids, render, warmup)
    _log(f"{single['rendered']} certificates in {single['seconds']} s: {single['per_second']} certificates/s "
         f"(mean PDF {single['mean_pdf_kb']} KiB)")
    eager = not redis_url
    how = "eager: no broker, tasks run in this process" if eager else f"{workers} real celery worker(s)"
    _log(f"== batch of {batch:,} through Celery ({how}) ==")
    result = _batch(ids[:batch], chunk, eager, workers)
    _log(f"{result['rendered']:,} rendered ({result['failed']} failed) in {result['seconds']} s "
         f"= {result['per_second']} certificates/s, {result['mode']}; PDFs in {result['output']}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps({"single_process": single, "batch": result},
                                                              indent=2))


if __name__ == "__main__":
    main()
