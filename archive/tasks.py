"""Background tasks (Django's tasks framework; run by `manage.py db_worker` in production)."""

from django.tasks import task

from archive.bundles import build_bundle


@task()
def build_archive_bundle(bundle_id: int) -> str:
    bundle = build_bundle(bundle_id)
    return bundle.sha256
