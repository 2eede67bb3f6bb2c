"""Agency names in one place: news agencies (normalised for ``source``) and picture credits that close a caption."""

from __future__ import annotations

#: Lower-cased spellings -> the name stored in ``source``.
AGENCIES = {
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "anadolu": "Anadolu",
    "anadolu agency": "Anadolu",
    "aa": "Anadolu",
    "upi": "UPI",
    "efe": "EFE",
    "ansa": "ANSA",
    "bloomberg": "Bloomberg",
    "pti": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "wam": "WAM",
    "spa": "SPA",
    "kuna": "KUNA",
    "mena": "MENA",
    "qna": "QNA",
    "tass": "TASS",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "sana": "SANA",
    "petra": "Petra",
    "alarabiya": "Alarabiya",
    "al arabiya": "Alarabiya",
    "bloomberg news": "Bloomberg",
    "united press international": "UPI",
    "pa": "PA",
    "pa media": "PA",
    "press association": "PA",
    "press trust of india": "PTI",
    "asian news international": "ANI",
    "deutsche presse-agentur": "dpa",
    "agencia efe": "EFE",
    "xinhua news agency": "Xinhua",
    "kyodo news": "Kyodo",
    "cna": "CNA",
    # Arabic spellings, as in "المصدر: رويترز".
    "رويترز": "Reuters",
    "فرانس برس": "AFP",
    "وكالة فرانس برس": "AFP",
    "أ ف ب": "AFP",
    "أسوشيتد برس": "AP",
    "وكالة الأنباء الأردنية": "Petra",
    "بترا": "Petra",
    "وكالة الأنباء السعودية": "SPA",
    "واس": "SPA",
    "وكالة أنباء الإمارات": "WAM",
    "وام": "WAM",
    "الأناضول": "Anadolu",
    "العربية": "Alarabiya",
}

#: The agencies' own sites: on its own site an agency's name is the publisher, not a source of the story.
AGENCY_SITES = {
    "apnews.com": "AP", "ap.org": "AP", "reuters.com": "Reuters", "afp.com": "AFP", "bloomberg.com": "Bloomberg",
    "upi.com": "UPI", "dpa.com": "dpa", "xinhuanet.com": "Xinhua", "news.cn": "Xinhua", "aa.com.tr": "Anadolu",
    "efe.com": "EFE", "ansa.it": "ANSA", "tass.com": "TASS", "tass.ru": "TASS", "kyodonews.net": "Kyodo",
    "yna.co.kr": "Yonhap", "ptinews.com": "PTI", "aninews.in": "ANI", "wam.ae": "WAM", "spa.gov.sa": "SPA",
    "petra.gov.jo": "Petra", "alarabiya.net": "Alarabiya", "pa.media": "PA", "channelnewsasia.com": "CNA",
}  # fmt: skip

# A caption that ends in its credit: "... New York.Reuters", "/ Getty Images". Case matters: "(EPA)" is a
# credit, "(ePA)" an abbreviation in a sentence.
CAPTION_CREDITS = (
    r"(?:Getty Images|Shutterstock|iStock(?:photo)?|AP Photo(?:/[^)]{1,40})?|Associated Press|Reuters|REUTERS|AFP"
    r"|EPA(?:-EFE)?|Bloomberg|Alamy|Xinhua|Anadolu Agency|PA(?: Wire)?|NASA)"
)
#: Only picture agencies may close a caption in parentheses: "the Environmental Protection Agency (EPA)" is prose.
PICTURE_AGENCIES = r"(?:Getty Images|Shutterstock|iStock(?:photo)?|AP Photo(?:/[^)]{1,40})?|Alamy)"
