"""What the demo territories contain: French people and organisations, plausible but fictional.

Pure data, no database code: ``ptcc.demo.builder`` turns it into rows. Organisation kinds
are written as the organisations module's type values; e-mails end in ``.demo`` (a reserved
top-level domain that never receives mail).
"""

from __future__ import annotations

DEMO_PASSWORD = "demo-ptcc-2026"


def person(key, name, email, role="member"):
    return {"key": key, "name": name, "email": email, "role": role}


TERRITORIES: dict[str, dict] = {
    "lyon": {
        # What the legal pages' defaults are written from (ptcc.legal): fictional, like the rest.
        "legal": {
            "publisher": "Coopérative numérique de Lyon Métropole (fictive)",
            "address": "12 rue de la Coopération\n69002 Lyon",
            "publication_director": "Camille Rousseau, présidente",
            "contact_email": "contact@lyon.demo",
            "dpo_contact": "Délégué à la protection des données — dpo@lyon.demo\n12 rue de la Coopération, 69002 Lyon",
            "host": "Hébergement Libre SCOP (fictive)\n5 quai des Données, 69007 Lyon\n04 00 00 00 00",
            "accessibility_state": "partial",
            "accessibility_audit_date": (2026, 10, 14),
            "accessibility_exceptions": (
                "- Les logos des organisations n'ont pas toujours d'alternative textuelle pertinente "
                "(critère 1.2).\n"
                "- Les fichiers iCalendar des missions ne sont pas décrits en clair sur leur page "
                "(critère 13.3)."
            ),
            "accessibility_contact": "accessibilite@lyon.demo",
            "accessibility_plan": (
                "Schéma pluriannuel 2026-2028 : un audit RGAA par an, la formation des modératrices "
                "et modérateurs à la rédaction accessible, la correction des non-conformités dans "
                "les six mois suivant chaque audit."
            ),
        },
        "presentation": (
            "## Bienvenue sur l'espace coopératif de Lyon Métropole\n\n"
            "Associations, tiers-lieux, fédérations, collectivités, entreprises de l'ESS et médias "
            "citoyens de la métropole s'y retrouvent pour **se faire connaître**, **partager leurs "
            "outils** et **agir ensemble** : mobilité douce, alimentation durable, numérique libre, "
            "participation des habitantes et habitants.\n\n"
            "Vous représentez une structure ? Créez un compte puis demandez à inscrire votre "
            "organisation : l'équipe de modération la valide sous quelques jours.\n\n"
            "*Ceci est un territoire de démonstration : les personnes et les organisations sont fictives.*"
        ),
        "people": [
            person("admin", "Camille Rousseau", "admin@lyon.demo", "admin"),
            person("moderator", "Karim Benali", "moderation@lyon.demo", "moderator"),
            person("lea", "Léa Fontaine", "lea.fontaine@lyon.demo"),
            person("mathieu", "Mathieu Girard", "mathieu.girard@lyon.demo"),
            person("aicha", "Aïcha Diallo", "aicha.diallo@lyon.demo"),
            person("julien", "Julien Perret", "julien.perret@lyon.demo"),
            person("sophie", "Sophie Nguyen", "sophie.nguyen@lyon.demo"),
            person("thomas", "Thomas Bernard", "thomas.bernard@lyon.demo"),
            person("ines", "Inès Moreau", "ines.moreau@lyon.demo"),
        ],
        "topics": ["Mobilité douce", "Alimentation durable", "Numérique libre", "Solidarités",
                   "Culture", "Démocratie locale", "Économie sociale et solidaire"],
        "organisations": [
            {
                "name": "La Fabrique des Pentes",
                "kind": "third_place",
                "commune": "Lyon",
                "siren_seed": "81234567",
                "website": "https://fabrique-des-pentes.example.org",
                "declared_members": 240,
                "topics": ["Numérique libre", "Culture", "Économie sociale et solidaire"],
                "description": (
                    "Tiers-lieu installé dans une ancienne imprimerie des pentes de la Croix-Rousse.\n\n"
                    "- **atelier de fabrication** : découpe laser, imprimantes 3D, établi bois ;\n"
                    "- **permanences numériques** le mardi soir : installer un système libre, "
                    "réparer un ordinateur, reprendre la main sur ses données ;\n"
                    "- un **café associatif** ouvert aux habitantes et habitants du quartier.\n\n"
                    "Nous accueillons les associations qui veulent tester un outil avant de l'adopter."
                ),
                "members": [("lea", "owner", True), ("mathieu", "member", False)],
            },
            {
                "name": "Vélo Cité Rhône",
                "kind": "association",
                "commune": "Villeurbanne",
                "rna": "W691234567",
                "website": "https://velocite-rhone.example.org",
                "declared_members": 620,
                "topics": ["Mobilité douce", "Démocratie locale"],
                "description": (
                    "Association d'usagères et d'usagers du vélo au quotidien dans la métropole.\n\n"
                    "Nous animons des **ateliers d'autoréparation** chaque samedi, des vélo-écoles "
                    "pour adultes et un **observatoire des aménagements cyclables** ouvert à toutes et "
                    "tous. Nous siégeons au comité des mobilités de la Métropole."
                ),
                "members": [("mathieu", "owner", True), ("julien", "member", True), ("sophie", "member", False)],
            },
            {
                "name": "Fédération Rhône Solidarités Quartiers",
                "kind": "federation",
                "commune": "Vénissieux",
                "rna": "W691000321",
                "siren_seed": "43987612",
                "declared_members": 38,
                "topics": ["Solidarités", "Démocratie locale"],
                "description": (
                    "Fédération de **38 associations de quartier** de l'est lyonnais : centres "
                    "sociaux, régies de quartier, associations de locataires.\n\n"
                    "Elle porte leur parole auprès des collectivités, mutualise des formations de "
                    "bénévoles et coordonne des campagnes communes (accès aux droits, précarité "
                    "énergétique)."
                ),
                "members": [("aicha", "owner", True), ("ines", "member", False)],
            },
            {
                "name": "Ville de Saint-Fons — Mission participation citoyenne",
                "kind": "local_authority",
                "commune": "Saint-Fons",
                "siren_seed": "21690199",
                "website": "https://participation.saint-fons.example.org",
                "topics": ["Démocratie locale"],
                "description": (
                    "Service municipal chargé des **conseils de quartier**, du **budget participatif** "
                    "et du soutien à la vie associative.\n\n"
                    "Contact pour les demandes de salle et les appels à projets associatifs."
                ),
                "members": [("julien", "owner", True)],
            },
            {
                "name": "Les Canuts Numériques",
                "kind": "ess_enterprise",
                "commune": "Lyon",
                "siren_seed": "88412345",
                "website": "https://canuts-numeriques.example.org",
                "declared_members": 14,
                "topics": ["Numérique libre", "Économie sociale et solidaire"],
                "description": (
                    "Société coopérative (Scop) qui conçoit des **sites web accessibles** et héberge "
                    "des services libres pour les associations : agenda partagé, visioconférence, "
                    "gestion des adhésions.\n\n"
                    "Nos tarifs sont solidaires et nos serveurs sont chauffés… par la Saône."
                ),
                "members": [("thomas", "owner", True), ("lea", "member", False)],
            },
            {
                "name": "Le Lyon Commun",
                "kind": "citizen_media",
                "commune": "Lyon",
                "rna": "W691876543",
                "website": "https://lyon-commun.example.org",
                "declared_members": 85,
                "topics": ["Culture", "Démocratie locale"],
                "description": (
                    "**Média citoyen** indépendant : enquêtes locales, podcasts de quartier et "
                    "chronique mensuelle des conseils municipaux.\n\n"
                    "Rédaction ouverte : chaque jeudi, conférence de rédaction à la Fabrique des Pentes."
                ),
                "members": [("sophie", "owner", True)],
            },
            {
                "name": "Jardins partagés de la Guillotière",
                "kind": "association",
                "commune": "Lyon",
                "rna": "W691555888",
                "declared_members": 120,
                "topics": ["Alimentation durable", "Solidarités"],
                "description": (
                    "Cinq jardins partagés entre la Guillotière et Gerland, cultivés par des "
                    "habitantes, des écoles et un foyer de jeunes travailleurs.\n\n"
                    "Compost collectif, grainothèque et **repas de quartier** chaque premier dimanche."
                ),
                "members": [("ines", "owner", True), ("aicha", "member", False)],
            },
            {
                "name": "Collectif Zéro Déchet Villeurbanne",
                "kind": "citizen_collective",
                "commune": "Villeurbanne",
                "topics": ["Alimentation durable"],
                "description": (
                    "Collectif d'habitantes et d'habitants qui organise des **ateliers "
                    "fabrication maison**, des cafés réparation et un défi « familles zéro déchet »."
                ),
                "members": [("julien", "owner", False)],
                # Not approved yet: waits for the moderators.
                "pending": True,
            },
        ],
        # A person asks to join an approved organisation; the owner has not answered yet.
        "pending_memberships": [("Vélo Cité Rhône", "thomas")],
    },
    "broceliande": {
        "legal": {
            "publisher": "Association Pays de Brocéliande en coopération (fictive)",
            "address": "3 place de la Forêt\n35380 Paimpont",
            "publication_director": "Yann Le Goff, président",
            "contact_email": "contact@broceliande.demo",
            "dpo_contact": "dpo@broceliande.demo",
            "host": "Hébergement Libre SCOP (fictive)\n5 quai des Données, 69007 Lyon",
            "accessibility_state": "none",
            "accessibility_audit_date": None,
            "accessibility_exceptions": "",
            "accessibility_contact": "",
            "accessibility_plan": "Un premier audit RGAA est prévu au premier semestre 2027.",
        },
        "presentation": (
            "## Pays de Brocéliande, terre de coopérations\n\n"
            "Entre forêt de Paimpont et vallée du Meu, associations, foyers ruraux, coopératives "
            "et communes partagent ici leurs projets : **énergies citoyennes**, **circuits "
            "courts**, **culture en milieu rural**, **tiers-lieux** de campagne.\n\n"
            "Rejoignez l'espace pour trouver des partenaires, mutualiser du matériel et "
            "construire des réponses communes aux appels à projets.\n\n"
            "*Ceci est un territoire de démonstration : les personnes et les organisations sont fictives.*"
        ),
        "people": [
            person("admin", "Yann Le Goff", "admin@broceliande.demo", "admin"),
            person("moderator", "Maïwenn Guillou", "moderation@broceliande.demo", "moderator"),
            person("gwenaelle", "Gwenaëlle Le Bihan", "gwenaelle.lebihan@broceliande.demo"),
            person("erwan", "Erwan Morvan", "erwan.morvan@broceliande.demo"),
            person("nolwenn", "Nolwenn Riou", "nolwenn.riou@broceliande.demo"),
            person("pierre-yves", "Pierre-Yves Lemoine", "pierre-yves.lemoine@broceliande.demo"),
            person("anne", "Anne Tanguy", "anne.tanguy@broceliande.demo"),
        ],
        "topics": ["Énergies citoyennes", "Circuits courts", "Culture en milieu rural",
                   "Forêt et biodiversité", "Mobilité rurale", "Numérique libre"],
        "organisations": [
            {
                "name": "Les Amis de la forêt de Paimpont",
                "kind": "association",
                "commune": "Paimpont",
                "rna": "W352001234",
                "declared_members": 310,
                "topics": ["Forêt et biodiversité", "Culture en milieu rural"],
                "description": (
                    "Association de protection et de découverte de la forêt de Brocéliande.\n\n"
                    "Sorties naturalistes, inventaires participatifs des landes et des étangs, "
                    "**chantiers de bénévoles** contre les plantes invasives."
                ),
                "members": [("gwenaelle", "owner", True), ("anne", "member", False)],
            },
            {
                "name": "La Grange numérique",
                "kind": "third_place",
                "commune": "Montfort-sur-Meu",
                "siren_seed": "90123456",
                "website": "https://grange-numerique.example.org",
                "declared_members": 95,
                "topics": ["Numérique libre", "Culture en milieu rural"],
                "description": (
                    "Tiers-lieu rural dans une longère rénovée : **espace de travail partagé**, "
                    "fablab, salle de réunion prêtée aux associations.\n\n"
                    "Accompagnement aux démarches en ligne et ateliers « logiciels libres pour "
                    "les petites associations » un samedi par mois."
                ),
                "members": [("erwan", "owner", True), ("nolwenn", "member", False)],
            },
            {
                "name": "Fédération des foyers ruraux du Pays de Brocéliande",
                "kind": "federation",
                "commune": "Plélan-le-Grand",
                "rna": "W352000777",
                "siren_seed": "44556677",
                "declared_members": 22,
                "topics": ["Culture en milieu rural", "Mobilité rurale"],
                "description": (
                    "Elle rassemble **22 foyers ruraux** : théâtre amateur, fest-noz, "
                    "bibliothèques associatives, transport solidaire vers les marchés."
                ),
                "members": [("pierre-yves", "owner", True)],
            },
            {
                "name": "Commune d'Iffendic",
                "kind": "local_authority",
                "commune": "Iffendic",
                "siren_seed": "21350135",
                "topics": ["Énergies citoyennes", "Mobilité rurale"],
                "description": (
                    "La commune soutient le projet de **centrale solaire citoyenne** sur les toits "
                    "des bâtiments communaux et met à disposition la salle des associations."
                ),
                "members": [("anne", "owner", True)],
            },
            {
                "name": "Brocéliande Énergies Citoyennes",
                "kind": "ess_enterprise",
                "commune": "Iffendic",
                "siren_seed": "85011223",
                "declared_members": 410,
                "topics": ["Énergies citoyennes"],
                "description": (
                    "Société coopérative d'intérêt collectif (SCIC) : **410 sociétaires** "
                    "financent des toitures photovoltaïques et une chaufferie bois locale.\n\n"
                    "Assemblée générale ouverte chaque printemps à Iffendic."
                ),
                "members": [("nolwenn", "owner", True), ("erwan", "member", True)],
            },
            {
                "name": "Épicerie coopérative La Clé des Landes",
                "kind": "ess_enterprise",
                "commune": "Saint-Méen-le-Grand",
                "siren_seed": "83322114",
                "declared_members": 180,
                "topics": ["Circuits courts"],
                "description": (
                    "Épicerie gérée par ses membres : produits de **trente fermes** situées à "
                    "moins de quarante kilomètres, vrac, prix justes pour les producteurs."
                ),
                "members": [("anne", "owner", True), ("gwenaelle", "member", False)],
            },
            {
                "name": "Radio Kerlenn",
                "kind": "citizen_media",
                "commune": "Mauron",
                "rna": "W563004455",
                "website": "https://radio-kerlenn.example.org",
                "declared_members": 60,
                "topics": ["Culture en milieu rural"],
                "description": (
                    "Radio associative bilingue français-breton : **chroniques des communes**, "
                    "agenda culturel et émissions réalisées avec les collèges du territoire."
                ),
                "members": [("pierre-yves", "owner", True), ("nolwenn", "member", False)],
                "pending": True,
            },
        ],
        "pending_memberships": [("Les Amis de la forêt de Paimpont", "erwan")],
    },
}


def siren_from_seed(seed: str) -> str:
    """A Luhn-valid SIREN: the eight-digit seed and its check digit."""
    from stdnum import luhn

    return seed + luhn.calc_check_digit(seed)
