"""Spring Boot runs a profile's settings on top of the ones they override: `application-prod.yml`
over `application.yml` (a `.properties` file over a YAML one in the same folder), an `on-profile`
document over the file's plain documents, property by property, a list replaced whole (Spring Boot
reference, Externalized Configuration, "Profile Specific Files" and "Activation Properties";
spring-boot `StandardConfigDataLocationResolver` loads the profile-specific resources after the
plain ones, `ConfigDataEnvironmentContributors` applies them last). Found on real layouts in the
round-4 hunt (notes/s30-hunt4.md #4): `*` in the base file with a production profile's
`allow-credentials: true` was one low finding, "without credentials", where prod echoes every
origin with credentials (CorsConfiguration.checkOrigin with an `allowedOriginPatterns` of `*`)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import check_json, run_cli, write

GATEWAY = """
spring:
  cloud:
    gateway:
      globalcors:
        cors-configurations:
          '[/**]':
{body}"""


def _gateway(body: str) -> str:
    return GATEWAY.format(body="".join(f"            {line}\n" for line in body.strip().splitlines()))


def _found(*paths: str) -> list[tuple[str, str, int, int, str, str]]:
    result = check_json(*paths)
    assert result.exit_code in (0, 1), result.stderr
    return [
        (f["code"], os.path.basename(f["path"]), f["line"], f["column"], f["severity"], f["message"])
        for f in result.findings
    ]


def test_profile_credentials_over_a_base_star_are_a_credentialed_reflection(project: Path) -> None:
    write(project, "application.yml", _gateway('allowed-origin-patterns: "*"\nallowed-methods: "*"'))
    write(project, "application-prod.yml", _gateway("allow-credentials: true"))
    found = _found(".")
    assert [(code, name, line, column, severity) for code, name, line, column, severity, _ in found] == [
        ("OL304", "application.yml", 7, 39, "low"),  # the base file alone: no profile, no credentials
        ("OL402", "application.yml", 7, 39, "critical"),  # with `prod` active
    ]
    assert "(credentials from profile `prod`, application-prod.yml:7)" in found[1][5]
    # the profile file named alone reads its base file too
    assert [(f[0], f[1], f[2]) for f in _found("application-prod.yml")] == [("OL402", "application.yml", 7)]
    result = run_cli("match", "https://evil.example", ".")
    assert (
        "reflected `*` (spring.cloud.gateway.globalcors.cors-configurations.[/**], profile prod) admits it, "
        "with credentials" in result.stdout
    )


def test_base_credentials_go_with_the_origins_a_profile_adds(project: Path) -> None:
    write(
        project,
        "application.yml",
        _gateway('allowed-origins: "https://app.example.com"\nallow-credentials: true'),
    )
    write(project, "application-prod.yml", _gateway('allowed-origin-patterns: "https://*.example.com"'))
    found = _found(".")
    assert [(code, name, line, column, severity) for code, name, line, column, severity, _ in found] == [
        ("OL302", "application-prod.yml", 7, 39, "high")  # was medium, "without credentials"
    ]
    assert "(credentials from application.yml:8, kept by profile `prod`)" in found[0][5]


def test_an_on_profile_document_runs_over_the_plain_ones(project: Path) -> None:
    base = _gateway('allowed-origins: "https://app.example.com"\nallow-credentials: true')
    prod = _gateway('allowed-origin-patterns: "https://*.example.com"').replace(
        "spring:\n", "spring:\n  config:\n    activate:\n      on-profile: prod\n", 1
    )
    write(project, "application.yml", f"{base}---{prod}")
    found = _found(".")
    assert [(code, line, column, severity) for code, _name, line, column, severity, _ in found] == [
        ("OL302", 19, 39, "high")
    ]
    assert "kept by profile `prod`" in found[0][5]


def test_a_properties_base_wins_over_a_yaml_one(project: Path) -> None:
    """Spring Boot: `.properties` takes precedence over `.yml` in the same location."""
    write(project, "application.yml", _gateway("allow-credentials: false"))
    prefix = "spring.cloud.gateway.globalcors.cors-configurations.[/**]"
    write(project, "application.properties", f"{prefix}.allow-credentials=true\n")
    write(project, "application-prod.yml", _gateway('allowed-origin-patterns: "https://*.example.com"'))
    found = _found(".")
    assert [(code, name, severity) for code, name, _l, _c, severity, _ in found] == [
        ("OL302", "application-prod.yml", "high")
    ]
    assert "credentials from application.properties:1, kept by profile `prod`" in found[0][5]


def test_a_profile_that_only_repeats_the_credentials_adds_nothing(project: Path) -> None:
    """The base origins the profile keeps, under the same credentials, are the base file's to judge:
    named alone (a pre-commit run), the profile file does not repeat them."""
    write(
        project,
        "application.yml",
        _gateway('allowed-origin-patterns: "https://*.example.com"\nallow-credentials: true'),
    )
    write(project, "application-prod.yml", _gateway("allow-credentials: true\nmax-age: 60"))
    assert [(f[0], f[1]) for f in _found(".")] == [("OL302", "application.yml")]
    assert _found("application-prod.yml") == []


def test_star_origins_with_profile_credentials_are_refused_as_spring_refuses_them(project: Path) -> None:
    """CorsConfiguration.validateAllowCredentials throws only for the pair: said where `*` is written."""
    write(project, "application.yml", _gateway('allowed-origins: "*"'))
    write(project, "application-prod.yml", _gateway("allow-credentials: true"))
    found = _found(".")
    assert [(code, name, line, column) for code, name, line, column, _s, _m in found] == [
        ("OL002", "application.yml", 7, 31),
        ("OL301", "application.yml", 7, 31),
    ]
    assert found[0][5].startswith(
        "Spring refuses this: `*` in `allowed-origins` with `allow-credentials: true`"
    )


def test_a_development_profile_keeps_its_development_treatment(project: Path) -> None:
    write(project, "application.yml", _gateway("allow-credentials: true"))
    write(project, "application-dev.yml", _gateway('allowed-origins: "http://localhost:3000"'))
    assert _found(".") == []


def test_a_suppression_in_the_base_file_holds_for_the_profile(project: Path) -> None:
    write(
        project,
        "application.yml",
        _gateway(
            '# origins-lint: ignore[OL402,OL304] a public, cookie-less API\nallowed-origin-patterns: "*"'
        ),
    )
    write(project, "application-prod.yml", _gateway("allow-credentials: true"))
    assert _found("application-prod.yml") == []
    assert _found(".") == []


def test_a_changed_base_file_is_seen_through_the_cache(project: Path) -> None:
    write(project, "application.yml", _gateway('allowed-origin-patterns: "https://app.example.com"'))
    write(project, "application-prod.yml", _gateway("allow-credentials: true"))
    assert check_json(".").findings == []  # the cache is on by default: this run fills it
    assert (project / ".origins-lint-cache").is_dir()
    write(project, "application.yml", _gateway('allowed-origin-patterns: "*"'))
    result = check_json(".")  # the profile file's own text is unchanged: its cached outcome would be stale
    assert [(f["code"], f["severity"]) for f in result.findings] == [("OL304", "low"), ("OL402", "critical")]


def test_a_base_file_outside_the_checked_folders_is_not_read(project: Path) -> None:
    outside = project / "outside"
    write(outside, "application.yml", _gateway('allowed-origin-patterns: "*"'))
    app = project / "app"
    write(app, "application-prod.yml", _gateway("allow-credentials: true"))
    (app / "application.yml").symlink_to(outside / "application.yml")
    assert _found("app/application-prod.yml") == []


def test_a_configmap_entry_is_judged_on_its_own(project: Path) -> None:
    """A ConfigMap's `application-prod.yml: |` has no folder of base files: read alone, as before."""
    write(project, "application.yml", _gateway('allowed-origin-patterns: "*"'))
    body = "".join(f"    {line}\n" for line in _gateway("allow-credentials: true").strip().splitlines())
    write(
        project,
        "cm.yaml",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  application-prod.yml: |\n{body}",
    )
    assert [(f[0], f[1]) for f in _found(".")] == [("OL304", "application.yml")]


def test_a_properties_file_runs_over_the_yaml_beside_it(project: Path) -> None:
    """Spring Boot loads `application.properties` and `application.yml` of one folder, the
    `.properties` over the YAML (hunt 5 #6: the YAML's credentials went unseen, OL302 medium)."""
    write(
        project,
        "application.yml",
        "management:\n  endpoints:\n    web:\n      cors:\n"
        '        allowed-origins: "https://admin.example.com"\n        allow-credentials: true\n',
    )
    write(
        project,
        "application.properties",
        "management.endpoints.web.cors.allowed-origin-patterns=https://*.example.com\n",
    )
    found = _found(".")
    assert [(code, name, line, column, severity) for code, name, line, column, severity, _ in found] == [
        ("OL302", "application.properties", 1, 55, "high")
    ]
    assert "(credentials from application.yml:6, kept by `application.properties`)" in found[0][5]
