"""Background work of the registry (django-tasks; run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def validate_import(import_id: int) -> None:
    from anjian.enterprises.importing import import_validate

    import_validate(import_id)


@task()
def apply_import(import_id: int) -> None:
    from anjian.enterprises.importing import import_apply

    import_apply(import_id)
