"""A seeded generator of odd requests, for tests/test_fuzz.py.

Every URL pattern of the project is found by walking the URL resolver, so a URL added
later is fuzzed without anyone remembering to list it. Path parameters are filled with
real ids and bogus ones; each request gets an odd query string, an odd method, and for
methods with a body an odd body in an odd content type. The same seed gives the same
requests, so a failure can be replayed.
"""

import json
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ["GET", "GET", "GET", "HEAD", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "x" * 300,
    "y" * 12_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%ZZ",
    "../../etc/passwd",
    "2017-02-30",
    "2017-12-05",
    "9999-99-99",
    "done",
    "not_started",
    "IOM",
    "A",
    "C-8",
    "\u202eevil",
    "نقطة عمل",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "http://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "/actions/",
    "foo",
    "home",
    "a\r\nSet-Cookie: x=1",
]
FIELD_NAMES = [
    "status",
    "note",
    "version",
    "ids",
    "next",
    "title",
    "description",
    "code",
    "area",
    "plan",
    "position",
    "parent",
    "due_date",
    "lead_organizations",
    "focal_points",
    "username",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "email",
    "language",
    "text",
    "first_name",
    "last_name",
    "organization",
    "role",
    "acronym",
    "name",
    "kind",
    "q",
    "week",
    "person",
    "token",
    "action",
    "_selected_action",
    "index",
    "select_across",
    "left_on",
    "successor",
    "term_en",
    "term_ar",
]
QUERY_NAMES = [
    *FIELD_NAMES,
    "overdue",
    "due_before",
    "due_after",
    "forum",
    "sort",
    "page",
    "o",
    "p",
    "e",
    "all",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "status__exact",
    "area__id__exact",
    "due_date__gte",
    "id__in",
    "format",
]
RAW_QUERIES = ["%ZZ", "&&&=", "a=%FF%FE", "=", "status=done&status=%C0%AF", "q=" + "z" * 5000]
CONTENT_TYPES = [
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded; charset=latin-1",
]
# What every field of a form found on a page is set to, one submission each: all fields
# at once, so that a form is tried whole with each kind of bad value.
FORM_VALUES = [
    "\x00",
    "x" * 300,
    "99999999999999999999999",
    "foo",
    "//evil.example",
    "\ud800",
]
BOGUS_SEGMENTS = ["0", "999999999", "99999999999999999999999", "x" * 300, "..", "%2500", "نقطة"]


@dataclass(frozen=True)
class Route:
    """A URL pattern as text, e.g. ``actions/<int:pk>/``, and the name it is known by."""

    route: str
    name: str


@dataclass
class FuzzRequest:
    method: str
    path: str
    query: str = ""
    body: bytes | None = None
    content_type: str = ""
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        size = f" +{len(self.body)}B {self.content_type}" if self.body is not None else ""
        return f"{self.method} {self.path}{'?' + self.query if self.query else ''}"[:300] + size


def project_routes() -> list[Route]:
    """Every URL pattern the project answers, from the resolver itself."""

    def walk(patterns, prefix: str) -> Iterator[Route]:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                yield Route(text, pattern.name or "")

    return list(walk(get_resolver().url_patterns, ""))


_ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


