"""A deterministic, realistic demo world: a helpdesk SaaS brand, its roster, and a year of mentions.

The world is seeded, so the same seed and end date always give the same files. Planted in it:
customers whose sentiment slides over the last weeks (some across two platforms), decoys that must
not look like a decline (one bad day, a decline that recovered, new customers), leads asking for
alternatives, and an outage that spikes the brand's volume.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

BRAND = "Brightdesk"
PLATFORMS = ("twitter", "reddit", "discourse", "mastodon", "bluesky", "hackernews")
FIRST = ("Ava", "Ben", "Chloe", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jon", "Kira", "Luis", "Mia",
         "Nils", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wen", "Xena", "Yusuf", "Zoe")
LAST = ("Adams", "Berg", "Costa", "Diaz", "Eto", "Fischer", "Gray", "Haddad", "Ito", "Jensen", "Khan", "Lund",
        "Moreau", "Novak", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka", "Ueda", "Vogel", "Weiss")
COMPANIES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Adatum", "Woodgrove",
             "Lucerne", "Margie's Travel", "Wingtip", "Alpine Ski", "Coho Winery", "Fourth Coffee")
FEATURES = ("ticket routing", "the SLA dashboard", "macros", "the mobile app", "email sync", "the API",
            "live chat", "the knowledge base", "reporting", "SSO login", "automations", "the Slack integration")
THINGS = ("invoice", "billing issue", "export", "data import", "SSO setup", "API key", "seat upgrade")
COMPETITORS = ("Zendesk", "Freshdesk", "Help Scout", "Intercom")
MONTHS = ("January", "March", "June", "September", "December")

POSITIVE = (
    "Loving {feature} in {brand}, it saves our team hours every week",
    "Shoutout to the {brand} support team for sorting my {thing} in minutes!",
    "{brand} just shipped a great update to {feature}. Nice work!",
    "Honestly {brand} is the best helpdesk we've used. {feature} is excellent",
    "Thanks {brand}, the new {feature} is exactly what we needed",
    "Quick and friendly answer from {brand} support today, much appreciated",
    "Our agents are happier since we moved to {brand}. {feature} just works",
)
NEUTRAL = (
    "Does {brand} support exporting {thing} data to CSV?",
    "How do I set up {feature} in {brand} for a second team?",
    "{brand} release notes mention changes to {feature}",
    "Anyone using {brand} {feature} with more than 50 agents?",
    "Reading the {brand} docs on {feature} this afternoon",
    "Is there a {brand} status page for {feature}?",
)
MILD_NEGATIVE = (
    "{feature} in {brand} is slow again today",
    "Still waiting on a reply about my {thing} ticket with {brand}",
    "{brand} {feature} keeps logging me out, annoying",
    "Not thrilled that {brand} moved {feature} behind a higher plan",
    "Been waiting {days} days for {brand} support to answer about my {thing}",
    "{brand} {feature} has been flaky all week",
)
STRONG_NEGATIVE = (
    "Third time this month {feature} went down. Reopened my ticket with {brand}. Again.",
    "Customer of {brand} for {years} years and support closed my ticket without fixing anything",
    "Looking for alternatives to {brand}, our contract ends in {month}",
    "{brand} charged us twice for seats and nobody answers. Still waiting after {days} days",
    "Escalated to our account manager because {brand} support ignores the {thing} bug",
    "{feature} broken again. We pay {brand} for this? Thinking about switching to {competitor}",
    "We have been on {brand} since {since_year} and I've never been this frustrated. {feature} is unusable",
)
LEADS = (
    "Any recommendations for an alternative to {competitor}? Looking at {brand}",
    "Looking for a helpdesk tool for a 20 person team. Is {brand} any good compared to {competitor}?",
    "Can anyone recommend a {competitor} alternative? Considering {brand} or others",
)
OUTAGE = (
    "Is {brand} down for anyone else?", "{brand} login is failing for our whole team right now",
    "{brand} outage? Tickets not loading", "{brand} down again, agents can't reply to anyone",
)


@dataclass
class Person:
    """A demo author, with handles per platform and an optional roster entry."""

    name: str
    handles: dict[str, str]
    customer_id: str | None = None
    since: date | None = None
    tier: str = "pro"
    company: str = ""
    story: str = "steady"  # steady, slide, slide_joined, one_bad_day, recovered, new_slide, lead, community
    mood: float = 0.6  # share of positive posts in normal times
    rate: float = 0.06  # posts per day
    posts: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class DemoWorld:
    """Where the demo files were written, and what was planted."""

    mentions_file: Path
    roster_file: Path
    mentions: int
    customers: int
    planted_sliding: tuple[str, ...]
    planted_decoys: tuple[str, ...]
    end: datetime


def _handle(rng: random.Random, name: str, platform: str, used: set[tuple[str, str]]) -> str:
    first, last = name.lower().split()
    styles = (f"{first}_{last}", f"{first}{last[0]}", f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}")
    handle = rng.choice(styles).replace("'", "")
    while (platform, handle) in used:  # two people never share a handle on one platform
        handle = f"{handle}{rng.randint(0, 9)}"
    used.add((platform, handle))
    if platform == "mastodon":
        return f"@{handle}@{rng.choice(('mastodon.social', 'fosstodon.org', 'hachyderm.io'))}"
    if platform == "bluesky":
        return f"{handle}.bsky.social"
    return handle


def _people(rng: random.Random, n_customers: int, n_community: int, end: date) -> list[Person]:
    stories = (["slide"] * 6 + ["slide_joined"] * 4 + ["one_bad_day"] * 5 + ["recovered"] * 5
               + ["new_slide"] * 3)
    stories += ["steady"] * max(0, n_customers - len(stories))
    rng.shuffle(stories)
    used: set[tuple[str, str]] = set()
    people: list[Person] = []
    for i in range(n_customers):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        platforms = rng.sample(PLATFORMS[:5], rng.choice((1, 1, 2, 2, 3)))
        story = stories[i]
        if story == "slide_joined" and len(platforms) < 2:
            platforms = ["twitter", "discourse"]
        tenure_days = rng.randint(400, 4000) if story != "new_slide" else rng.randint(60, 300)
        people.append(Person(
            name=name, handles={p: _handle(rng, name, p, used) for p in platforms}, customer_id=f"C{i + 1:04d}",
            since=end - timedelta(days=tenure_days), tier=rng.choice(("enterprise", "pro", "pro", "starter")),
            company=rng.choice(COMPANIES), story=story, mood=rng.uniform(0.45, 0.8), rate=rng.uniform(0.03, 0.1)))
    for i in range(n_community):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        platform = rng.choice(PLATFORMS)
        story = "lead" if i < 12 else "community"
        people.append(Person(name=name, handles={platform: _handle(rng, name, platform, used)}, story=story,
                             mood=rng.uniform(0.3, 0.7), rate=rng.uniform(0.005, 0.03)))
    people[-1].handles = {"twitter": "<img src=x onerror=alert(1)>"}  # hostile names must render as text
    return people


def _fill(rng: random.Random, template: str, person: Person, end: date) -> str:
    years = (end - person.since).days // 365 if person.since else rng.randint(2, 9)
    return template.format(
        brand=BRAND, feature=rng.choice(FEATURES), thing=rng.choice(THINGS), days=rng.randint(3, 16),
        years=max(years, 2), month=rng.choice(MONTHS), competitor=rng.choice(COMPETITORS),
        since_year=(person.since or end).year if person.since else 2019)


def _kind_for(rng: random.Random, person: Person, day_index: int, days: int) -> str:
    """What sort of post a person writes on a given day of the year (0 = first day)."""
    to_end = days - day_index
    story = person.story
    if story in ("slide", "slide_joined", "new_slide") and to_end <= 45:
        gloom = 0.35 + 0.65 * (45 - to_end) / 45
        return "strong" if rng.random() < gloom * 0.6 else ("mild" if rng.random() < gloom else "neutral")
    if story == "recovered" and 100 <= to_end <= 150:
        return "strong" if rng.random() < 0.5 else "mild"
    if story in ("recovered", "one_bad_day"):
        return "positive" if rng.random() < 0.8 else "neutral"
    roll = rng.random()
    if roll < person.mood:
        return "positive"
    if roll < person.mood + (1 - person.mood) * 0.75:
        return "neutral"
    return "mild" if rng.random() < 0.9 else "strong"


_TEMPLATES = {"positive": POSITIVE, "neutral": NEUTRAL, "mild": MILD_NEGATIVE, "strong": STRONG_NEGATIVE,
              "lead": LEADS, "outage": OUTAGE}


def _url(platform: str, handle: str, post_id: str) -> str:
    h = handle.strip("@").split("@")[0]
    return {"twitter": f"https://twitter.com/{h}/status/{post_id}",
            "reddit": f"https://www.reddit.com/r/helpdesk/comments/{post_id}/",
            "discourse": f"https://community.brightdesk.example/p/{post_id}",
            "mastodon": f"https://mastodon.social/@{h}/{post_id}",
            "bluesky": f"https://bsky.app/profile/{h}/post/{post_id}",
            "hackernews": f"https://news.ycombinator.com/item?id={post_id}"}[platform]


class _Writer:
    def __init__(self, rng: random.Random, end: datetime):
        self.rng, self.end, self.rows, self.counter = rng, end, [], 100000

    def post(self, person: Person, kind: str, day: date, platform: str | None = None, text: str | None = None):
        platform = platform or self.rng.choice(sorted(person.handles))
        self.counter += 1
        post_id = f"{self.counter}"
        when = datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(
            seconds=self.rng.randint(7 * 3600, 23 * 3600))
        if when > self.end:
            when = self.end - timedelta(minutes=self.rng.randint(5, 600))
        handle = person.handles[platform]
        row = {"platform": platform, "id": post_id, "author": handle, "created_at": when.isoformat(),
               "text": text or _fill(self.rng, self.rng.choice(_TEMPLATES[kind]), person, self.end.date()),
               "url": _url(platform, handle, post_id), "lang": "en"}
        if platform in ("reddit", "discourse") and self.rng.random() < 0.3:
            row["title"] = f"{BRAND}: {self.rng.choice(FEATURES)}"
        self.rows.append(row)
        return row


def _write_person(w: _Writer, person: Person, days: int, start: date) -> None:
    rng = w.rng
    for day_index in range(days):
        rate = person.rate * (3 if person.story in ("slide", "slide_joined", "new_slide")
                              and days - day_index <= 45 else 1)
        if rng.random() >= rate:
            continue
        day = start + timedelta(days=day_index)
        kind = _kind_for(rng, person, day_index, days)
        platform = None
        if person.story == "slide_joined":  # alternate so neither platform alone tells the story
            platform = sorted(person.handles)[day_index % len(person.handles)]
        row = w.post(person, kind, day, platform)
        if kind == "positive" and rng.random() < 0.05:
            w.rows.append(dict(row, id=f"{row['id']}-x", platform=rng.choice(PLATFORMS[:3]),
                               url=None))  # cross-post: the same text again elsewhere
    if person.story == "one_bad_day":
        bad_day = start + timedelta(days=days - 10)
        for _ in range(2):
            w.post(person, "strong", bad_day)
    if person.story == "lead":
        w.post(person, "lead", start + timedelta(days=days - rng.randint(1, 6)))


def build_world(directory: str | Path, *, seed: int = 7, end: datetime | None = None,
                customers: int = 240, community: int = 1500) -> DemoWorld:
    """Write roster.csv and mentions.jsonl for a year ending at `end` (default: now, to the hour)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    end = end or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    days = 365
    start = end.date() - timedelta(days=days - 1)
    people = _people(rng, customers, community, end.date())
    writer = _Writer(rng, end)
    for person in people:
        _write_person(writer, person, days, start)
    crowd = [p for p in people if p.story == "community"]
    outage_day = end.date()  # within the last day, so the volume-spike rule sees it
    for _ in range(90):
        writer.post(rng.choice(crowd), "outage", outage_day)
    for row in list(writer.rows):  # retweets: identical text by another author
        if row["platform"] == "twitter" and rng.random() < 0.08:
            fan = rng.choice(crowd)
            if "twitter" in fan.handles:
                writer.rows.append(dict(row, id=f"{row['id']}-rt", author=fan.handles["twitter"]))
    writer.rows.sort(key=lambda r: r["created_at"])
    mentions_file, roster_file = directory / "mentions.jsonl", directory / "roster.csv"
    with open(mentions_file, "w", encoding="utf-8") as fh:
        for row in writer.rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    _write_roster(roster_file, [p for p in people if p.customer_id], rng)
    return DemoWorld(
        mentions_file=mentions_file, roster_file=roster_file, mentions=len(writer.rows),
        customers=customers, end=end,
        planted_sliding=tuple(p.customer_id for p in people if p.story in ("slide", "slide_joined")),
        planted_decoys=tuple(p.customer_id for p in people
                             if p.story in ("one_bad_day", "recovered", "new_slide")))


