from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "frame.contracts"
    label = "contracts"
    verbose_name = "Contracts and the frame"

    def ready(self) -> None:
        from frame.clients import card as client_card
        from frame.contracts import card
        from frame.portal import agreement as portal_agreement
        from frame.portal import home as portal_home

        client_card.register(
            client_card.CardSection(
                key="chance-encounter",
                slot="alerts",
                order=10,
                template="contracts/card/chance_encounter.html",
                build=card.chance_encounter_alert,
            )
        )
        client_card.register(
            client_card.CardSection(
                key="contract-reagreement",
                slot="alerts",
                order=20,
                template="contracts/card/reagreement.html",
                build=card.reagreement_alert,
            )
        )
        client_card.register(
            client_card.CardSection(
                key="contract",
                slot="main",
                order=10,
                template="contracts/card/contract.html",
                build=card.contract_section,
            )
        )
        client_card.register(
            client_card.CardSection(
                key="communication",
                slot="main",
                order=20,
                template="contracts/card/communication.html",
                build=card.communication_section,
                clinical=False,
            )
        )
        portal_home.register(
            portal_home.PortalPanel(
                key="agreement",
                template="portal/agreement_panel.html",
                build=portal_agreement.agreement_panel,
                slot="documents",
                order=10,
            )
        )
        portal_home.register(
            portal_home.PortalPanel(
                key="chance-encounter",
                template="portal/chance_encounter_panel.html",
                build=portal_agreement.chance_encounter_panel,
                order=50,
            )
        )
