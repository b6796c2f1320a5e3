"""Conformance: origins-lint answers as each engine answers, on cases taken from the engine's own tests.

Each `tests/conformance/<engine>/cases.yaml` holds configurations copied from (or written
to the letter of) an engine's unit tests, end-to-end tests or documentation, each with the
upstream citation (repository, file, test name, commit). For every origin a case names,
the file records what the engine does:

- `admitted`: the browser lets the page read the response, but not with credentials
  (the engine answers without `Access-Control-Allow-Credentials: true`, or answers `*`,
  which browsers refuse for credentialed requests);
- `admitted-with-credentials`: the engine echoes the origin with `Allow-Credentials: true`;
- `not-admitted`: the engine sends no `Access-Control-Allow-Origin` for it;
- `config-rejected`: the engine refuses the configuration (it fails to load or start,
  or its API or admission check refuses it), so nothing is admitted.

An Okta case may name another `scope` (`redirect`, `iframe_embed`): the answer is then
`admitted` or `not-admitted` for that use of the trusted origin. A `derived` note marks an
answer that the cited test does not state itself but the cited code decides (the test's
bare `localhost` written as a browser Origin, a bypass the code's regex admits); every
ingress-nginx answer, derived or not, is also checked against a real nginx serving the
controller's CORS block (`test_ingress_nginx_answers_hold_in_real_nginx`).

The test writes the configuration under its own file name, runs `origins-lint match` and
`origins-lint check` on it, and derives our answer: `config-rejected` when `check` says
the engine rejects it (OL002) and `match` admits nothing; otherwise what `match` says
(`unknown` when it exits 3). A case may also name finding codes `check` must report.

Where origins-lint still disagrees, the case is listed in `KNOWN_GAPS` with the diagnosis,
and the test asserts that it still disagrees: a fix fails that test until the entry is
removed, so the list only shrinks. Every disagreement is also in /work/notes/conformance.md
for the helpers who own the fix.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import run_cli

CONFORMANCE = Path(__file__).parent / "conformance"
# every engine with a `cases.yaml`: a format adds its folder, not a line here
ENGINES = tuple(sorted(path.parent.name for path in CONFORMANCE.glob("*/cases.yaml")))
ANSWERS = frozenset({"admitted", "admitted-with-credentials", "not-admitted", "config-rejected"})
MIN_CASES = 25


@dataclass(frozen=True)
class Case:
    engine: str
    config_id: str
    file: str
    config: str
    origin: str
    answer: str
    scope: str
    codes: tuple[str, ...]
    citation: dict[str, str]

    @property
    def id(self) -> str:
        scope = "" if self.scope == "cors" else f"@{self.scope}"
        return f"{self.engine}/{self.config_id}/{self.origin}{scope}"


def _load(engine: str) -> list[Case]:
    data: dict[str, Any] = YAML(typ="safe").load((CONFORMANCE / engine / "cases.yaml").read_text("utf-8"))
    upstream: dict[str, str] = data["upstream"]
    cases: list[Case] = []
    for entry in data["cases"]:
        citation = {**upstream, **entry["source"]}
        for check in entry["expect"]:
            cases.append(
                Case(
                    engine=engine,
                    config_id=entry["id"],
                    file=entry["file"],
                    config=entry["config"],
                    origin=check["origin"],
                    answer=check["answer"],
                    scope=check.get("scope", entry.get("scope", "cors")),
                    codes=tuple(check.get("codes", ())),
                    citation=citation,
                )
            )
    return cases


CASES = [case for engine in ENGINES for case in _load(engine)]

# Cases where origins-lint still answers differently from the engine: id -> diagnosis.
# The test asserts that each still disagrees; when a fix lands, remove the entry.
KNOWN_GAPS: dict[str, str] = {}  # none: the two Okta rejections are OL002 since i18-finish


def our_answer(case: Case, folder: Path) -> tuple[str, list[str]]:
    """What origins-lint says about the case's origin, and the codes `check` reports."""
    (folder / case.file).parent.mkdir(parents=True, exist_ok=True)
    (folder / case.file).write_text(case.config, encoding="utf-8")
    checked = run_cli("check", "--output-format", "json", case.file, cwd=folder)
    assert checked.exit_code in (0, 1), checked.stderr
    codes = checked.codes()
    matched = run_cli("match", "--output-format", "json", case.origin, case.file, cwd=folder)
    assert matched.exit_code in (0, 1, 3), matched.stderr
    if matched.exit_code == 3:
        said = "unknown"
    else:
        entries = [e for e in json.loads(matched.stdout)["entries"] if case.scope in e["scopes"]]
        if not entries:
            said = "not-admitted"
        elif case.scope != "cors":  # REDIRECT, IFRAME_EMBED (Okta): trusted or not, no credentials
            said = "admitted"
        elif any(e["credentials"] for e in entries):
            said = "admitted-with-credentials"
        else:
            said = "admitted"
    if "OL002" in codes:
        said = "config-rejected" if said == "not-admitted" else f"config-rejected, yet match says {said}"
    return said, codes


