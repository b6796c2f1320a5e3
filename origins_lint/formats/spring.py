"""Spring CORS properties (`application*.yml` / `.properties`) as model contexts.

A context is every group of CORS properties under one prefix that names
CORS: `spring.web.cors`, `management.endpoints.web.cors`, each Spring Cloud
Gateway `globalcors.cors-configurations.[/**]` entry, route `metadata.cors`.
Keys bind the relaxed way Spring binds them (`allowed-origins`,
`allowedOrigins`, `ALLOWED_ORIGINS`), nested or dotted. `allowedOrigins`
compares exact strings without case; `allowedOriginPatterns` are Spring's
own patterns (`*` is any text, `[8080,8081]` lists ports), and Spring echoes
the origin a pattern matched, so `"*"` there is a reflection of every origin. Spring Cloud
Gateway filters that write `Access-Control-*` response headers themselves
(`AddResponseHeader`, `SetResponseHeader`...) are read by ``spring_filters``.

A profile runs on top of what it overrides (spring-boot `StandardConfigDataLocationResolver`
resolves `application-{profile}` after `application`, `.properties` after `.yml` in one location;
`ConfigDataEnvironmentContributors` applies an `on-profile` document after the plain ones): a
profile's group is read merged, property by property, over the base file's and the plain
documents' group of the same prefix (``_profiled``); a list is replaced whole, as the binder takes
it from the one source that sets it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

from origins_lint import limits
from origins_lint.formats.base import FormatOptions, file_name, within
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    SPRING_EXACT,
    SPRING_PATTERN,
    CorsContext,
    Document,
    Environment,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.origins import is_any, is_null
from origins_lint.source import Source, read_source

NAME = "spring"
_NAMES = re.compile(r"^(application|bootstrap)([-_.][\w.-]+)?\.(ya?ml|properties)$")
# a ConfigMap `data` key naming a Spring file (`application-stg.yml: |`)
_DATA_ENTRY = re.compile(
    r"^[ \t]+[\"']?(?:application|bootstrap)([-_.][\w.-]+)?\.(?:ya?ml|properties)[\"']?[ \t]*:", re.MULTILINE
)
PROPERTIES: Final = {
    "allowedorigins",
    "allowedoriginpatterns",
    "allowcredentials",
    "allowedmethods",
    "allowedheaders",
    "exposedheaders",
    "maxage",
}
DEVELOPMENT_PROFILES: Final = frozenset({"dev", "development", "local", "test"})
REFLECTION_NOTE = "Spring echoes the origin a pattern matched, and `*` matches every origin"
_PLACEHOLDER = re.compile(r"\$\{([^:{}$]+)\}")  # `${NAME}`, no default
_DEFAULTED = re.compile(r"\$\{([^:{}$]+):([^{}$]*)\}")  # `${NAME:default}`, nothing nested in it
_PROPERTY_LINE = re.compile(r"^([ \t]*)((?:\\.|[^\s:=\\])+)[ \t]*[:=]?[ \t]*(.*)$")


def wants(path: str) -> bool:
    return bool(_NAMES.match(file_name(path))) or path.endswith(manifests.READ_AS_YAML)


def detect(path: str, text: str) -> bool:
    folded = text.lower()
    cors = "cors" in folded or ("responseheader" in folded and "access-control-" in folded)
    if _NAMES.match(file_name(path)):
        return cors
    # a Kubernetes ConfigMap that carries the application's own `application*.yml` (mounted, or read
    # by Spring Cloud Kubernetes: ConfigMapPropertySource turns such entries into property sources)
    return (
        cors
        and path.endswith(manifests.READ_AS_YAML)
        and "ConfigMap" in text
        and bool(_DATA_ENTRY.search(text))
    )


@dataclass(slots=True)
class _Group:
    """The CORS properties under one prefix, by folded name, and the text each is written in (a
    profile's group holds the base file's properties it does not override)."""

    prefix: str
    location: Location
    text: manifests.Text
    values: dict[str, tuple[Location, Node]] = field(default_factory=dict)
    texts: dict[str, manifests.Text] = field(default_factory=dict)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    name = file_name(source.path)
    if _NAMES.match(name) or source.path.endswith(".properties") or _DATA_ENTRY.search(source.text) is None:
        return _parse(source, name, options)  # a Spring file (by name, or forced by `--input-format spring`)
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in loaded.documents:
        data = manifests.at(root, "data") if manifests.kind_of(root) == "ConfigMap" else None
        if data is None or not isinstance(data.value, dict):
            continue
        for key, node in data.value.items():
            if not _NAMES.match(key) or not isinstance(node.value, str):
                continue
            embedded = loaded.text.embedded(node)
            parsed = embedded.locate(_parse(Source(source.path, embedded.text), key))
            result.problems.extend(parsed.problems)
            result.documents.extend(parsed.documents)
    return result


def _parse(source: Source, name: str, options: FormatOptions | None = None) -> ParsedFile:
    """A Spring file named ``name`` (a file's own name, or a ConfigMap entry's): `.properties` or
    YAML, its profile from the name. A profile's settings are read on top of what they override
    (``_profiled``): the base file's of a profile file, and the plain documents' of an
    `on-profile` document."""
    result = ParsedFile(source.path, NAME)
    sections = _sections(source, name, result.problems)
    profile = _file_profile(name)
    below: dict[str, _Group] = {}
    if options is not None and profile:
        below = _base_groups(source.path, name, options, result, ("yml", "yaml", "properties"))
    elif options is not None and name.endswith(".properties") and _NAMES.match(name):
        # `application.properties` over the `application.yml` beside it: Spring Boot loads both
        below = _base_groups(source.path, name, options, result, ("yml", "yaml"))
    label = f"profile `{profile}`" if profile else f"`{name}`"
    plain = below  # what runs without this file's `on-profile` documents: the base files, then its plain ones
    for section in sections:
        above = f"profile `{section.profile}`" if section.profile else label
        _document(section, plain if section.profile else below, above, result)
        if not section.profile:
            plain = _overlay(plain, _groups(section.entries, section.text))
    return result


@dataclass(slots=True)
class _Section:
    """One document of a file (a `.properties` file is one), with the profile that activates it."""

    entries: list[tuple[str, Location, Node]]
    location: Location
    environment: Environment
    text: manifests.Text
    profile: str  # its `spring.config.activate.on-profile` (or `spring.profiles`); "": always in force


def _sections(source: Source, name: str, problems: list[InputProblem]) -> list[_Section]:
    environment = _profile_environment(name)
    if name.endswith(".properties"):
        text = manifests.Text(source.path, source.text)
        return [_Section(_properties(source), Location.point(source.path, 1, 1), environment, text, "")]
    loaded = manifests.load(source)
    problems.extend(loaded.problems)
    out: list[_Section] = []
    for root in loaded.documents:
        entries = list(_flatten(root, ()))
        section = _Section(entries, root.location, environment, loaded.text, "")
        for key, _at, node in entries:
            if _fold(key) not in ("spring.config.activate.onprofile", "spring.profiles"):
                continue
            names = manifests.words(node.plain())
            section.profile = ", ".join(names)
            if set(names) & DEVELOPMENT_PROFILES:
                section.environment = Environment.DEVELOPMENT
        out.append(section)
    return out


def _profile_environment(path: str) -> Environment:
    stem = PurePath(path).stem
    profile = stem.partition("-")[2].lower() if "-" in stem else ""
    return Environment.DEVELOPMENT if profile in DEVELOPMENT_PROFILES else Environment.PRODUCTION


def _file_profile(name: str) -> str:
    """`prod` for `application-prod.yml`: the profile a file is loaded for ("" for the base file)."""
    found = _NAMES.match(name)
    return found.group(2)[1:] if found is not None and found.group(2) and found.group(2)[0] == "-" else ""


def _base_groups(
    path: str, name: str, options: FormatOptions, result: ParsedFile, suffixes: tuple[str, ...]
) -> dict[str, _Group]:
    """The CORS groups of the files this one overrides: `application.<suffix>` (or `bootstrap.*`) in
    its folder for each of ``suffixes``, their plain documents, a `.properties` over a YAML file as
    Spring Boot takes them ("Profile Specific Files", Externalized Configuration in its reference).
    Each file read is consulted (its own check says its own findings) and only inside the folders
    being checked. The file is never taken from the result cache: a base file may appear, go or
    change."""
    result.uncached = True
    family = name.split("-", 1)[0].rsplit(".", 1)[0]
    folder = os.path.dirname(path)
    groups: dict[str, _Group] = {}
    for suffix in suffixes:
        base = os.path.join(folder, f"{family}.{suffix}")
        if not within(base, options.roots) or not os.path.isfile(base):
            continue
        source = read_source(base, limits.active().file_size)
        if not isinstance(source, Source):
            continue  # its own check says why it cannot be read
        result.consulted[base] = source.text
        for section in _sections(source, os.path.basename(base), []):
            if not section.profile:
                groups = _overlay(groups, _groups(section.entries, section.text))
    return groups


def _groups(entries: list[tuple[str, Location, Node]], text: manifests.Text) -> dict[str, _Group]:
    """The CORS properties of a document, by folded prefix."""
    groups: dict[str, _Group] = {}
    for key, at, node in entries:
        prefix, _, name = _split(key)
        name = re.sub(r"\[\d+\]$", "", name)
        if manifests.folded(name) not in PROPERTIES or "cors" not in prefix.lower():
            continue
        group = groups.setdefault(_fold(prefix), _Group(prefix, at, text))
        folded_name = manifests.folded(name)
        if folded_name in group.values and re.search(r"\[\d+\]$", key):  # indexed items: `origins[1]=`
            first_at, first = group.values[folded_name]
            items = first.value if isinstance(first.value, list) else [first]
            group.values[folded_name] = (first_at, Node([*items, node], first.location))
        else:
            group.values[folded_name] = (at, node)
        group.texts[folded_name] = text
    return groups


def _overlay(below: dict[str, _Group], above: dict[str, _Group]) -> dict[str, _Group]:
    """``above``'s groups over ``below``'s: a property ``above`` sets replaces ``below``'s whole (a
    list too: Spring binds a list from the one source that sets it), the others are kept."""
    out = dict(below)
    for key, group in above.items():
        under = below.get(key)
        out[key] = group if under is None else _over(under, group)
    return out


def _over(under: _Group, group: _Group) -> _Group:
    values, texts = {**under.values, **group.values}, {**under.texts, **group.texts}
    return _Group(group.prefix, group.location, group.text, values, texts)


def _document(section: _Section, below: dict[str, _Group], above: str, result: ParsedFile) -> None:
    """A document's contexts; a group it shares with the settings it overrides (``below``) as Spring
    runs it, merged (``_profiled``)."""
    entries = section.entries
    document = Document(section.location.path, NAME, section.location, environment=section.environment)
    for key, group in _groups(entries, section.text).items():
        under = below.get(key)
        if under is None:
            document.contexts.append(_Reader(group, result).context())
        else:
            document.contexts.append(_profiled(under, group, above, result))
        if not _BOUND.fullmatch(key):
            message = (
                f"`{group.prefix}` is not a property Spring Boot or Spring Cloud Gateway reads (Boot takes "
                "CORS from `management.endpoints.web.cors` and `spring.graphql.cors` only, the gateway from "
                "`globalcors` and route `metadata.cors`): these values do something only where your own "
                "code binds them; the findings here assume it hands them to a `CorsConfiguration`"
            )
            result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, group.location))
    if any("filters" in key.lower() for key, _at, _node in entries):
        from origins_lint.formats import spring_filters

        document.contexts.extend(spring_filters.contexts(entries, result.problems, section.text))
    if document.contexts:
        result.documents.append(document)


_ORIGINS: Final = ("allowedorigins", "allowedoriginpatterns")


def _profiled(under: _Group, group: _Group, above: str, result: ParsedFile) -> CorsContext:
    """The context that runs where ``group`` (a profile's, or an `application.properties` over the
    YAML beside it: ``above`` names which) overrides ``under``, each property judged where it is
    written. What the overridden settings alone say is theirs to say (their own document's, or their
    own file's check): the origins the profile keeps are judged here only when its credentials
    differ from theirs; what only the two together say (`*` with the profile's credentials) is said
    here, and the credentials say where they come from when the origins are written elsewhere."""
    alone = ParsedFile(result.path, NAME)
    theirs = _Reader(under, alone).context()
    merged = _over(under, group)
    if _Reader(merged, ParsedFile(result.path, NAME)).credentials().value == theirs.credentials.value:
        kept = {
            name: value
            for name, value in merged.values.items()
            if name not in _ORIGINS or name in group.values
        }
        merged = _Group(merged.prefix, merged.location, merged.text, kept, merged.texts)
    together = ParsedFile(result.path, NAME)
    context = _Reader(merged, together).context()
    result.problems.extend(problem for problem in together.problems if problem not in alone.problems)
    credentials = context.credentials
    if credentials.value is True and credentials.location is not None:
        written = f"{os.path.basename(credentials.location.path)}:{credentials.location.line}"
        own_credentials = "allowcredentials" in group.values
        if own_credentials and any(n in merged.values and n not in group.values for n in _ORIGINS):
            note: str | None = f"credentials from {above}, {written}"
        elif not own_credentials and any(n in group.values for n in _ORIGINS):
            note = f"credentials from {written}, kept by {above}"
        else:
            note = None
        context.credentials = Setting(True, credentials.location, credentials.from_default, note)
    context.name = f"{group.prefix}, {above.replace('`', '')}"
    return context


def _split(key: str) -> tuple[str, str, str]:
    """`a.b.[/**].c` into (`a.b.[/**]`, `.`, `c`), never splitting inside brackets."""
    depth, cut = 0, -1
    for index, char in enumerate(key):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            cut = index
    return (key[:cut], ".", key[cut + 1 :]) if cut >= 0 else ("", "", key)


# the prefixes Spring itself binds to a `CorsConfiguration` (folded): spring-boot's
# CorsEndpointProperties (`management.endpoints.web.cors`) and GraphQlCorsProperties
# (`spring.graphql.cors`); Spring Cloud Gateway's GlobalCorsProperties
# (`spring.cloud.gateway[.server.webflux].globalcors.cors-configurations.[pattern]`) and a route's
# `metadata.cors` (CorsGatewayFilterApplicationListener). There is no `spring.web.cors` nor
# `spring.mvc.cors` in Spring Boot (none in its sources at c329ffa25dc; #3052 proposed one and was
# closed without it).
# A map key in brackets binds with or without a dot before it (`cors-configurations[/**]`, the
# usual spelling in `.properties`, as `cors-configurations.[/**]`: Spring Boot's MapBinder).
_BOUND: Final = re.compile(
    r"management\.endpoints\.web\.cors|spring\.graphql\.cors"
    r"|spring\.cloud\.gateway(?:\.server\.webflux|\.server\.webmvc)?\.globalcors\.corsconfigurations\.?\[[^\]]*\]"
    r"|spring\.cloud\.gateway(?:\.server\.webflux|\.server\.webmvc)?\.routes\[\d+\]\.metadata\.cors"
)


def _fold(key: str) -> str:
    return ".".join(part if part.startswith("[") else manifests.folded(part) for part in key.split("."))


def _flatten(node: Node, parts: tuple[str, ...]) -> list[tuple[str, Location, Node]]:
    """YAML as Spring sees it: dotted keys to values; lists of plain values stay values."""
    out: list[tuple[str, Location, Node]] = []
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            if isinstance(child.value, dict) or _is_object_list(child):
                out.extend(_flatten(child, (*parts, key)))
            else:
                out.append((".".join((*parts, key)), node.key_locations[key], child))
    elif isinstance(node.value, list):
        for index, child in enumerate(node.value):
            out.extend(_flatten(child, (*parts[:-1], f"{parts[-1]}[{index}]") if parts else (f"[{index}]",)))
    return out


def _is_object_list(node: Node) -> bool:
    return isinstance(node.value, list) and any(isinstance(item.value, dict) for item in node.value)


def _properties(source: Source) -> list[tuple[str, Location, Node]]:
    """`key=value` lines (`:` or a space also separate; `#` and `!` start comments)."""
    out: list[tuple[str, Location, Node]] = []
    lines = source.text.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        found = _PROPERTY_LINE.match(line)
        if found is None or not found.group(2) or found.group(2).startswith(("#", "!")):
            continue
        value, value_line = found.group(3), number
        while value.endswith("\\") and number < len(lines):  # a continued value
            value = value[:-1] + lines[number].lstrip()
            number += 1
        column = found.start(3) + 1
        key_at = Location(source.path, value_line, found.start(2) + 1, value_line, found.end(2) + 1)
        value_at = Location(source.path, value_line, column, value_line, column + len(found.group(3)))
        out.append((found.group(2).replace("\\", ""), key_at, Node(value.strip(), value_at)))
    return out


def trim_trailing_slash(value: str) -> str:
    """CorsConfiguration.trimTrailingSlash: addAllowedOrigin and addAllowedOriginPattern store
    `https://domain.com/` as `https://domain.com` (CorsConfigurationTests.checkOriginAllowed)."""
    return value[:-1] if value.endswith("/") else value


def comma_delimited(raw: str) -> list[str]:
    """CorsConfiguration.parseCommaDelimitedOrigin: split on commas outside `[...]`, trim each part.

    `"https://*.a1.com:[8080,8081],https://*.a2.com"` is two patterns (CorsConfigurationTests
    in spring-web).
    """
    if "," not in raw:
        return [raw.strip()]
    out, start, in_ports = [], 0, False
    for index, char in enumerate(raw):
        if char == "[":
            in_ports = True
        elif char == "]":
            in_ports = False
        elif char == "," and not in_ports:
            out.append(raw[start:index].strip())
            start = index + 1
    if start < len(raw):
        out.append(raw[start:].strip())
    return out


class _Reader:
    def __init__(self, group: _Group, result: ParsedFile) -> None:
        self.group = group
        self.result = result

    def text(self, name: str) -> manifests.Text:
        """The text property ``name`` is written in, to place its items."""
        return self.group.texts.get(name, self.group.text)

    def items(self, name: str) -> list[tuple[str, Location]]:
        """A list's elements as Spring binds them, each at its own column.

        A scalar bound to a list is split on every comma by Spring Boot
        (DelimitedStringToCollectionConverter, spring-boot `convert/`), a `[8080,8081]` port list
        too; each element is then split again by CorsConfiguration.parseCommaDelimitedOrigin
        (spring-web `cors/CorsConfiguration.java`), on commas outside `[...]` only, and one
        trailing `/` is trimmed from each value Spring stores.
        """
        if name not in self.group.values:
            return []
        _at, node = self.group.values[name]
        if node.value is None:
            return []
        elements = node.value if isinstance(node.value, list) else [node]
        out: list[tuple[str, Location]] = []
        for element in elements:
            if element.value is None or isinstance(element.value, dict | list):
                continue
            text = str(element.value)
            if manifests.template_expression(text) is not None:  # resolved by Spring, then split
                out.append((text.strip(), element.location))
                continue
            parts = [part.strip() for part in text.split(",")] if element is node else [text]
            values = [value for part in parts for value in comma_delimited(part) if value]
            trimmed = [trim_trailing_slash(value) for value in values]
            if values == [text.strip()] and element is not node:
                out.append((trimmed[0], element.location))  # one list element: where it is written
                continue
            out.extend(zip(trimmed, self.text(name).items(element, tuple(values)), strict=True))
        return out

    def context(self) -> CorsContext:
        scope = f"spring:{self.group.prefix}"
        matchers: list[OriginMatcher] = []
        credentials = self.credentials()
        for raw, at, default in self.placeholders("allowedorigins", credentials):
            # a `*` inside an origin is literal here (patterns go in allowedOriginPatterns)
            kind = MatcherKind.ANY if is_any(raw) else MatcherKind.NULL if is_null(raw) else MatcherKind.EXACT
            matchers.append(OriginMatcher(kind, raw, at, SPRING_EXACT, note=default, scope=scope))
        for raw, at, default in self.placeholders("allowedoriginpatterns", credentials):
            if is_any(raw):
                note = REFLECTION_NOTE if default is None else f"{default}; {REFLECTION_NOTE}"
                matchers.append(
                    OriginMatcher(MatcherKind.REFLECTED, raw, at, SPRING_PATTERN, note=note, scope=scope)
                )
            else:
                matchers.append(
                    OriginMatcher(MatcherKind.REGEX, raw, at, SPRING_PATTERN, note=default, scope=scope)
                )
        rejected = self.refused(matchers, credentials)
        return CorsContext(
            matchers=[m for m in matchers if m.kind is not MatcherKind.ANY] if rejected else matchers,
            location=self.group.location,
            credentials=credentials,
            rejected=rejected,
            allow_methods=self.listed("allowedmethods"),
            allow_headers=self.listed("allowedheaders"),
            expose_headers=self.listed("exposedheaders"),
            max_age=self.max_age(),
            name=self.group.prefix,
        )

    def placeholders(
        self, name: str, credentials: Setting[bool | None]
    ) -> list[tuple[str, Location, str | None]]:
        """The items, each with a note when it is a placeholder's default; an item holding a property
        placeholder (`${CORS_ORIGINS}`), which Spring resolves at start-up, is said not analysed.

        Spring Boot's binder resolves `${NAME:default}` to the default when no property source (the
        environment included) sets NAME, and leaves an unresolvable `${NAME}` as text
        (spring-boot PropertySourcesPlaceholdersResolver: a PropertyPlaceholderHelper with the `:`
        separator that ignores unresolvable placeholders; its tests'
        resolveIfPlaceholderAbsentUsesDefault). The default is the value the
        file gives out of the box, `${CORS_ALLOWED_ORIGINS:*}` with credentials a reflection of
        every origin. Its items are judged as written, each at its column, and what NAME would put
        there instead is said (OL004)."""
        out: list[tuple[str, Location, str | None]] = []
        for raw, at in self.items(name):
            if manifests.template_expression(raw) is None:
                out.append((raw, at, None))
                continue
            found = _DEFAULTED.fullmatch(raw.strip())
            if found is None:
                alone = _PLACEHOLDER.fullmatch(raw.strip())
                message = (
                    f"`{raw}` is the property `{alone.group(1)}` (an environment variable, for one), which "
                    "this file does not say: check what it is set to where this runs (unset, Spring Boot "
                    "binds the text itself, which no browser sends)"
                    if alone is not None
                    else manifests.placeholder_origin(raw, credentials.value is not False)
                )
                self.result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, at))
                continue
            variable, default = found.groups()
            self._defaulted(f"`{raw}`", variable, default, at)
            values = [
                value for part in default.split(",") for value in comma_delimited(part.strip()) if value
            ]
            spots = self.text(name).items(Node(raw, at), tuple(values))
            note = f"the default of `{raw}`, which Spring uses when `{variable}` is not set"
            out.extend(
                (trim_trailing_slash(value), spot, note) for value, spot in zip(values, spots, strict=True)
            )
        return out

    def _defaulted(self, what: str, variable: str, default: str, at: Location) -> None:
        """What a `${NAME:default}` leaves unknown, said (OL004): NAME's value where it is set."""
        message = (
            f"{what} is the property `{variable}` (an environment variable, for one) when it is set, "
            "which this file does not say: check what it is set to where this runs; when it is not "
            f"set, Spring uses the default `{default}`, judged here"
        )
        self.result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, at))

    def refused(self, matchers: list[OriginMatcher], credentials: Setting[bool | None]) -> str | None:
        """`*` in allowedOrigins with credentials: CorsConfiguration.validateAllowCredentials throws.

        It throws at start-up for `@CrossOrigin` and XML config and on every CORS request for a
        configuration source built from these properties (AbstractHandlerMapping.getHandler):
        either way no origin gets CORS (CorsConfigurationTests.checkOriginAllowed). The `*` entry
        becomes this problem; the others stay, for what they admit once it is removed.
        """
        wildcard = next((m for m in matchers if m.kind is MatcherKind.ANY), None)
        if wildcard is None or credentials.value is not True:
            return None
        message = (
            "Spring refuses this: `*` in `allowed-origins` with `allow-credentials: true` makes "
            "CorsConfiguration.validateAllowCredentials throw (at start-up for `@CrossOrigin`, on every "
            "CORS request for these properties), so no origin gets CORS; list the origins that need "
            "credentials instead of `*`"
        )
        self.result.problems.append(InputProblem(ProblemKind.SCHEMA, message, wildcard.location))
        return message

    def credentials(self) -> Setting[bool | None]:
        if "allowcredentials" not in self.group.values:
            return Setting(False)
        node = self.group.values["allowcredentials"][1]
        found = _DEFAULTED.fullmatch(node.value.strip()) if isinstance(node.value, str) else None
        if found is not None:  # `${NAME:true}`: the default where NAME is not set, as the origins' are
            variable, default = found.groups()
            self._defaulted("`allow-credentials`", variable, default, node.location)
            node = Node(default.strip(), node.location)
        return manifests.read_flag("allow-credentials", node, self.result.problems)

    def listed(self, name: str) -> Setting[tuple[str, ...]] | None:
        """Spring answers `*` methods and headers with what the request asked for: not a literal `*`."""
        items = tuple(item for item, _ in self.items(name))
        if name not in self.group.values or "*" in items:
            return None
        return Setting(items, self.group.values[name][1].location)

    def max_age(self) -> Setting[int] | None:
        if "maxage" not in self.group.values:
            return None
        return manifests.read_seconds("max-age", self.group.values["maxage"][1], self.result.problems)
