"""What the document parsers recognise: section headings, segment words, extent phrases, technique phrases,
site-of-service words, vignette indications and workflow activities."""

from __future__ import annotations

import re
import unicodedata

from ..namespaces import POS, VOCAB

HEADINGS = {
    "summary & overview": "summary",
    "summary and overview": "summary",
    "billing code overview": "billing",
    "clinical & coding specifications": "clinical-coding",
    "clinical and coding specifications": "clinical-coding",
    "clinical context": "clinical",
    "coding specifications": "coding",
}


SEGMENT_WORDS = {
    "esophagus": "esophagus",
    "oesophagus": "esophagus",
    "stomach": "stomach",
    "jejunum": "jejunum",
    "ileum": "ileum",
    "duodenum": "duodenum",
}
ORDINALS = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3", "fourth": "4", "4th": "4"}
_SEGMENT = (
    r"(?:the\s+)?(?:(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:portion|part)\s+of\s+the\s+duodenum"
    r"|(?P<word>esophagus|oesophagus|stomach|duodenum|jejunum|ileum))"
)
EXTENT_PATTERNS = [
    ("reachesBeyond", re.compile(r"\b(?:beyond|past)\s+" + _SEGMENT, re.I)),
    (
        "doesNotReach",
        re.compile(
            r"\b(?:not\s+including|does\s+not\s+include|stops?\s+short\s+of|excluding|without\s+reaching)\s+"
            + _SEGMENT,
            re.I,
        ),
    ),
    ("mustReach", re.compile(r"(?<!not )\b(?:including|into|reaching)\s+" + _SEGMENT, re.I)),
]
# technique words: a phrase is a technique claim when it names one of these; the graph's labels resolve it
TECHNIQUE_PHRASES = [
    "hot biopsy forceps",
    "cold biopsy forceps",
    "biopsy forceps",
    "bipolar cautery",
    "unipolar cautery",
    "monopolar cautery",
    "electrocautery",
    "heater probe",
    "argon plasma coagulation",
    "plasma coagulator",
    "cold snare",
    "hot snare",
    "snare",
    "laser",
    "injection",
    "stapler",
    "clips",
    "endoclips",
]
SITE_SPLIT = re.compile(r"\s*(?:,|;|\bor\b|\band\b|/)\s*", re.I)
INDICATIONS = [
    (re.compile(r"\bmelena\b", re.I), "melena"),
    (re.compile(r"\biron[- ]deficiency anemia\b", re.I), "iron-deficiency-anemia"),
    (re.compile(r"\b(?:fecal )?occult (?:GI |gastrointestinal )?blood(?: loss)?\b", re.I), "occult-blood-in-stool"),
]
MODIFIER_TOKEN = re.compile(r"^[0-9A-Z]{2}$")


def norm(text: str) -> str:
    """A phrase as the parsers compare it: NFKC, lower case, straight apostrophes, words split by one space."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.sub(r"[^a-z0-9']+", " ", text).strip()


# What a site-of-service phrase means, when the graph's labels do not name it directly.
SITE_WORDS = [
    (re.compile(r"\bambulatory surg(?:ical|ery) cent(?:er|re)\b|\bASC\b", re.I), [POS + "24"]),
    (re.compile(r"\bhospital outpatient\b|\boutpatient hospital\b|\bHOPD\b", re.I), [POS + "19", POS + "22"]),
    (re.compile(r"\binpatient\b", re.I), [POS + "21"]),
    (re.compile(r"\b(?:physician(?:'s|s)? |doctor(?:'s|s)? |private )?office\b|\bclinic\b", re.I), [POS + "11"]),
    (re.compile(r"\bendoscopy (?:suite|unit|center|centre)\b", re.I), [VOCAB + "outpatient-endoscopy-suite"]),
]


ACTIVITY_WORDS = re.compile(
    r"\b(?:consent|review|administration|administer\w*|inspection|removal|collection|recovery|instructions?|"
    r"documentation|preparation|assessment|monitoring|discharge|sedation|examination|biopsy|follow-up|scheduling)\b",
    re.I,
)
