"""The shared contract every registered connector must meet, run through its real SDK against a local
fake of its platform's API (tests/fakeapis.py, posts from tests/fixtures/posts.json)."""
from __future__ import annotations

import json

import pytest

import connectors
from monitor.errors import ConfigError
from monitor.types import HttpPolicy, Mention, Page
from tests.connector_cases import CASES, ENV
from tests.fakeserver import FakeServer

KINDS = sorted(CASES)
HTTP = HttpPolicy(timeout=5)


def test_every_registered_connector_runs_the_contract_suite():
    assert set(connectors.KINDS) == set(CASES), "add a Case in tests/connector_cases.py for each new kind"


@pytest.fixture(autouse=True)
def _credentials(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(params=KINDS)
def case(request):
    return CASES[request.param]


@pytest.fixture
def served(case):
    api = case.api()
    with FakeServer(api) as server:
        yield case, api, server


def build(case, url, **extra):
    return connectors.connector_class(case.kind)(case.table(url, **extra), http=HTTP)


def run(connector, cursor=None) -> tuple[list[Page], list[Mention]]:
    pages = list(connector.fetch(cursor))
    connector.close()
    return pages, [m for p in pages for m in p.mentions]


def final_cursor(pages: list[Page], previous=None):
    cursor = previous
    for page in pages:
        if page.cursor is not None:
            cursor = page.cursor
    return cursor


def test_kind_and_platform_are_declared(case):
    cls = connectors.connector_class(case.kind)
    assert cls.kind == case.kind and cls.platform == case.platform


def test_a_missing_required_key_is_a_config_error_naming_source_and_key(case):
    key = case.required[0]
    table = case.table("http://127.0.0.1:9")
    del table[key]
    with pytest.raises(ConfigError) as err:
        connectors.connector_class(case.kind)(table, http=HTTP)
    assert err.value.key == key
    assert f"{case.kind}-src" in str(err.value)


def test_a_misspelt_key_is_rejected_not_ignored(case):
    table = {**case.table("http://127.0.0.1:9"), "tems": ["acme"]}
    with pytest.raises(ConfigError) as err:
        connectors.connector_class(case.kind)(table, http=HTTP)
    assert err.value.key == "tems"


def test_a_credential_env_var_that_is_not_set_is_a_config_error(case, monkeypatch):
    if not case.credentials:
        pytest.skip(f"{case.kind} needs no credentials")
    key, var = next(iter(case.credentials.items()))
    monkeypatch.delenv(var)
    with pytest.raises(ConfigError) as err:
        connectors.connector_class(case.kind)(case.table("http://127.0.0.1:9"), http=HTTP)
    assert err.value.key == key and var in str(err.value)
    assert ENV[var] not in str(err.value)  # the message names the variable, never a secret


def test_first_fetch_normalises_every_post(served):
    case, api, server = served
    pages, mentions = run(build(case, server.url))
    expected = api.newest_first()[: case.first_run_limit or None]
    assert len(mentions) == len(expected)
    assert len({m.external_id for m in mentions}) == len(mentions)
    for mention in mentions:
        post = next(p for p in expected if p.text in mention.text)  # the text survives normalisation
        assert mention.platform == case.platform
        assert mention.created_at.tzinfo is not None and mention.created_at.utcoffset().total_seconds() == 0
        assert abs((mention.created_at - post.at).total_seconds()) < 1
        assert post.author.split("@")[0].replace("_", "").replace(".", "") in \
            mention.author.replace("-", "").replace("_", "").replace(".", "")
        assert mention.url and mention.url.startswith(("https://", "http://127.0.0.1"))
        json.dumps(mention.raw)  # the raw payload is kept, and can be stored as JSON
        assert mention.raw
    cursor = final_cursor(pages)
    assert cursor is not None and json.loads(json.dumps(cursor)) == cursor


def same_posts(mentions: list[Mention], posts) -> bool:
    """Whether the mentions are exactly these posts, one each (platforms may add tags or titles)."""
    return len(mentions) == len(posts) and all(sum(p.text in m.text for m in mentions) == 1 for p in posts)


def test_a_second_fetch_from_the_cursor_brings_nothing_new(served):
    case, api, server = served
    pages, first = run(build(case, server.url))
    _, again = run(build(case, server.url), final_cursor(pages))
    # kinds that re-read an overlap (Bluesky's inclusive `since`) may repeat items; never new ones
    assert {m.external_id for m in again} <= {m.external_id for m in first}
    assert len(again) <= 1


def test_posts_after_the_cursor_arrive_over_several_pages(served):
    case, api, server = served
    pages, _ = run(build(case, server.url))
    cursor = final_cursor(pages)
    api.add_posts(12)
    before = len(server.requests)
    pages, mentions = run(build(case, server.url), cursor)
    assert same_posts([m for m in mentions if not any(p.text in m.text for p in api.posts[:-12])],
                      api.posts[-12:])
    if case.kind != "rss":  # a feed is one document; every other kind pages (5 or 10 per page here)
        assert len(server.requests) - before >= 2
        assert len([p for p in pages if p.mentions]) >= 2
    assert final_cursor(pages, cursor) != cursor


def test_a_crash_after_any_page_skips_nothing(served):
    """Store pages 1..k with their cursors, "crash", run again: every new post is stored by then."""
    case, api, server = served
    pages, _ = run(build(case, server.url))
    start = final_cursor(pages)
    api.add_posts(12)
    pages, _ = run(build(case, server.url), start)
    assert len(pages) >= (1 if case.kind == "rss" else 2)
    for k in range(len(pages)):
        stored = [m for p in pages[: k + 1] for m in p.mentions]
        _, refetched = run(build(case, server.url), final_cursor(pages[: k + 1], start))
        texts = [m.text for m in stored + refetched]
        assert all(any(p.text in t for t in texts) for p in api.posts[-12:]), f"skipped after page {k + 1}"


def test_a_run_stopped_by_its_page_cap_loses_nothing(served):
    case, api, server = served
    if not case.keeps_gaps:
        pytest.skip(f"{case.kind}: its listings cannot reach past `limit` items (documented limit)")
    pages, _ = run(build(case, server.url))
    cursor = final_cursor(pages)
    api.add_posts(17)
    seen: list[str] = []
    for _ in range(10):
        pages, mentions = run(build(case, server.url, max_pages=1), cursor)
        cursor = final_cursor(pages, cursor)
        if not mentions:
            break
        seen += [m.text for m in mentions]
    new = [t for t in dict.fromkeys(seen) if not any(p.text in t for p in api.posts[:-17])]
    assert len(new) == 17 and all(any(p.text in t for t in new) for p in api.posts[-17:])


def test_every_kind_has_a_valid_commented_example_in_config_example_toml(monkeypatch):
    import re
    import tomllib

    from tests.conftest import REPO

    text = (REPO / "config.example.toml").read_text()
    block = text[text.index("# --- Sources"):]
    lines = [re.sub(r"^# ?", "", line) for line in block.splitlines()
             if line.startswith("# [[") or (line.startswith("# ") and " = " in line)]
    examples = tomllib.loads("\n".join(lines))["sources"]
    assert {s["kind"] for s in examples} == set(connectors.KINDS)
    for source in examples:
        for key, var in source.items():
            if key.endswith("_env"):
                monkeypatch.setenv(var, "example-secret")
        connectors.connector_class(source["kind"])(source, http=HTTP).close()


SDK_HOME = {"tweepy": "connectors/x.py", "praw": "connectors/reddit.py", "prawcore": "connectors/reddit.py",
            "mastodon": "connectors/mastodon.py", "atproto": "connectors/bluesky.py",
            "atproto_client": "connectors/bluesky.py", "feedparser": "connectors/rss.py"}


def _imports(path) -> set[str]:
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_connectors_import_only_core_types_and_each_sdk_lives_in_one_module():
    from tests.conftest import REPO

    for path in sorted((REPO / "connectors").glob("*.py")):
        for name in _imports(path):
            if name.startswith("monitor"):
                assert name in ("monitor.types", "monitor.errors"), f"{path.name} imports {name}"
    for package in ("monitor", "connectors", "rules", "reports"):
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            for name in _imports(path):
                root = name.split(".")[0]
                if root in SDK_HOME:
                    assert SDK_HOME[root] == rel, f"{rel} imports {root}; only {SDK_HOME[root]} may"
