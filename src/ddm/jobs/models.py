from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the job worker"
    RUNNING = "running", "Being read"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class FileJob(models.Model):
    """An uploaded file read and imported by the job worker (ddm.jobs.runner), with its report."""

    kind = models.CharField(max_length=40, help_text="the importer that reads it, e.g. skills")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    source_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="what the upload page asked for")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    result = models.JSONField(default=dict, blank=True, help_text="the importer's report")
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:

        return f"{self.kind} job {self.pk}: {self.filename} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)
