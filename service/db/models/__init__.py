"""Every area's tables, imported here so that `Base.metadata` (and with it Alembic's
autogenerate) knows them all. An area adds a module beside batch.py and one import below."""

from service.db.models.batch import BatchItem, BatchJob, BatchOutput
from service.db.models.form import FormDraft, FormProfile
from service.db.models.register import RegisterEntry, RegisterSeries

__all__ = ["BatchItem", "BatchJob", "BatchOutput", "FormDraft", "FormProfile", "RegisterEntry",
           "RegisterSeries"]
