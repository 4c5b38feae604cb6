from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "frame.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling and the rhythm of the work"

    def ready(self) -> None:
        from frame.accounts import home
        from frame.clients import card
        from frame.portal import home as portal_home
        from frame.scheduling import panels

        card.register(
            card.CardSection(
                key="scheduling",
                template="scheduling/card/sessions.html",
                build=panels.card_section,
                slot="main",
                order=20,
                clinical=False,  # the diary is administrative; the section hides the rhythm
            )
        )
        home.register(
            home.HomePanel(
                key="scheduling-today",
                template="scheduling/home/today.html",
                build=panels.today_panel,
                order=10,
            )
        )
        home.register(
            home.HomePanel(
                key="scheduling-failed-reminders",
                template="scheduling/home/failed_reminders.html",
                build=panels.failed_reminders_panel,
                order=5,
            )
        )
        home.register(
            home.HomePanel(
                key="scheduling-failed-tasks",
                template="scheduling/home/failed_tasks.html",
                build=panels.failed_tasks_panel,
                order=6,
            )
        )
        portal_home.register(
            portal_home.PortalPanel(
                key="scheduling-sessions",
                template="scheduling/portal/sessions.html",
                build=panels.portal_sessions,
                order=10,
            )
        )
        portal_home.register(
            portal_home.PortalPanel(
                key="scheduling-breaks",
                template="scheduling/portal/breaks.html",
                build=panels.portal_breaks,
                order=15,
            )
        )