def _write_roster(path: Path, customers: list[Person], rng: random.Random) -> None:
    columns = ["customer_id", "name", "customer_since", "account", "tier", "owner", "email", *PLATFORMS[:5]]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for p in customers:
            handles = dict(p.handles)
            if "twitter" in handles and rng.random() < 0.5:
                handles["twitter"] = "@" + handles["twitter"]  # CRM exports mix styles
            if "reddit" in handles and rng.random() < 0.5:
                handles["reddit"] = "u/" + handles["reddit"]
            email = f"{p.name.split()[0].lower()}@{p.company.split()[0].lower().strip(chr(39))}.example"
            out.writerow([p.customer_id, p.name, p.since.isoformat(), p.company, p.tier,
                          rng.choice(("dana@brightdesk.example", "lee@brightdesk.example")), email,
                          *(handles.get(pl, "") for pl in PLATFORMS[:5])])


def synthetic_mentions(n: int, *, seed: int = 11, repeat_share: float = 0.3):
    """Yield n realistic mention rows (for benchmarks), of which about repeat_share repeat an earlier text."""
    rng = random.Random(seed)
    end = datetime(2026, 11, 1, tzinfo=timezone.utc)
    people = _people(rng, 2000, 48000, end.date())
    recent: list[str] = []
    kinds = ("positive", "neutral", "mild", "strong")
    for i in range(n):
        person = people[rng.randrange(len(people))]
        platform = rng.choice(sorted(person.handles))
        if recent and rng.random() < repeat_share:
            text = rng.choice(recent)
        else:
            text = _fill(rng, rng.choice(_TEMPLATES[rng.choice(kinds)]), person, end.date())
            text = f"{text} {rng.choice(('', '#helpdesk', '!!', ':(', ':)', 'ugh', 'fwiw'))} {i % 9973}".strip()
            recent.append(text)
            if len(recent) > 5000:
                recent.pop(0)
        yield {"platform": platform, "id": str(i), "author": person.handles[platform],
               "created_at": (end - timedelta(seconds=i * 13)).isoformat(), "text": text}
