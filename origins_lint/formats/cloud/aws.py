"""AWS services' CORS semantics, once, for every format that declares them (Terraform here;
CloudFormation, SAM, serverless and OpenAPI call the same functions).

A format reads the values (each origin with its location, credentials, methods, headers, max
age) into a ``Cors``; one function per service turns it into a ``CorsContext`` with the
service's matching rules as model data, and the ``InputProblem``s of what AWS refuses at
deploy time (OL002, "AWS refuses this at deploy time"), which also mark the context
``rejected``: a configuration AWS does not deploy admits nothing.

The services, with their sources:

- **S3** (`s3`): "The origin string can contain only one `*` wildcard character, such as
  `http://*.example.com`. You can optionally specify `*` as the origin to enable all the
  origins" (awsdocs/amazon-s3-userguide doc_source/ManageCorsUsing.md, "AllowedOrigin
  element"; API CORSRule: "can include only one wildcard character"). The `*` may stand
  anywhere and matches any text: `http*` admits every http and https origin (a rule AWS shows
  in the wild), `https://*example.com` admits `https://attackerexample.com`. S3 has no
  credentials setting, and it authenticates requests only by their signature (an
  `Authorization` header or a presigned query), never by a cookie: no ambient credential
  rides along with a cross-origin read, so every S3 context counts as without credentials
  (whatever `Access-Control-Allow-Credentials` S3 sends: the pages read here do not say).
  How S3 answers a match (`*` or the request's Origin) is not documented there either; it
  changes nothing here, as no credentialed read is at stake.
- **API Gateway v2 HTTP APIs** (`apigatewayv2`): `allowOrigins` takes `https://www.example.com`,
  `*` (all origins), `https://*` ("any origin that begins with https://") and `http://*`
  (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html); API Gateway
  refuses `*` together with `allowCredentials` when the API is created or updated. A `*`
  elsewhere in an item is not documented: it is read as any text, the broadest reading, so
  that a silence never rests on a guess. terraform-provider-aws
  internal/service/apigatewayv2/api.go keeps `allow_origins` as a case-insensitive set.
- **Lambda function URLs** (`lambda_url`): "You can list any number of specific origins ...
  Alternatively, you can grant access to all origins using the wildcard character (`*`)";
  `AllowCredentials` defaults to false; at most 100 origins of at most 253 characters;
  `MaxAge` 0 to 86400 (docs.aws.amazon.com/lambda/latest/api/API_Cors.html). Items over
  those bounds are refused by the API.
- **CloudFront response headers policies** (`cloudfront`): `AccessControlAllowOrigins.Items`
  is "a specific origin (such as `http://www.example.com`) or the wildcard character (`*`)";
  "the wildcard character (`*`) is allowed as the leftmost part of the domain
  (`*.example.org`)" and not in the top-level domain, to the right of a subdomain, nor inside
  a term (awsdocs/amazon-cloudfront-developer-guide doc_source/
  understanding-response-headers-policies.md, "CORS headers"). `AccessControlAllowCredentials`
  is required. With `OriginOverride` false, a CORS header the origin server sends wins over
  the policy's: the policy then says only what is sent when the origin sends none (said in
  the context's name, so `match` output names it).
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.cloud.service import (
    LEADING_LABEL,
    Cors,
    Item,
    Read,
    any_text,
    build_context,
    refused,
    star_refused_with_credentials,
)
from origins_lint.model import Compare, Engine, InputProblem, MatchMode, OriginMatcher, Setting
from origins_lint.origins import is_any, matcher_kind

REFUSED: Final = "AWS refuses this at deploy time"

# S3's `*` is any text, at most one per origin; comparison is not documented: ASCII case folded,
# the reading that admits the most (a linter that guesses must guess wide)
S3_ENGINE: Final = Engine(
    "aws-s3", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*", wildcards=1
)
APIGATEWAY_ENGINE: Final = Engine(
    "aws-apigatewayv2", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)
LAMBDA_URL_ENGINE: Final = Engine(
    "aws-lambda-url", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)
# CloudFront: `*` only as the leftmost label, standing for one or more labels is not said; read as
# any host text before the fixed part, the widest reading
CLOUDFRONT_ENGINE: Final = Engine(
    "aws-cloudfront", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label="[^/:@]+"
)


def s3(cors: Cors) -> Read:
    """An S3 CORS rule (`aws_s3_bucket_cors_configuration` `cors_rule`, `AWS::S3::Bucket`
    `CorsRules`): no credentials; at most one `*` per origin, anywhere, any text."""
    problems: list[InputProblem] = []
    matchers: list[OriginMatcher] = []
    scope = f"s3@{cors.location.line}:{cors.location.column}"
    for item in cors.origins:
        if item.text.count("*") > 1:
            problems.append(
                refused(
                    REFUSED,
                    f"S3 allows one `*` in an origin and `{item.text}` has {item.text.count('*')}",
                    item.location,
                )
            )
            continue
        matchers.append(any_text(item, S3_ENGINE, scope, "S3"))
    context = build_context(cors, matchers, Setting(False, cors.location, from_default=True), problems)
    return Read(context, problems)


def apigatewayv2(cors: Cors, key: str = "allow_origins") -> Read:
    """An HTTP API's `cors_configuration` / `CorsConfiguration`: `*` with credentials is refused.
    ``key`` is the origins' key as the format spells it (`AllowOrigins`, `allowOrigins`)."""
    return _listing(cors, APIGATEWAY_ENGINE, "API Gateway", key, star_refused=True)


