"""Background file jobs: an uploaded file is kept and read by the job worker, never by the web process.

`ddm.jobs` sits below every app (above ``ddm.tabular``) and knows nothing of what a file holds:

- ``progress``: the small file naming the process that runs an import (host, pid, rows done), so a
  page can show progress and tell a live job from one whose process died (``process_alive``); the
  project intake (``investment/intake/pipeline.py``) and the file jobs below both use it.
- ``FileJob`` (models): one uploaded file waiting for, or read by, the worker: its kind, the
  uploader, the parameters the page gave, its status and the report the importer returned.
- ``runner``: ``register(kind, handler)`` (apps hand their importer down at start-up, in
  ``AppConfig.ready``), ``start(kind, upload, user, params)`` keeps the file and enqueues
  ``run_file_job`` (django-tasks) and ``fail_abandoned()``.

A handler takes the job and returns its report (JSON: the importer's ``as_dict()``, issues naming
file, sheet, row, column, value and reason); it writes in one transaction of its own, so a failed
file writes nothing. An unexpected exception marks the job failed with a plain note (the traceback
goes to the log, never to the page).
"""