def disagreement(case: Case, folder: Path) -> str | None:
    said, codes = our_answer(case, folder)
    problems = []
    if said != case.answer:
        problems.append(f"engine: {case.answer}, origins-lint: {said}")
    missing = [code for code in case.codes if code not in codes]
    if missing:
        problems.append(f"check lacks {', '.join(missing)} (reported: {', '.join(codes) or 'nothing'})")
    return "; ".join(problems) or None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_engine_answer(case: Case, tmp_path: Path) -> None:
    found = disagreement(case, tmp_path)
    if case.id in KNOWN_GAPS:
        assert found is not None, f"{case.id} now agrees with the engine: remove it from KNOWN_GAPS"
    else:
        assert found is None, f"{found}\ncited: {case.citation}"


def test_cases_are_complete_and_cited() -> None:
    for engine in ENGINES:
        cases = [case for case in CASES if case.engine == engine]
        assert len(cases) >= MIN_CASES, f"{engine} has {len(cases)} cases"
    for case in CASES:
        assert case.answer in ANSWERS, case.id
        cited = case.citation
        assert (cited.get("repository") and cited.get("path")) or cited.get("url"), case.id
        assert case.citation.get("commit") or case.citation.get("stored"), case.id
        assert case.citation.get("test") or case.citation.get("section"), case.id
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids repeat"
    assert set(KNOWN_GAPS) <= set(ids), set(KNOWN_GAPS) - set(ids)


def test_readme_states_each_engine() -> None:
    """The README's table of matching semantics has a row for every engine the suite covers."""
    readme = (CONFORMANCE.parent.parent / "README.md").read_text("utf-8")
    header = (
        "| Engine | Exact entries | Case | Wildcard | Regex: flavour, anchoring "
        "| Credentials by default | What the engine rejects |"
    )
    assert header in readme
    table = readme.split(header, 1)[1].split("\n\n", 1)[0]
    names = {
        "ingress-nginx": "ingress-nginx",
        "istio": "Istio",
        "envoy": "Envoy",
        "traefik": "Traefik",
        "gateway-api": "Gateway API",
        "envoy-gateway": "Envoy Gateway",
        "contour": "Contour",
        "spring": "Spring",
        "okta": "Okta",
        "haproxy": "HAProxy",
        "aws-sam": "AWS SAM",
        "serverless": "Serverless Framework",
        "openapi-apigateway": "OpenAPI `x-amazon-apigateway-cors`",
        "aws-s3": "Amazon S3",
        "aws-apigatewayv2": "API Gateway HTTP API",
        "aws-lambda-url": "Lambda function URL",
        "aws-cloudfront": "CloudFront response headers policy",
        "azure-app-service": "Azure App Service",
        "azure-storage": "Azure Storage",
        "gcs": "Cloud Storage",
        "kong": "Kong",
        "apisix": "APISIX",
        "apache": "Apache httpd",
        "caddy": "Caddy",
    }
    for engine in ENGINES:
        assert f"\n| {names[engine]} |" in table, engine


def main(filters: list[str]) -> int:
    """Print every case where the importable `origins_lint` differs from the engine.

    Run it with another worktree's package: `cd /work/wt-X && PYTHONPATH=$PWD
    /work/venv/bin/python /work/wt-i18-conformance/tests/test_conformance.py [id-part ...]`.
    """
    import tempfile

    count = 0
    for case in CASES:
        if filters and not any(part in case.id for part in filters):
            continue
        with tempfile.TemporaryDirectory() as folder:
            found = disagreement(case, Path(folder))
        if found is not None:
            count += 1
            sys.stdout.write(f"{case.id}: {found}\n")
    sys.stdout.write(f"{count} disagreement(s)\n")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# ---------------------------------------------------------------------------------------------
# ingress-nginx answers checked against a real nginx.
#
# The controller side is ported line by line from kubernetes/ingress-nginx @ dbb11b92:
# internal/ingress/annotations/cors/main.go (Parse, corsOriginRegexValidator, corsOriginRegex),
# internal/ingress/annotations/parser (checkAnnotation, ValidateRegex with MaliciousRegex,
# ValidateBool, parseString/normalizeString, parseBool = strconv.ParseBool) and
# internal/ingress/controller/template/template.go (buildOriginRegex, buildCorsOriginRegex);
# the nginx side is the "CORS" block of rootfs/etc/nginx/template/nginx.tmpl served by the
# real nginx with headers-more. So every ingress-nginx answer in cases.yaml is what nginx sends.

