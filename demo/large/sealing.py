"""Sealing the large dataset's agreements, by the production code, in several processes."""

import hashlib
import multiprocessing
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections

from agreements.models import (
    Agreement,
    SignedDocument,
)


def _seal_one(pk: int) -> tuple[int, str, str, int]:
    """Render and seal one agreement's overview exactly as signing does; store it."""
    from agreements.pdf import load_for_pdf, render_agreement_pdf
    from core.sealing import seal_pdf

    agreement = load_for_pdf(Agreement.objects.get(pk=pk))
    sealed = seal_pdf(
        render_agreement_pdf(agreement, draft=False),
        reason=f"Överenskommelse {agreement.reference} version 1, underskriven av båda parter",
    )
    digest = hashlib.sha256(sealed).hexdigest()
    name = default_storage.save(
        f"agreements/signed/{agreement.period_start.year}/"
        f"{agreement.reference}-v1-{digest[:12]}.pdf",
        ContentFile(sealed),
    )
    return pk, name, digest, len(sealed)


def _close_connections() -> None:
    connections.close_all()


def seal_all(
    pks: list[int], *, jobs: int, progress: Callable[[int, int], None]
) -> list[SignedDocument]:
    results: Iterable[tuple[int, str, str, int]]
    if jobs > 1:
        # Children are forked with this process's connection closed, and open their own.
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_close_connections)
        results = pool.imap_unordered(_seal_one, pks, chunksize=8)
    else:
        pool = None
        results = map(_seal_one, pks)
    documents = []
    try:
        for done, (pk, name, digest, size) in enumerate(results, start=1):
            documents.append(
                SignedDocument(
                    agreement_id=pk, agreement_version=1, file=name, sha256=digest, size=size
                )
            )
            if done % 100 == 0 or done == len(pks):
                progress(done, len(pks))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return documents
