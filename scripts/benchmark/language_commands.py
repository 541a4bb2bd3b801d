"""What the households of the languages bench say (languages.py): two sets of commands for
the three lights of each language's home, in the words people use, each a command Home
Assistant's own sentences carry out.

The development set is what the candidate commands and their nearest commands were tuned
on (sentences/wordings.py, sentences/nearest.py); the test set, which the bench reports,
holds other sentences, said by other voices of espeak-ng at other speeds, so that a figure
is not what the tuning saw.
"""

from __future__ import annotations

# espeak-ng's voice of the language said two ways: (label, voice variant, words a minute,
# pitch 0-99).
type Delivery = tuple[str, str, int, int]
DEV_DELIVERIES: tuple[Delivery, ...] = (
    ("default voice, 150 wpm, pitch 50", "", 150, 50),
    ("default voice, 175 wpm, pitch 70", "", 175, 70),
)
TEST_DELIVERIES: tuple[Delivery, ...] = (
    ("f3 voice, 140 wpm, pitch 60", "+f3", 140, 60),
    ("m3 voice, 165 wpm, pitch 40", "+m3", 165, 40),
)
DEV: dict[str, tuple[str, ...]] = {
    "de": (
        "Schalte die Küchenlampe ein",
        "Mach das Licht in der Küche an",
        "Schalte die Stehlampe aus",
        "Stelle die Helligkeit der Küchenlampe auf zehn Prozent",
        "Dimme die Schreibtischlampe auf fünfzig Prozent",
    ),
    "fr": (
        "Allume la lumière de la cuisine",
        "Éteins le lampadaire",
        "Allume le plafonnier",
        "Règle la luminosité du plafonnier à cinquante pour cent",
    ),
    "es": (
        "Enciende la luz de la cocina",
        "Apaga el flexo",
        "Enciende el plafón",
        "Pon el plafón al diez por ciento",
        "Pon el flexo al cincuenta por ciento",
    ),
    "nl": (
        "Zet het licht in de keuken aan",
        "Zet de bureaulamp uit",
        "Zet de plafondlamp aan",
        "Zet de helderheid van de plafondlamp op vijftig procent",
    ),
    "it": (
        "Accendi la luce della cucina",
        "Spegni la piantana",
        "Accendi la plafoniera",
        "Imposta la luminosità della plafoniera al cinquanta percento",
    ),
    "en": (
        "Turn on the kitchen lights",
        "Switch off the floor lamp",
        "Turn on the desk lamp",
        "Set the desk lamp to fifty percent",
    ),
}
TEST: dict[str, tuple[str, ...]] = {
    "de": (
        "Schalte die Stehlampe ein",
        "Mach die Schreibtischlampe aus",
        "Schalte das Licht im Wohnzimmer aus",
        "Mach das Licht im Büro an",
        "Dimme die Küchenlampe auf dreißig Prozent",
        "Dimme die Stehlampe auf siebzig Prozent",
        "Schalte die Küchenlampe aus",
        "Schalte das Licht in der Küche ein",
    ),
    "fr": (
        "Allume le lampadaire",
        "Éteins la lampe de bureau",
        "Éteins la lumière du salon",
        "Allume la lumière du bureau",
        "Règle le plafonnier à trente pour cent",
        "Éteins le plafonnier",
        "Allume la lampe de bureau",
        "Éteins la lumière de la cuisine",
    ),
    "es": (
        "Enciende el flexo",
        "Apaga la lámpara de pie",
        "Apaga la luz de la cocina",
        "Enciende la luz del salón",
        "Pon el plafón al treinta por ciento",
        "Pon la lámpara de pie al setenta por ciento",
        "Apaga el plafón",
        "Enciende la luz de la oficina",
    ),
    "nl": (
        "Zet de staande lamp aan",
        "Doe de bureaulamp uit",
        "Zet het licht in de woonkamer uit",
        "Zet het licht in het kantoor aan",
        "Zet de plafondlamp op dertig procent",
        "Zet de plafondlamp uit",
        "Zet de bureaulamp aan",
        "Zet het licht in de keuken uit",
    ),
    "it": (
        "Accendi la piantana",
        "Spegni la lampada da tavolo",
        "Spegni la luce del soggiorno",
        "Accendi la luce dello studio",
        "Imposta la plafoniera al trenta percento",
        "Spegni la plafoniera",
        "Accendi la lampada da tavolo",
        "Spegni la luce della cucina",
    ),
    "en": (
        "Turn on the floor lamp",
        "Turn off the desk lamp",
        "Turn off the lights in the living room",
        "Turn on the office lights",
        "Set the ceiling light to thirty percent",
        "Turn off the ceiling light",
        "Turn on the desk lamp",
        "Turn off the kitchen lights",
    ),
}