class RequestGenerator:
    def __init__(self, seed: int, real_ids: list[int], real_words: list[str]) -> None:
        self.random = random.Random(seed)
        self.real_ids = real_ids
        self.real_words = real_words

    def path_for(self, route: str, *, real: bool = False) -> str:
        """The route with its parameters filled, real values more often than bogus ones
        (only real ones with ``real``)."""
        pick = self.random.random

        def route_value(match: re.Match) -> str:
            converter = match.group(1) or "str"
            if real or pick() < 0.6:
                values = self.real_ids if converter == "int" else self.real_words
                return str(self.random.choice(values))
            if converter == "int":
                return self.random.choice(["0", "999999999", "99999999999999999999999"])
            return quote(self.random.choice(BOGUS_SEGMENTS), safe="")

        def regex_value(match: re.Match) -> str:
            body = match.group(2)
            if "|" in body:
                return self.random.choice(body.split("|"))
            return self.random.choice(
                ["", "x/", "nothing/here/", str(self.random.choice(self.real_ids))]
            )

        path = _ROUTE_PARAMETER.sub(route_value, route)
        path = _REGEX_GROUP.sub(regex_value, path)
        return "/" + path.replace("^", "").replace("$", "").replace("\\", "")

    def value(self) -> str:
        if self.random.random() < 0.3:
            return str(self.random.choice(self.real_ids + self.real_words))
        return self.random.choice(ODD_VALUES)

    def fields(self, names: list[str]) -> list[tuple[str, str]]:
        return [(self.random.choice(names), self.value()) for _ in range(self.random.randint(0, 6))]

    def query(self) -> str:
        if self.random.random() < 0.15:
            return self.random.choice(RAW_QUERIES)
        return _encode(self.fields(QUERY_NAMES))

    def request(self, route: Route) -> FuzzRequest:
        method = self.random.choice(METHODS)
        request = FuzzRequest(method, self.path_for(route.route), self.query())
        if method in BODY_METHODS:
            request.content_type = self.random.choice(CONTENT_TYPES)
            request.body = self.body(request.content_type)
        return request

    def body(self, content_type: str) -> bytes:
        fields = self.fields(FIELD_NAMES)
        if content_type.startswith("multipart/"):
            return b""  # built by the test client from ``fields`` (see multipart_fields)
        if content_type == "application/json":
            return json.dumps(dict(fields)).encode("utf-8", "surrogatepass")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return _encode(fields).encode("ascii")
        return self.random.choice([b"", b"\x00\xff\xfe", b"<a>" * 100, b"plain text"])

    def multipart_fields(self) -> dict:
        """Form fields and, sometimes, a file: junk, or a zip that is no workbook."""
        data: dict = {}
        for name, value in self.fields(FIELD_NAMES):
            data.setdefault(name, []).append(value.encode("utf-8", "surrogatepass"))
        if self.random.random() < 0.5:
            upload = BytesIO(self._file_content())
            upload.name = self.random.choice(["plan.xlsx", "plan.csv", "plan.xls", "x" * 300])
            data["file"] = upload
        return data

    def _file_content(self) -> bytes:
        choice = self.random.randrange(3)
        if choice == 0:
            return bytes(self.random.randrange(256) for _ in range(200))
        if choice == 1:
            buffer = BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("xl/workbook.xml", "<workbook/>")
            return buffer.getvalue()
        return b"code,title\nA-1,\x00\n"


def _encode(pairs: list[tuple[str, str]]) -> str:
    return urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])


@dataclass(frozen=True)
class Form:
    method: str
    action: str  # a path, with the page's path for a form with no action
    fields: tuple[tuple[str, str], ...]

    @property
    def shape(self) -> tuple:
        return (self.method, self.action, tuple(sorted({n for n, _ in self.fields})))


class PageParser(HTMLParser):
    """The forms of a page, and its links to this site that carry a query string."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.forms: list[Form] = []
        self.links: set[str] = set()
        self._form: tuple[str, str, list] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.path).path or self.path
            self._form = (a.get("method", "get").upper(), action, [])
        elif tag in ("input", "select", "textarea", "button") and self._form and a.get("name"):
            self._form[2].append((a["name"], a.get("value", "")))
        elif tag == "a" and "?" in a.get("href", ""):
            href = a["href"]
            if href.startswith("?"):
                href = self.path + href
            if href.startswith("/") and not href.startswith("//"):
                self.links.add(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form:
            method, action, fields = self._form
            self.forms.append(Form(method, action, tuple(fields)))
            self._form = None


def page_links_and_forms(path: str, html: str) -> tuple[set[str], list[Form]]:
    parser = PageParser(path)
    parser.feed(html)
    return parser.links, parser.forms


def submissions(form: Form) -> Iterator[FuzzRequest]:
    """The form sent once with every field set to each of ``FORM_VALUES``."""
    for value in FORM_VALUES:
        pairs = [(name, value) for name, _ in form.fields if name != "csrfmiddlewaretoken"]
        encoded = _encode(pairs)
        if form.method == "GET":
            yield FuzzRequest("GET", form.action, encoded)
        else:
            yield FuzzRequest(
                "POST",
                form.action,
                body=encoded.encode("ascii"),
                content_type="application/x-www-form-urlencoded",
            )


def odd_link(link: str, value: str) -> FuzzRequest:
    """A link of the page with every value of its query string set to ``value``."""
    parts = urlsplit(link)
    pairs = [(name, value) for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return FuzzRequest("GET", parts.path, _encode(pairs))
