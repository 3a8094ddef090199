from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "ddm.engagement"
    verbose_name = "Engagement"

    def ready(self) -> None:
        # The project page (investment, a lower app) shows the chains through a project: handed down here.
        from ddm.engagement.delivery import project_chains
        from ddm.investment.delivery import register_project_chains

        register_project_chains(project_chains)
