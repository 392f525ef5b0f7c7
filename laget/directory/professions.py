"""The profession code list. Append only: migration 0002 loads it into a fresh database,
and `profession_codes_ensure` restores it where tests have flushed the tables."""

PROFESSIONS = [
    # code, Norwegian, English, authorised health personnel (has an HPR number)
    ("psychiatrist", "Psykiater", "Psychiatrist", True),
    ("psychologist", "Psykolog", "Psychologist", True),
    ("nurse", "Sykepleier", "Nurse", True),
    ("psychiatric-nurse", "Psykiatrisk sykepleier", "Psychiatric nurse", True),
    ("social-worker", "Sosionom", "Social worker", False),
    ("social-educator", "Vernepleier", "Social educator", True),
    ("occupational-therapist", "Ergoterapeut", "Occupational therapist", True),
    ("gp", "Fastlege", "General practitioner", True),
    ("physician", "Lege", "Physician", True),
    ("mental-health-worker", "Miljøterapeut", "Mental health worker", False),
    ("peer-worker", "Erfaringskonsulent", "Peer worker", False),
    ("teacher", "Lærer", "Teacher", False),
    ("child-welfare-worker", "Barnevernspedagog", "Child welfare worker", False),
    ("nav-counsellor", "NAV-veileder", "NAV counsellor", False),
    ("health-worker", "Helsefagarbeider", "Health worker", True),
    ("public-health-nurse", "Helsesykepleier", "Public health nurse", True),
    ("physiotherapist", "Fysioterapeut", "Physiotherapist", True),
    ("housing-adviser", "Boligkonsulent", "Housing adviser", False),
    ("consultant", "Konsulent", "Consultant", False),
    ("leader", "Leder", "Manager", False),
]
