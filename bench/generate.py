"""Generate a synthetic netzmd vault for benchmarks.

Usage::

    python bench/generate.py DEST [--count 10000] [--seed 1] [--commits 0] [--force]

Writes ``DEST/contacts/**/<Name>.md`` (one Markdown note with YAML front matter per
contact) and ``DEST/netzmd.toml``. The output depends only on ``--count``, ``--seed`` and
``--commits``. With ``--commits K`` (K > 0) DEST also becomes a git repository with an
initial commit followed by K small edits, dated over the 90 days before 2026-11-27.

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

LOG_START = dt.date(2018, 1, 1)
LOG_END = dt.date(2026, 11, 27)  # "today" of the benchmark
TASK_START = dt.date(2026, 6, 1)
OPEN_TASK_START = dt.date(2026, 10, 15)
TASK_END = dt.date(2027, 6, 30)
HISTORY_DAYS = 90

CONFIG_TOML = """\
[cadence]
competence = "3m"
publication = "6m"

[[occasions]]
name = "Christmas"
date = "12-24"
lead_days = 21
circles = ["competence"]
tags = []
"""


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Anna Lena Sophie Marie Laura Julia Lea Hannah Sarah Lisa Katharina Johanna Clara Emma "
    "Mia Lina Paula Charlotte Greta Frieda Nora Ida Elif Zeynep Ayşe Agnieszka Małgorzata "
    "Zoë Chloé Anaïs Hélène Amélie Inès Léa Mélanie Céline Renée Noémie Åsa Sólveig Björk "
    "Ingrid Astrid Sigrid Maja Ewa Katarzyna Joanna Dorota Olga Irina Natalia Tatiana "
    "Isabel María Lucía Sofía Inês Conceição Beatriz Ana Mónica Giulia Francesca Chiara "
    "Alessia Martina Priya Ananya Mei Yuki Aiko Hana Fatima Amira Leila Grace Emily Olivia "
    "Rachel Megan Hannelore Gisela Ursula Brigitte Dörte Jürgen Günther Björn Sören Jörg "
    "Lukas Leon Paul Jonas Felix Maximilian Elias Noah Ben Finn Moritz Niklas Tim Jan "
    "Tobias Florian Sebastian Alexander Michael Thomas Andreas Stefan Christian Markus "
    "Matthias Daniel David Philipp Julian Simon Fabian Dominik Oliver Patrick Kai Till "
    "François Jérôme Benoît Hervé Étienne Gaëtan Loïc Noël André René Joël Raphaël José "
    "Sergio Álvaro Andrés Jesús Ramón Iñigo João Gonçalo Luís Sebastião Marco Luca Matteo "
    "Giovanni Lorenzo Niccolò Łukasz Paweł Michał Wojciech Krzysztof Tomasz Piotr Jakub "
    "Dmitri Sergei Alexei Nikolai Mehmet Emre Can Burak Ömer Arjun Rahul Vikram Kenji "
    "Hiroshi Takeshi Wei Jun Hao Omar Karim Youssef Ahmed James John Robert William "
    "George Henry Samuel Ethan Lars Nils Erik Håkon Øystein Magnus Kristián Václav Ondřej"
)

LAST_NAMES = _words(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
    "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler "
    "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn "
    "Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
    "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt "
    "Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Dietrich "
    "Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff "
    "Pfeiffer Dubois Durand Lefèvre Moreau Laurent Girard Bonnet Rousseau Lambert Fontaine "
    "Chevalier Mercier Gauthier Garnier Faure Rivière Lemaître Bérénger García Fernández "
    "González Rodríguez López Martínez Sánchez Pérez Gómez Jiménez Ruiz Hernández Díaz "
    "Muñoz Álvarez Romero Navarro Silva Santos Oliveira Sousa Pereira Gonçalves Conceição "
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
    "Conti Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
    "Szymański Dąbrowski Novák Dvořák Černý Procházka Kučera Nielsen Jensen Hansen Pedersen "
    "Andersen Johansson Karlsson Lindqvist Åberg Sjöberg Ødegaard Haugen Virtanen Korhonen "
    "Mäkinen Y\u0131lmaz Kaya Demir Şahin Çelik Öztürk Smith Johnson Williams Brown Jones "
    "Miller Davis Wilson Taylor Clark Walker Young Allen Wright Scott Green Baker Adams "
    "Nguyen Tran Le Pham Kim Park Lee Choi Tanaka Suzuki Takahashi Watanabe Sato Wang Li "
    "Zhang Liu Chen Yang Huang Patel Sharma Gupta Singh Kumar Iyer Reddy Haddad Khalil "
    "Mansour Okafor Adeyemi Mensah Dijkstra Jansen Vermeer Bakker Visser Smit Meijer"
)

COMPANIES = [
    "Nordlicht Software GmbH",
    "Acme Analytics",
    "Bergmann & Partner",
    "Blauwal Data AG",
    "Kaiserstuhl Ventures",
    "Helix Bio",
    "Rheinwerk Consulting",
    "Spreeforge",
    "Alpenglühen Media",
    "Fernweh Travel Tech",
    "Quantwerk",
    "Lichtblick Robotics",
    "Hafenkante Logistics",
    "Zeitgeist Publishing",
    "Morgenrot Energy",
    "Sternwarte Labs",
    "Eisvogel Security",
    "Tannenbaum Capital",
    "Fjordline Systems",
    "Mosaic Health",
    "Orbital Insight Europe",
    "Papierkram Verlag",
    "Silberfisch Games",
    "Rotkehlchen Design Studio",
    "Kupfer & Klee",
    "Weitblick Research",
    "Brückenbau Engineering",
    "Lumen Learning",
    "Gravity Works",
    "Sonnendeck Hospitality",
    "Technische Universität Berlin",
    "LMU München",
    "ETH Zürich",
    "Universität Wien",
    "Sorbonne Université",
    "Max-Planck-Institut für Informatik",
    "Fraunhofer IAIS",
    "Deutsche Bahn",
    "Siemens",
    "SAP",
    "Zalando",
    "Spotify",
    "Google",
    "Microsoft",
    "Mozilla",
    "Der Spiegel",
    "Die Zeit",
    "Le Monde",
    "heise online",
    "O'Reilly Media",
    "freelance",
    "self-employed",
    "Stadtwerke München",
    "Charité",
    "Helmholtz-Zentrum",
    "Caritas",
    "Wikimedia Deutschland",
    "Open Knowledge Foundation",
    "Python Software Verband",
    "Chaos Computer Club",
]

ROLES = [
    "CTO",
    "CEO",
    "Co-Founder",
    "Founder & CEO",
    "Head of Data",
    "Head of Engineering",
    "VP Product",
    "Senior Software Engineer",
    "Staff Engineer",
    "Principal Engineer",
    "Data Scientist",
    "ML Engineer",
    "Security Researcher",
    "DevOps Lead",
    "Engineering Manager",
    "Product Manager",
    "UX Designer",
    "Design Lead",
    "Partner",
    "Investment Manager",
    "VC Associate",
    "Business Angel",
    "Recruiter",
    "Talent Partner",
    "HR Business Partner",
    "Professor of Computer Science",
    "Postdoc",
    "PhD Student",
    "Research Scientist",
    "Lecturer",
    "Editor",
    "Senior Editor",
    "Journalist",
    "Tech Reporter",
    "Podcast Host",
    "Conference Organizer",
    "Community Manager",
    "Developer Advocate",
    "Consultant",
    "Managing Director",
    "Board Member",
    "Advisor",
    "Open Source Maintainer",
    "Author",
    "Translator",
]

CITIES = [
    "Berlin",
    "München",
    "Hamburg",
    "Köln",
    "Frankfurt am Main",
    "Stuttgart",
    "Düsseldorf",
    "Leipzig",
    "Dresden",
    "Nürnberg",
    "Freiburg im Breisgau",
    "Münster",
    "Zürich",
    "Genève",
    "Wien",
    "Graz",
    "Paris",
    "Lyon",
    "Bordeaux",
    "Bruxelles",
    "Amsterdam",
    "Rotterdam",
    "København",
    "Malmö",
    "Göteborg",
    "Stockholm",
    "Oslo",
    "Helsinki",
    "Kraków",
    "Warszawa",
    "Praha",
    "Barcelona",
    "Madrid",
    "Lisboa",
    "Porto",
    "Milano",
    "Roma",
    "London",
    "Dublin",
    "Edinburgh",
    "New York",
    "San Francisco",
    "Toronto",
    "São Paulo",
    "Tel Aviv",
    "İstanbul",
    "Bangalore",
    "Tokyo",
    "Seoul",
    "Singapore",
]

TAGS = [
    "python",
    "rust",
    "ml",
    "data",
    "security",
    "devops",
    "design",
    "open-source",
    "founder",
    "investor",
    "recruiter",
    "journalist",
    "speaker",
    "mentor",
    "alumni",
    "friend",
    "berlin",
    "podcast",
    "academia",
    "publishing",
    "client",
    "conference",
    "topic/ai",
    "topic/climate",
    "topic/privacy",
    "former-colleague",
]

TOPICS = [
    "LLM evaluation",
    "vector databases",
    "the new data platform",
    "Rust in production",
    "hiring senior engineers",
    "remote team rituals",
    "GDPR compliance",
    "their Series A",
    "a book proposal",
    "the conference CFP",
    "climate tech funding",
    "SQLite performance",
    "open source sustainability",
    "the reorg",
    "parental leave",
    "a possible joint paper",
    "pricing for the consulting gig",
    "Kubernetes cost",
    "privacy engineering",
    "the podcast episode",
    "mentoring juniors",
    "moving to Lisbon",
    "burnout and boundaries",
    "the research grant",
    "zero-trust networking",
    "a workshop on typed Python",
    "the migration to Postgres",
    "design systems",
    "their newsletter",
    "board governance",
]

EVENTS = [
    "PyCon DE",
    "EuroPython",
    "re:publica",
    "FOSDEM",
    "Chaos Communication Congress",
    "JSConf EU",
    "Web Summit",
    "Tech Open Air",
    "NeurIPS",
    "RustFest",
    "SRECon",
    "the alumni meetup",
    "Data Council",
    "the founders dinner",
    "MozFest",
    "Frankfurter Buchmesse",
]

PLACES = [
    "Café Einstein",
    "the office",
    "Hauptbahnhof",
    "Markthalle Neun",
    "Tempelhofer Feld",
    "the co-working space",
    "Viktualienmarkt",
    "their studio",
    "the university canteen",
    "Soho House",
    "a ramen place",
    "the hotel lobby",
]

THINGS = [
    "the slides",
    "my notes",
    "an intro email",
    "the draft",
    "a book recommendation",
    "the job ad",
    "the invoice",
    "the paper draft",
    "a podcast link",
    "the contract",
    "congratulations",
    "a referral",
]

ACTIONS = [
    "send a short proposal",
    "meet again in spring",
    "review the draft by Friday",
    "introduce them to the team",
    "share the benchmark numbers",
    "co-write a blog post",
    "keep each other posted",
    "set up a call with legal",
    "ask about the budget",
    "try a pilot next quarter",
]

NEWS = [
    "a new job",
    "a promotion",
    "a second child",
    "a funding round",
    "a move abroad",
    "a sabbatical",
    "a book deal",
    "a new side project",
    "leaving the company",
    "a keynote invitation",
]

COMMENTS = [
    "# imported from LinkedIn export 2021",
    "# TODO: verify email",
    "# met via Anna's newsletter",
    "# prefers Signal over email",
    "# see also the CRM export",
    "# do not share phone number",
]

CADENCES = ["30d", "6w", "3m", "1y", "monthly", "quarterly", "2w", "6m"]
KINDS = ["lunch", "coffee", "call", "meeting", "event", "message"]
SUBFOLDERS = ["clients", "conferences", "alumni/uni"]
YAML_SPECIAL = {"yes", "no", "on", "off", "true", "false", "null", "~", "y", "n"}
PLAIN_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f][^:#\[\]{},\"'\n]*")
ASCII_MAP = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "\u0131": "i", "İ": "I"}
)


def yq(value: str) -> str:
    """Render a string as a YAML scalar, quoting only when needed."""
    if (
        PLAIN_RE.fullmatch(value)
        and value == value.strip()
        and value.lower() not in YAML_SPECIAL
        and not value[0].isdigit()
    ):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def ascii_slug(text: str, sep: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(ASCII_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


@dataclass
class Contact:
    name: str  # display name == file stem
    first: str
    last: str
    folder: str  # "" or a subfolder of contacts/


def make_contacts(rng: random.Random, count: int) -> list[Contact]:
    used: set[str] = set()
    contacts: list[Contact] = []
    initials = "ABCDEFGHJKLMNPRSTUVW"
    for _ in range(count):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        tries = 0
        while name in used:
            tries += 1
            if tries <= 8:
                name = f"{first} {rng.choice(initials)}. {last}"
            elif tries <= 16:
                name = f"{first} {last}-{rng.choice(LAST_NAMES)}"
            else:
                name = f"{first} {last} {tries:04d}"
        used.add(name)
        roll = rng.random()
        folder = ""
        if roll < 0.08:
            folder = SUBFOLDERS[0]
        elif roll < 0.13:
            folder = SUBFOLDERS[1]
        elif roll < 0.16:
            folder = SUBFOLDERS[2]
        contacts.append(Contact(name, first, last, folder))
    return contacts


class Writer:
    """Builds note text. Holds the RNG and precomputed date strings."""

    def __init__(self, rng: random.Random, contacts: list[Contact]) -> None:
        self.rng = rng
        self.names = [c.name for c in contacts]
        self.log_days = (LOG_END - LOG_START).days + 1
        self.log_iso = [(LOG_START + dt.timedelta(d)).isoformat() for d in range(self.log_days)]
        self.task_days = (TASK_END - OPEN_TASK_START).days + 1

    def link(self) -> str:
        return f"[[{self.rng.choice(self.names)}]]"

    def sentence(self, kind: str, first: str) -> str:
        r = self.rng
        c = r.choice
        if kind == "lunch":
            base = f"Lunch at {c(PLACES)}, talked about {c(TOPICS)}."
        elif kind == "coffee":
            base = f"Coffee near {c(PLACES)}; {first} mentioned {c(NEWS)}."
        elif kind == "call":
            base = f"Call about {c(TOPICS)}; agreed to {c(ACTIONS)}."
        elif kind == "meeting":
            base = f"Meeting at {c(COMPANIES)} re {c(TOPICS)}."
        elif kind == "event":
            base = f"Ran into {first} at {c(EVENTS)} in {c(CITIES)}."
        else:
            base = f"Sent {c(THINGS)} about {c(TOPICS)}."
        extras = [
            f" {first} wants to {c(ACTIONS)}.",
            f" Also discussed {c(TOPICS)}.",
            f" Mentioned {c(NEWS)}.",
            f" Should {c(ACTIONS)}.",
        ]
        if r.random() < 0.15:
            extras.insert(0, f" Introduced to {self.link()}.")
        text = base
        for extra in extras:
            if len(text) >= 40 and r.random() < 0.5:
                break
            if len(text) + len(extra) <= 120:
                text += extra
        while len(text) < 40:
            text += " Good chat."
        return text

    def log_line(self, day_iso: str, first: str) -> str:
        kind = self.rng.choice(KINDS)
        text = self.sentence(kind, first)
        roll = self.rng.random()
        if roll < 0.04:
            return f"- [[{day_iso}]] [{kind}] {text}\n"
        if roll < 0.07:
            return f"- {day_iso} {text}\n"
        return f"- {day_iso} [{kind}] {text}\n"

    def task_text(self, first: str) -> str:
        c = self.rng.choice
        options = [
            f"Send {c(THINGS)} to {first}",
            f"Intro {first} to {self.link()}",
            f"Ask {first} about {c(TOPICS)}",
            f"Check in with {first} after {c(EVENTS)}",
            f"Congratulate {first} on {c(NEWS)}",
        ]
        return c(options)

    def rand_date(self, start: dt.date, days: int) -> dt.date:
        return start + dt.timedelta(self.rng.randrange(days))

    def note(self, contact: Contact) -> str:
        r = self.rng
        first = contact.first
        out: list[str] = ["---\n"]
        if r.random() < 0.35:
            title = r.choice(["", "", "Dr. ", "Prof. "]) if r.random() < 0.3 else ""
            out.append(f"name: {yq(title + contact.name)}\n")
        if r.random() < 0.25:
            aliases = [first] if r.random() < 0.6 else [f"{first} {contact.last[0]}."]
            if r.random() < 0.3:
                aliases.append(ascii_slug(contact.name, "").capitalize()[:8])
            out.append("aliases:\n" + "".join(f"  - {yq(a)}\n" for a in aliases))
        roll = r.random()
        circle = None
        if roll < 0.30:
            circle = "career"
        elif roll < 0.65:
            circle = "competence"
        elif roll < 0.85:
            circle = "publication"
        if circle:
            out.append(f"circle: {circle}\n")
        tags = r.sample(TAGS, r.randint(1, 4))
        if r.random() < 0.5:
            out.append(f"tags: [{', '.join(tags)}]\n")
        else:
            out.append("tags:\n" + "".join(f"  - {t}\n" for t in tags))
        company = r.choice(COMPANIES)
        if r.random() < 0.92:
            out.append(f"company: {yq(company)}\n")
        if r.random() < 0.9:
            out.append(f"role: {yq(r.choice(ROLES))}\n")
        if r.random() < 0.08:
            out.append(r.choice(COMMENTS) + "\n")
        user = ascii_slug(contact.name, ".")
        domain = "-".join(ascii_slug(company, "-").split("-")[:2]) + ".example"
        roll = r.random()
        if roll < 0.05:
            out.append(f"email:\n  - {user}@{domain}\n  - {user}@mail.example\n")
        elif roll < 0.96:
            out.append(f"email: {user}@{domain}\n")
        if r.random() < 0.8:
            phone = f"+{r.choice(['49', '41', '43', '33', '44', '1'])} {r.randint(30, 999)}"
            phone += f" {r.randint(100000, 9999999)}"
            out.append(f'phone: "{phone}"\n')
        out.append(f"city: {yq(r.choice(CITIES))}\n")
        if r.random() < 0.85:
            slug = ascii_slug(contact.name, "-")
            out.append(f"linkedin: https://www.linkedin.com/in/{slug}-{r.randrange(16**6):06x}\n")
        if r.random() < 0.8:
            if r.random() < 0.65:
                year = r.randint(1955, 2001)
                bday = dt.date(year, 1, 1) + dt.timedelta(r.randrange(365 + (year % 4 == 0)))
                out.append(f"birthday: {bday.isoformat()}\n")
            else:
                bday = dt.date(2000, 1, 1) + dt.timedelta(r.randrange(366))
                text = f"--{bday.month:02d}-{bday.day:02d}"
                out.append(f'birthday: "{text}"\n' if r.random() < 0.3 else f"birthday: {text}\n")
        if r.random() < 0.3:
            out.append("dates:\n")
            out.append(f"  work anniversary: {self.rand_date(dt.date(2005, 1, 1), 7300)}\n")
            if r.random() < 0.3:
                out.append(f"  met: {self.rand_date(dt.date(2010, 1, 1), 5000)}\n")
        if r.random() < 0.5:
            out.append(f"cadence: {r.choice(CADENCES)}\n")
        if r.random() < 0.2:
            out.append(f"last_contact: {self.rand_date(dt.date(2024, 1, 1), 1061)}\n")
        if r.random() < 0.15:
            out.append(f"vouches: {'true' if r.random() < 0.8 else 'false'}\n")
        if r.random() < 0.02:
            out.append(f"snooze_until: {self.rand_date(dt.date(2026, 11, 1), 120)}\n")
        if r.random() < 0.03:
            out.append("archived: true\n")
        out.append("---\n\n## Notes\n\n")
        out.append(
            f"{first} works on {r.choice(TOPICS)} at {company}. We met through {self.link()} "
            f"at {r.choice(EVENTS)}. Interested in {r.choice(TOPICS)} and {r.choice(TOPICS)}.\n"
        )
        if r.random() < 0.4:
            out.append(
                f"\n{first} is based in {r.choice(CITIES)} and is happy to {r.choice(ACTIONS)}."
                f" Good person to ask about {r.choice(TOPICS)}.\n"
            )
        out.append("\n## Log\n\n")
        days = sorted(r.randrange(self.log_days) for _ in range(r.randint(5, 30)))
        log_iso = self.log_iso
        for d in days:
            out.append(self.log_line(log_iso[d], first))
        out.append("\n## Follow-ups\n\n")
        # Open follow-ups: most people have none; the few that are open are mostly still ahead
        # (people tick off what is past), a handful are overdue.
        for _ in range(r.choices((0, 1, 2), weights=(78, 17, 5))[0]):
            due = self.rand_date(OPEN_TASK_START, self.task_days)
            out.append(f"- [ ] {self.task_text(first)} 📅 {due}\n")
        for _ in range(r.randint(0, 2)):
            due = self.rand_date(TASK_START, 150)
            done = due + dt.timedelta(r.randint(-5, 10))
            out.append(f"- [x] {self.task_text(first)} 📅 {due} ✅ {done}\n")
        return "".join(out)


def write_file(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


# --- git history -----------------------------------------------------------------------------

FM_COMPANY = re.compile(r"^company: .*$", re.MULTILINE)
FM_ROLE = re.compile(r"^role: .*$", re.MULTILINE)
LOG_DATE = re.compile(r"^- (?:\[\[)?(\d{4}-\d{2}-\d{2})")
IDENTITY = ("netzmd bench", "bench@netzmd.invalid")


def edit_note(w: Writer, text: str, first: str, day: dt.date) -> tuple[str, str]:
    """Apply one random realistic edit; return (new text, commit message verb)."""
    r = w.rng
    fm_end = text.index("\n---\n", 3)
    front, body = text[:fm_end], text[fm_end:]
    choice = r.random()
    if choice < 0.25 and FM_COMPANY.search(front):
        front = FM_COMPANY.sub(f"company: {yq(r.choice(COMPANIES))}", front, count=1)
        return front + body, "Update company"
    if choice < 0.4 and FM_ROLE.search(front):
        front = FM_ROLE.sub(f"role: {yq(r.choice(ROLES))}", front, count=1)
        return front + body, "Update role"
    if choice < 0.6 and "\n- [ ] " in body:
        start = body.index("\n- [ ] ") + 1
        end = body.index("\n", start)
        line = body[start:end].replace("- [ ] ", "- [x] ", 1) + f" ✅ {day.isoformat()}"
        return front + body[:start] + line + body[end:], "Complete follow-up"
    # Append a log line, keeping the log sorted by date.
    lines = body.split("\n")
    log_at = lines.index("## Log")
    insert = log_at + 2
    for i in range(log_at + 2, len(lines)):
        m = LOG_DATE.match(lines[i])
        if not lines[i].startswith("- "):
            break
        if m and m.group(1) <= day.isoformat():
            insert = i + 1
    lines.insert(insert, w.log_line(day.isoformat(), first).rstrip("\n"))
    return front + "\n".join(lines), "Log interaction"


def make_history(
    dest: Path, w: Writer, notes: list[tuple[str, str, str]], static: dict[str, str], commits: int
) -> None:
    """Create DEST/.git with an initial commit plus `commits` edits via git fast-import."""
    rng = w.rng
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=IDENTITY[0],
        GIT_AUTHOR_EMAIL=IDENTITY[1],
        GIT_COMMITTER_NAME=IDENTITY[0],
        GIT_COMMITTER_EMAIL=IDENTITY[1],
    )

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(dest), *args], env=env, check=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", IDENTITY[0])
    git("config", "user.email", IDENTITY[1])
    git("config", "commit.gpgsign", "false")

    end = dt.datetime(LOG_END.year, LOG_END.month, LOG_END.day, tzinfo=dt.UTC)
    start = end - dt.timedelta(days=HISTORY_DAYS)
    t0 = int(start.timestamp())
    span = int((end - start).total_seconds())
    stamps = sorted(t0 + rng.randrange(span) for _ in range(commits))

    # Stream into git fast-import as we go; each commit rewrites the (large, flat) contacts/
    # tree object, which is what dominates the run time for big vaults.
    proc = subprocess.Popen(
        ["git", "-C", str(dest), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None
    out = proc.stdin

    def blob(path: str, text: str) -> None:
        data = text.encode("utf-8")
        out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    def header(stamp: int, message: str) -> None:
        who = f"{IDENTITY[0]} <{IDENTITY[1]}> {stamp} +0000"
        msg = message.encode("utf-8")
        out.write(f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode())
        out.write(f"data {len(msg)}\n".encode() + msg + b"\n")

    header(t0 - 86400, f"Initial import of {len(notes)} contacts")
    for path, text in static.items():
        blob(path, text)
    for path, text, _first in notes:
        blob(path, text)
    texts = {path: (text, first) for path, text, first in notes}
    paths = [path for path, _t, _f in notes]
    for stamp in stamps:
        path = rng.choice(paths)
        text, first = texts[path]
        day = dt.datetime.fromtimestamp(stamp, dt.UTC).date()
        new_text, verb = edit_note(w, text, first, day)
        texts[path] = (new_text, first)
        header(stamp, f"{verb}: {Path(path).stem}")
        blob(path, new_text)
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit(f"error: git fast-import failed with exit code {proc.returncode}")
    # Bring the work tree and index in line with the final commit.
    for path, (text, _first) in texts.items():
        write_file(str(dest / path), text)
    git("reset", "-q")


def generate(dest: Path, count: int, seed: int, commits: int, force: bool) -> None:
    contacts_dir = dest / "contacts"
    if contacts_dir.exists() and any(contacts_dir.iterdir()):
        if not force:
            sys.exit(f"error: {contacts_dir} is not empty (use --force to replace it)")
        shutil.rmtree(contacts_dir)
    if force:
        for extra in (".git", ".netzmd"):
            if (dest / extra).exists():
                shutil.rmtree(dest / extra)
    rng = random.Random(seed)
    contacts = make_contacts(rng, count)
    writer = Writer(rng, contacts)
    contacts_dir.mkdir(parents=True, exist_ok=True)
    for folder in SUBFOLDERS:
        (contacts_dir / folder).mkdir(parents=True, exist_ok=True)
    static = {"netzmd.toml": CONFIG_TOML}
    if commits > 0:
        static[".gitignore"] = ".netzmd/\n"
    for rel, text in static.items():
        write_file(str(dest / rel), text)
    keep: list[tuple[str, str, str]] = []
    base = str(contacts_dir)
    for contact in contacts:
        text = writer.note(contact)
        rel = f"{contact.folder}/{contact.name}.md" if contact.folder else f"{contact.name}.md"
        write_file(f"{base}/{rel}", text)
        if commits > 0:
            keep.append((f"contacts/{rel}", text, contact.first))
    if commits > 0:
        make_history(dest, writer, keep, static, commits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic netzmd vault.")
    parser.add_argument("dest", type=Path, help="vault folder to create")
    parser.add_argument("--count", type=int, default=10000, help="number of contacts")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--commits", type=int, default=0, help="git commits after the import")
    parser.add_argument("--force", action="store_true", help="replace an existing vault")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    started = time.perf_counter()
    generate(args.dest, args.count, args.seed, max(0, args.commits), args.force)
    elapsed = time.perf_counter() - started
    print(f"generated {args.count} contacts in {args.dest} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
