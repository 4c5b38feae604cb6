"""Plainly fictional details for demo and benchmark data.

Phone numbers come from Ofcom's ranges reserved for drama (07700 900000 to 900999 mobile,
01632 960000 to 960999 landline), emails use the reserved example.org and example.net domains,
postcodes use the ZZ area (no such postal area exists), and towns, streets, surgeries and
organisations are invented.
"""

from __future__ import annotations

import random

GIVEN_NAMES = [
    "Abena",
    "Adaeze",
    "Aiden",
    "Ailsa",
    "Alfie",
    "Amara",
    "Anwen",
    "Arjun",
    "Ayesha",
    "Beatrix",
    "Bethan",
    "Caitlin",
    "Callum",
    "Cerys",
    "Chidi",
    "Ciaran",
    "Dafydd",
    "Daisy",
    "Dev",
    "Eilidh",
    "Elif",
    "Ellis",
    "Emeka",
    "Esme",
    "Ewan",
    "Fatima",
    "Finlay",
    "Freya",
    "Gethin",
    "Grace",
    "Hamish",
    "Hana",
    "Harriet",
    "Idris",
    "Ines",
    "Isla",
    "Jasmine",
    "Jonah",
    "Kai",
    "Kamal",
    "Keira",
    "Kofi",
    "Lachlan",
    "Layla",
    "Leon",
    "Lowri",
    "Luca",
    "Maeve",
    "Mairead",
    "Malik",
    "Marnie",
    "Mateo",
    "Mia",
    "Nadia",
    "Niamh",
    "Nico",
    "Noor",
    "Olu",
    "Orla",
    "Oscar",
    "Page",
    "Priya",
    "Quinn",
    "Rafael",
    "Rania",
    "Reuben",
    "Rhian",
    "Rohan",
    "Rosa",
    "Ruairi",
    "Saoirse",
    "Sami",
    "Seren",
    "Shona",
    "Sienna",
    "Soraya",
    "Tariq",
    "Tegan",
    "Theo",
    "Tobias",
    "Uma",
    "Veronica",
    "Wren",
    "Yara",
    "Yusuf",
    "Zainab",
    "Zara",
    "Zeke",
    "Anoushka",
    "Bryony",
    "Cormac",
    "Delphine",
    "Effie",
    "Fraser",
    "Gwen",
    "Hollis",
    "Imogen",
    "Jude",
]

FAMILY_NAMES = [
    "Abernethy",
    "Achebe",
    "Adebayo",
    "Ahmadi",
    "Alderton",
    "Ambrose",
    "Appleyard",
    "Ashworth",
    "Bakshi",
    "Balfour",
    "Bannerman",
    "Beddoes",
    "Bellamy",
    "Blackwood",
    "Bramwell",
    "Brightwater",
    "Cadogan",
    "Carmody",
    "Chaudhry",
    "Clearwater",
    "Coombes",
    "Cornish",
    "Crossley",
    "Dalrymple",
    "Dasgupta",
    "Delaney",
    "Drummond",
    "Dunmore",
    "Eastwood",
    "Ellerby",
    "Emsworth",
    "Fairbairn",
    "Fenwick",
    "Finnegan",
    "Fitzgerald",
    "Gallagher",
    "Garside",
    "Goldthorpe",
    "Gowan",
    "Greenhalgh",
    "Haddow",
    "Halloran",
    "Hartigan",
    "Heathcote",
    "Hollings",
    "Ibekwe",
    "Ingleby",
    "Iqbal",
    "Jarvis",
    "Kavanagh",
    "Keating",
    "Kennaway",
    "Kowalczyk",
    "Lachance",
    "Langridge",
    "Larkin",
    "Lindqvist",
    "Lovell",
    "Macaulay",
    "Madsen",
    "Mallory",
    "Marchbank",
    "McAllister",
    "Mensah",
    "Merriweather",
    "Moorcroft",
    "Nakamura",
    "Nandakumar",
    "Northcott",
    "Nwachukwu",
    "Oakeshott",
    "Okonkwo",
    "Ormerod",
    "Pemberton",
    "Penhaligon",
    "Quaye",
    "Quigley",
    "Rafferty",
    "Ravenscroft",
    "Rhodes",
    "Rushworth",
    "Sandhu",
    "Sedgwick",
    "Shackleton",
    "Silverthorne",
    "Stanhope",
    "Tarrant",
    "Thistlewood",
    "Trelawney",
    "Underhill",
    "Vasquez",
    "Wainwright",
    "Whitlock",
    "Winterbourne",
    "Yardley",
    "Zielinski",
]