INGRESS_PREFIX = "nginx.ingress.kubernetes.io/"
GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
ORIGIN_VALIDATOR = r"((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:[0-9]+)?,?)|null)+)|\*)?"
ORIGIN_ITEM = r"([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:[0-9]+)?|\*|null)?"


def _go_bool(value: str | None) -> bool | None:
    """strconv.ParseBool: None when the annotation is missing or not a Go boolean."""
    if value in GO_TRUE:
        return True
    if value in GO_FALSE:
        return False
    return None


def _controller_cors(annotations: dict[str, str]) -> tuple[bool, list[str], bool]:
    """(CorsEnabled, CorsAllowOrigin, CorsAllowCredentials) as cors.Parse computes them."""
    import re

    enabled = _go_bool(annotations.get(INGRESS_PREFIX + "enable-cors")) is True
    raw = annotations.get(INGRESS_PREFIX + "cors-allow-origin")
    origins: list[str]
    if raw is None:
        origins = ["*"]
    else:
        squeezed = raw.replace(" ", "")
        valid = raw == "" or (
            re.fullmatch(ORIGIN_VALIDATOR, squeezed) is not None and re.search("[\r\n]", squeezed) is None
        )
        normalized = "\n".join(line.strip() for line in raw.split("\n"))
        if not valid or normalized == "":
            origins = ["*"]
        else:
            origins = []
            for piece in normalized.split(","):
                item = piece.strip()
                if item == "*":
                    origins = ["*"]
                    break
                if item and re.fullmatch(ORIGIN_ITEM, item):
                    origins.append(item)
    credentials = _go_bool(annotations.get(INGRESS_PREFIX + "cors-allow-credentials"))
    return enabled, origins, credentials is not False


def _cors_block(origins: list[str], credentials: bool) -> str:
    """The "CORS" template define with buildCorsOriginRegex's output, for a GET request."""
    if not origins:
        return ""
    if origins == ["*"]:
        check = "set $http_origin *;\nset $cors 'true';"
    else:
        quoted = ["".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in item) for item in origins]
        parts = ["(" + item.replace("\\*", "[A-Za-z0-9\\-]+", 1) + ")" for item in quoted]
        check = f"if ($http_origin ~* ({'|'.join(parts)})$ ) {{ set $cors 'true'; }}"
    allow = "more_set_headers 'Access-Control-Allow-Credentials: true';" if credentials else ""
    return (
        f"{check}\n"
        'if ($cors = "true") {\n'
        "    more_set_headers 'Access-Control-Allow-Origin: $http_origin';\n"
        f"    {allow}\n"
        "    more_set_headers 'Access-Control-Allow-Methods: GET';\n"
        "}\n"
    )


def _nginx_answer(headers: dict[str, str], origin: str) -> str:
    sent = headers.get("access-control-allow-origin")
    if sent is None:
        return "not-admitted"
    if sent == "*":
        return "admitted"  # browsers refuse `*` for credentialed reads, whatever Allow-Credentials says
    assert sent == origin, (sent, origin)
    return (
        "admitted-with-credentials"
        if headers.get("access-control-allow-credentials") == "true"
        else "admitted"
    )


def test_ingress_nginx_answers_hold_in_real_nginx(tmp_path: Path) -> None:
    import socket
    import subprocess
    import time
    import urllib.request

    from tests.nginx_oracle import HEADERS_MORE, need_nginx

    nginx = need_nginx(headers_more=True)
    cases = [case for case in CASES if case.engine == "ingress-nginx"]
    configs = {case.config_id: case.config for case in cases}
    locations = []
    for config_id, text in configs.items():
        manifest: dict[str, Any] = YAML(typ="safe").load(text)
        enabled, origins, credentials = _controller_cors(manifest["metadata"]["annotations"])
        block = _cors_block(origins, credentials) if enabled else ""
        locations.append(f"location = /{config_id} {{\nset $cors '';\n{block}return 200 'ok';\n}}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"load_module {HEADERS_MORE};\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        "events {}\nhttp {\n"
        f"access_log off;\nclient_body_temp_path {tmp_path};\nproxy_temp_path {tmp_path};\n"
        f"fastcgi_temp_path {tmp_path};\nuwsgi_temp_path {tmp_path};\nscgi_temp_path {tmp_path};\n"
        f"server {{\nlisten 127.0.0.1:{port};\n{''.join(locations)}}}\n}}\n",
        encoding="utf-8",
    )
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
    subprocess.run(command, check=True, capture_output=True)
    try:
        for _ in range(100):  # nginx daemonises; wait until it listens
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        wrong = []
        for case in cases:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/{case.config_id}", headers={"Origin": case.origin}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                headers = {key.lower(): value for key, value in response.headers.items()}
            answer = _nginx_answer(headers, case.origin)
            if answer != case.answer:
                wrong.append(f"{case.id}: nginx {answer}, cases.yaml {case.answer}")
        assert not wrong, "\n".join(wrong)
    finally:
        subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)