def lambda_url(cors: Cors, key: str = "allow_origins") -> Read:
    """A Lambda function URL's `cors` / `Cors`: credentials default to false; at most 100 origins,
    253 characters each."""
    read = _listing(cors, LAMBDA_URL_ENGINE, "Lambda function URLs", key, star_refused=False)
    if len(cors.origins) > 100:
        read.problems.append(
            refused(
                REFUSED,
                f"a function URL allows 100 origins and this one lists {len(cors.origins)}",
                cors.location,
            )
        )
    for item in cors.origins:
        if len(item.text) > 253:
            reason = "a function URL origin is at most 253 characters"
            read.problems.append(refused(REFUSED, reason, item.location))
    if read.problems:
        read.context.rejected = read.problems[0].message
    return read


def cloudfront(cors: Cors, origin_override: Setting[bool] | None = None) -> Read:
    """A response headers policy's `cors_config` / `CorsConfig`: `*` alone, or as the leftmost label."""
    problems: list[InputProblem] = []
    matchers: list[OriginMatcher] = []
    scope = f"cloudfront@{cors.location.line}:{cors.location.column}"
    for item in cors.origins:
        text = item.text.strip()
        if "*" in text and not is_any(text) and LEADING_LABEL.fullmatch(text) is None:
            problems.append(
                refused(
                    REFUSED,
                    f"CloudFront allows `*` only alone or as the leftmost label (`https://*.example.org`), "
                    f"not as in `{item.text}`",
                    item.location,
                )
            )
            continue
        matchers.append(
            OriginMatcher(matcher_kind(text), item.text, item.location, CLOUDFRONT_ENGINE, scope=scope)
        )
    credentials = cors.credentials or Setting(False)
    context = build_context(cors, matchers, credentials, problems)
    if origin_override is not None and origin_override.value is False:
        context.name = (
            f"{cors.name or 'response headers policy'} (origin_override false: the origin server's "
            "own CORS headers win where it sends them)"
        )
    return Read(context, problems)


def _listing(cors: Cors, engine: Engine, service: str, key: str, *, star_refused: bool) -> Read:
    """API Gateway and Lambda URLs: `*`, exact origins, and `scheme://*` (any text after it)."""
    scope = f"{engine.name}@{cors.location.line}:{cors.location.column}"
    refusal = (
        f"{REFUSED}: {service} does not allow the origin `*` in `{key}` with credentials on; list the "
        "origins that may read credentialed responses"
    )
    matchers, problems = star_refused_with_credentials(
        cors, engine, scope, service, refusal if star_refused else None
    )
    return Read(build_context(cors, matchers, cors.credentials or Setting(False), problems), problems)


__all__ = [
    "APIGATEWAY_ENGINE",
    "CLOUDFRONT_ENGINE",
    "LAMBDA_URL_ENGINE",
    "REFUSED",
    "S3_ENGINE",
    "Cors",
    "Item",
    "Read",
    "apigatewayv2",
    "cloudfront",
    "lambda_url",
    "s3",
]