PRONOUNS = ("she/her", "he/him", "they/them", "", "", "")

STREETS = (
    "Lantern Row",
    "Kestrel Lane",
    "Orchard Walk",
    "Millrace Road",
    "Harebell Close",
    "Quayside Terrace",
    "Tannery Yard",
    "Bramble Way",
    "Foxglove Crescent",
    "Weavers Court",
)

POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

TOWNS = ("Ashcombe", "Lower Wickham", "Fernbridge", "Holloway Cross", "Marram Bay", "Steeple Ford")

SURGERIES = (
    "Riverside Health Centre, Ashcombe",
    "The Linden Practice, Fernbridge",
    "Marram Bay Medical Group",
    "Steeple Ford Surgery",
)

GP_NAMES = ("Dr Helen Achterberg", "Dr Kwame Boateng", "Dr Siobhan Lacey", "Dr Rupert Anand")

REFERRAL_REASONS = (
    "Feeling low since a change of job; would like space to think things through.",
    "Grief after the death of a grandparent last spring.",
    "Anxiety about returning to work after a long illness.",
    "Wants to understand a pattern in close relationships.",
    "Stress around caring for a parent while working full time.",
    "Adjusting to a move to a new town and missing old friends.",
    "Low confidence after redundancy; curious about what comes next.",
    "Trouble sleeping and a sense of being on edge much of the time.",
)

SAFE_CONTACT_NOTES = (
    "Prefers texts after 6pm; please do not mention counselling by name.",
    "Shares a phone with a partner: email only, with neutral wording.",
    "Happy for voicemails; please call rather than text.",
    "",
    "",
)

RELATIONSHIPS = (
    "Partner",
    "Mother",
    "Father",
    "Sister",
    "Brother",
    "Friend",
    "Grandparent",
    "Son",
    "Daughter",
    "Manager",
    "Teacher",
    "Housemate",
)

# Organisations go with some relationships, so a "Manager" has an employer and so on.
ORGANISATIONS = {
    "Manager": ("Fernbridge Library Service", "Harbourlight Bakery", "Ashcombe Lifeboat Trust"),
    "Teacher": ("Kestrel Lane Primary School", "Marram Bay College"),
}

REFERRAL_SOURCES = ("self", "gp", "employer", "education", "therapist", "directory", "other")

# Weighted so the lists look like a real caseload: mostly active, a long tail of ended and
# archived records, a few people still at enquiry or assessment.
STATUS_WEIGHTS = (
    ("enquiry", 8),
    ("assessment", 10),
    ("active", 45),
    ("ended", 22),
    ("archived", 15),
)


def drama_mobile(number: int) -> str:
    return f"07700 900{number % 1000:03d}"


def drama_landline(number: int) -> str:
    return f"01632 960{number % 1000:03d}"


def fictional_address(rng: random.Random) -> tuple[str, str]:
    """A street address and a postcode in the non-existent ZZ postal area."""
    street = f"{rng.randint(1, 140)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}"
    inward = f"{rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    postcode = f"ZZ{rng.randint(1, 9)} {inward}"
    return street, postcode


def email_for(given: str, family: str, number: int, domain: str = "example.net") -> str:
    return f"{given}.{family}.{number}@{domain}".lower()
