from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "ddm.capacity"
    verbose_name = "Capacity"

    def ready(self) -> None:
        # Imported here, not at the top: skills_import imports models, which Django loads only after this module.
        from ddm.capacity.skills_import import JOB_KIND, run_skills_job
        from ddm.jobs import runner

        runner.register(JOB_KIND, run_skills_job)  # uploaded audits are read by the job worker
