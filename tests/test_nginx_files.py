"""Every file nginx would load is checked, and `include` is resolved as nginx resolves it (issue 17).

nginx's own rules, from src/core/ngx_conf_file.c: `ngx_conf_include` passes the argument to
`ngx_conf_full_name(cycle, &file, 1)`, which joins a relative name to `cycle->conf_prefix`, the
folder of the main config (src/core/nginx.c, `ngx_process_options`), not to the including
file's; a name with `*?[` goes to glob(3) (src/os/unix/ngx_files.c, `ngx_open_glob`: flags 0,
so sorted; no match is no error), any other must exist. Debian's stock nginx.conf loads
`modules-enabled/*.conf`, `conf.d/*.conf` and `sites-enabled/*` by absolute paths.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from origins_lint.check import run_check
from origins_lint.config import Config
from origins_lint.formats import nginx
from origins_lint.formats.nginx import include as nginx_include
from origins_lint.formats.nginx.include import Resolver
from tests.conftest import FIXTURES, Run, check_json, run_cli, write
from tests.nginx_oracle import need_nginx

DEBIAN = FIXTURES / "nginx" / "files" / "debian-etc-nginx"

# what the Debian-like tree holds, file by file (path from the tree, code, line, column)
MAP_KEY = [  # the weak map key, credentialed through snippets/cors.conf in sites-enabled/example.com
    ("conf.d/cors-origins.conf", "OL302", 5, 6),
    ("conf.d/cors-origins.conf", "OL306", 5, 6),  # OL302 and OL306 carry the credentials: no OL405
]
CDN = [("sites-enabled/cdn.example.io", "OL304", 9, 13)]  # `add_header` split over three lines


def located(result: Run, tree: Path) -> list[tuple[str, str, int, int]]:
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted(
        (os.path.relpath(f["path"], tree), f["code"], f["line"], f["column"]) for f in result.findings
    )


def checked(*paths: Path) -> list[str]:
    """The files a check read, from the tree."""
    result = run_check([str(p) for p in paths], Config())
    return sorted(os.path.relpath(p, DEBIAN) for p in result.paths)


def test_debian_tree_is_read_in_full() -> None:
    assert checked(DEBIAN) == [
        "conf.d/cors-origins.conf",
        "fastcgi.conf",
        "modules-enabled/50-mod-http-headers-more-filter.conf",
        "nginx.conf",
        # sites-available/NOTES.md is not counted as checked (no format claims it), but it is
        # said to be unread (OL003 below), never skipped silently
        "sites-available/default",
        "sites-available/example.com",
        "sites-available/old.example.net",
        "sites-enabled/cdn.example.io",
        "sites-enabled/default",
        "sites-enabled/example.com",
        "snippets/cors.conf",
        "snippets/fastcgi-php.conf",
    ]
    result = check_json(DEBIAN)
    assert located(result, DEBIAN) == sorted(
        [
            *MAP_KEY,
            *CDN,
            ("sites-available/NOTES.md", "OL003", 1, 1),
            ("sites-available/old.example.net", "OL201", 6, 48),  # not enabled, but in the tree
        ]
    )
    assert not any("include cycle" in f["message"] for f in result.findings)
    notes = next(f for f in result.findings if f["code"] == "OL003")["message"]
    assert notes.startswith("`sites-available/` is a folder whose files nginx loads whatever their names")
    assert "first statement `Enable` is not an nginx directive" in notes


def test_debian_sites_enabled_alone_reads_every_site() -> None:
    """The folder named on the command line counts as an nginx folder; the symlinks into
    sites-available are followed; includes into the rest of /etc/nginx are said, not followed."""
    assert checked(DEBIAN / "sites-enabled") == [
        "sites-enabled/cdn.example.io",
        "sites-enabled/default",
        "sites-enabled/example.com",
    ]
    result = check_json(f"{DEBIAN}/sites-enabled/")
    assert located(result, DEBIAN) == sorted(
        [
            *CDN,
            ("sites-enabled/default", "OL004", 11, 9),
            ("sites-enabled/example.com", "OL004", 5, 9),
        ]
    )
    for finding in result.findings:
        if finding["code"] == "OL004":
            assert "is outside the folders being checked: not followed" in finding["message"]


def test_debian_nginx_conf_alone_reads_what_nginx_loads() -> None:
    """Only what nginx loads: not the sites that are not enabled, nor NOTES.md."""
    assert checked(DEBIAN / "nginx.conf") == ["nginx.conf"]
    assert located(check_json(DEBIAN / "nginx.conf"), DEBIAN) == sorted([*MAP_KEY, *CDN])


def test_the_tree_and_its_parts_agree_on_every_finding_they_share() -> None:
    whole = set(located(check_json(DEBIAN), DEBIAN))
    assert set(located(check_json(DEBIAN / "nginx.conf"), DEBIAN)) <= whole
    assert set(CDN) <= set(located(check_json(DEBIAN / "sites-enabled"), DEBIAN))


# --- includes ------------------------------------------------------------------


def test_stock_debian_includes_with_empty_folders_are_not_a_cycle(project: Path) -> None:
    """The old resolver tried `/etc/nginx/modules-enabled/*.conf` as its bare tail `*.conf`,
    which matched nginx.conf itself: "include cycle (nginx.conf -> nginx.conf)"."""
    write(
        project,
        "etc-nginx/nginx.conf",
        """
        include /etc/nginx/modules-enabled/*.conf;
        events {}
        http {
            include /etc/nginx/sites-enabled/*;
            server {
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;
            }
        }
        """,
    )
    (project / "etc-nginx" / "modules-enabled").mkdir()
    (project / "etc-nginx" / "sites-enabled").mkdir()
    result = check_json("etc-nginx")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL304", 6, 48)]


def test_relative_include_is_relative_to_the_main_config_folder(project: Path) -> None:
    """nginx joins `snippets/cors.conf` to the conf prefix (ngx_conf_full_name), so the copy
    next to the including file is not the one loaded."""
    write(project, "nginx.conf", "events {}\nhttp {\n    include sites/*.conf;\n}\n")
    write(project, "sites/app.conf", "server {\n    include snippets/cors.conf;\n}\n")
    write(
        project,
        "snippets/cors.conf",
        "add_header Access-Control-Allow-Origin $http_origin always;\nadd_header Vary Origin always;\n",
    )
    write(project, "sites/snippets/cors.conf", "add_header Access-Control-Allow-Origin * always;\n")
    result = check_json("nginx.conf")
    assert [(f["path"], f["code"], f["line"], f["column"]) for f in result.findings] == [
        (str(project / "snippets" / "cors.conf"), "OL304", 1, 40)
    ]


def test_glob_includes_are_sorted_as_glob3_sorts(project: Path) -> None:
    for name in ("b.conf", "a.conf", "B.conf", "10.conf", "9.conf", ".hidden.conf"):
        write(project, f"conf.d/{name}", "add_header X-A a;\n")
    write(project, "nginx.conf", "http { include conf.d/*.conf; }\n")
    resolver = Resolver(str(project / "nginx.conf"), (os.path.realpath(project),))
    files = resolver.resolve("conf.d/*.conf", str(project / "nginx.conf")).files
    assert [os.path.basename(f) for f in files] == ["10.conf", "9.conf", "B.conf", "a.conf", "b.conf"]


def test_absolute_glob_is_expanded_only_inside_the_checked_folders(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`include /*/*/*/*/*/*;` never walks `/`: each checked folder is matched against the
    pattern's leading components, and only what lies inside it is globbed."""
    depth = len([p for p in os.path.realpath(project).split("/") if p])
    tree = project.joinpath(*["t"] * max(1, 7 - depth))  # deeper than six components
    real = os.path.realpath(tree)
    depth = len([p for p in real.split("/") if p])
    write(
        tree, "nginx.conf", f"server {{\n    include {'/*' * (depth + 2)};\n    include /*/*/*/*/*/*;\n}}\n"
    )
    write(
        tree,
        "deep/risky",
        "add_header Access-Control-Allow-Origin $http_origin always;\nadd_header Vary Origin always;\n",
    )
    globbed: list[str] = []
    real_glob = glob.glob

    def recorded(pattern: str) -> list[str]:
        globbed.append(pattern)
        return real_glob(pattern)

    monkeypatch.setattr(nginx_include.glob, "glob", recorded)
    resolver = Resolver(str(tree / "nginx.conf"), (real,))
    everything = resolver.resolve("/*/*/*/*/*/*", real)
    assert everything.files == ()  # nothing inside the tree is six components deep
    assert everything.not_followed is not None and "outside the folders being checked" in (
        everything.not_followed
    )
    inside = resolver.resolve("/*" * (depth + 2), real)
    assert inside.files == (os.path.join(real, "deep", "risky"),)
    assert inside.not_followed is not None
    assert "expanded only inside the folders being checked" in inside.not_followed
    assert globbed and all(pattern.startswith(real + "/") for pattern in globbed)
    result = check_json(tree / "nginx.conf")
    assert result.at("OL304") == [(1, 40)]
    assert result.at("OL004") == [(2, 5), (3, 5)]


def test_includes_not_followed_are_said_at_the_include(project: Path) -> None:
    write(project, "outside.conf", "add_header Access-Control-Allow-Origin $http_origin always;\n")
    write(
        project,
        "tree/nginx.conf",
        """
        http {
            include mime.types;
            include /etc/nginx/conf.d/*.conf;
            include ../outside.conf;
            include /srv/elsewhere/cors.conf;
        }
        """,
    )
    result = check_json("tree")
    messages = {f["line"]: f["message"] for f in result.findings}
    assert result.at("OL004") == [(2, 5), (3, 5), (4, 5), (5, 5)]
    assert "`mime.types` is not in the checked tree (`mime.types` does not exist)" in messages[2]
    assert "matches nothing: its folder is not in the checked tree (`conf.d`)" in messages[3]
    assert "`../outside.conf` is outside the folders being checked" in messages[4]
    assert "`/srv/elsewhere/cors.conf` is outside the folders being checked" in messages[5]


def test_an_included_file_walked_too_is_reported_once(project: Path) -> None:
    write(project, "nginx.conf", "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n")
    write(
        project,
        "sites-enabled/shop.example.com",
        "server {\n    include snippets/missing.conf;\n"
        "    add_header Access-Control-Allow-Origin $http_origin always;\n"
        "    add_header Vary Origin always;\n}\n",
    )
    result = check_json(".")
    assert sorted((Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings) == [
        ("shop.example.com", "OL004", 2, 5),
        ("shop.example.com", "OL304", 3, 44),
    ]


# --- which files are nginx -----------------------------------------------------


def test_nginx_folder_given_on_the_command_line_reads_domain_named_files(project: Path) -> None:
    write(project, "etc/nginx/nginx.conf", "events {}\n")
    for name in ("example.com", "cdn.example.io", "api.example.org.conf.bak"):
        write(
            project,
            f"etc/nginx/sites-enabled/{name}",
            "server {\n    add_header Access-Control-Allow-Origin $http_origin always;\n}\n",
        )
    for given in ("etc/nginx/sites-enabled/", "etc/nginx/sites-enabled", "."):
        result = check_json(given)
        assert result.report["files_checked"] == (4 if given == "." else 3)
        assert result.at("OL304") == [(2, 44)] * 3
    assert check_json(".", cwd=project / "etc" / "nginx" / "sites-enabled").at("OL304") == [(2, 44)] * 3


@pytest.mark.parametrize(
    "text",
    [
        # a `return` body that holds Apache tags, an INI section, `;` and braces
        "server {\n    return 200 '<html>\n<VirtualHost *:80>\n[section]\n<p>{x};</p>\n</html>';\n}\n",
        # one directive over three lines
        "add_header\n    Access-Control-Allow-Origin\n    $http_origin always;\n",
        # comments that look like other formats
        "# <VirtualHost *:80>\n# [section]\n# key: value\nlocation /api/ {\n    proxy_pass http://api;\n}\n",
        # a `map` body kept in its own file
        '"https://app.example.com" 1;\n"~^https://(www\\.)?example\\.com$" 1;\n',
    ],
)
def test_content_detection_reads_statements_not_lines(text: str) -> None:
    assert nginx.detect("etc/nginx/sites-enabled/example.com", text)


@pytest.mark.parametrize(
    "text",
    [
        '<VirtualHost *:80>\n    ServerName example.com\n    Header set X-A "a;b"\n</VirtualHost>\n',
        "[program:web]\ncommand=/usr/bin/web ; a comment\n",
        "server:\n  port: 8080\n",
        "Enable a site with ln -s.\n",
    ],
)
def test_other_formats_in_nginx_folders_are_not_nginx(text: str) -> None:
    assert not nginx.detect("etc/nginx/sites-enabled/example.com", text)


def test_a_conf_outside_nginx_folders_needs_a_known_first_directive() -> None:
    assert nginx.detect("deploy/site.conf", "# split\nserver\n{\n    listen 80;\n}\n")
    assert not nginx.detect("deploy/supervisord.conf", "[supervisord]\nnodaemon=true\n")
    assert not nginx.detect("deploy/app.conf", "# only comments\n")


def test_unread_files_in_nginx_folders_are_said_even_with_skip_unknown(project: Path) -> None:
    write(project, "nginx.conf", "events {}\n")
    write(project, "conf.d/README", "These files are included by nginx.conf.\n")
    write(project, "sites-enabled/.example.com.swp", "binary-ish swap file\n")  # nginx's `*` skips it
    write(project, "elsewhere/site", "server { listen 80; }\n")
    os.symlink(project / "elsewhere" / "site", project / "sites-enabled" / "linked.example.com")
    os.symlink(project / "gone", project / "sites-enabled" / "dangling.example.com")
    for extra in ((), ("--skip-unknown",)):
        result = check_json("conf.d", "sites-enabled", extra=extra)
        found = sorted((Path(f["path"]).name, f["code"], f["message"]) for f in result.findings)
        assert [(name, code) for name, code, _ in found] == [
            ("README", "OL003"),
            ("dangling.example.com", "OL003"),
            ("linked.example.com", "OL003"),
        ]
        assert "first statement `These` is not an nginx directive" in found[0][2]
        assert "a symlink to `" in found[1][2] and "which does not exist" in found[1][2]
        assert "outside the folder being checked: not read" in found[2][2]


def test_apache_folders_of_the_same_names_are_not_claimed(project: Path) -> None:
    write(project, "apache2/apache2.conf", "ServerRoot /etc/apache2\n")
    write(
        project,
        "apache2/sites-available/000-default.conf",
        "<VirtualHost *:80>\n    ServerName example.com\n</VirtualHost>\n",
    )
    write(project, "apache2/conf.d/security", "ServerTokens Prod\n")
    result = check_json("apache2")
    assert result.exit_code == 0 and result.findings == []
    # issue 22: they are Apache's, read as Apache (tests/test_apache_format.py), never as nginx
    assert result.report["files_checked"] == 3


# --- what nginx refuses: OL001 at the line `nginx -t` names --------------------------


REJECTED = {
    # ngx_http_map_module.c, ngx_http_map: ngx_hash_add_key lowercases exact keys
    "map-duplicate-key": (
        'map $http_origin $cors {\n    default "";\n    "https://app.example.com" $http_origin;\n'
        '    "https://APP.example.com" $http_origin;\n}\n',
        'conflicting parameter "https://app.example.com"',
    ),
    "map-duplicate-default": (
        'map $http_origin $cors {\n    default "";\n    default $http_origin;\n}\n',
        "duplicate default map parameter",
    ),
    # ngx_conf_read_token: after a closing quote only a space, `;`, `{` or `)` may follow
    "broken-quote": (
        "server {\n    location / {\n        add_header 'Timing-Allow-Origin '*';\n"
        "        add_header Access-Control-Allow-Origin https://app.example.com always;\n    }\n}\n",
        'unexpected "*"',
    ),
    # ngx_http_headers_filter_module.c: add_header is NGX_CONF_TAKE23, the third only `always`
    "add-header-one-argument": (
        "server {\n    add_header Access-Control-Allow-Origin;\n}\n",
        'invalid number of arguments in "add_header" directive',
    ),
    "add-header-four-arguments": (
        "server {\n    add_header Access-Control-Allow-Origin https://a.example.com always always;\n}\n",
        'invalid number of arguments in "add_header" directive',
    ),
    "add-header-split-third-argument": (  # nginx names the line of the `;`
        "server {\n    add_header Access-Control-Allow-Origin\n        https://a.example.com\n"
        "        allways;\n}\n",
        'invalid parameter "allways"',
    ),
    # ngx_http_map_module.c: `map` is NGX_CONF_TAKE2; entries take two words
    "map-one-argument": (
        'map $http_origin {\n    default "";\n}\n',
        'invalid number of arguments in "map" directive',
    ),
    "map-entry-three-words": (
        'map $http_origin $cors {\n    default "";\n    "https://a.example.com" $http_origin always;\n}\n',
        "invalid number of the map parameters",
    ),
    # ngx_http_rewrite_module.c: ngx_http_rewrite_if_condition; `set` is NGX_CONF_TAKE2
    "if-three-operands": (
        "server {\n    if ($http_origin = a b) {\n        return 403;\n    }\n}\n",
        'invalid condition "$http_origin"',
    ),
    "if-unknown-operator": (
        'server {\n    if ($http_origin == "https://a.example.com") {\n        return 403;\n    }\n}\n',
        'unexpected "==" in condition',
    ),
    "if-without-parentheses": (
        "server {\n    if $http_origin {\n        return 403;\n    }\n}\n",
        'invalid condition "$http_origin"',
    ),
    "set-one-argument": ("server {\n    set $cors;\n}\n", 'invalid number of arguments in "set" directive'),
    "set-without-dollar": ("server {\n    set cors 1;\n}\n", 'invalid variable name "cors"'),
}

ACCEPTED = """\
map $http_origin $cors {
    hostnames;
    default "";
    "https://app.example.com" $http_origin;
    \\~literal-tilde 1;
    "~^https://[a-z]+\\.example\\.com$" $http_origin;
    "~*^https://(www\\.)?example\\.org$" $http_origin;
}
server {
    set $a "${cors}x";
    if (!-f $request_filename) {
        return 404;
    }
    location / {
        if ($http_origin ~* "^https://(a|b)\\.example\\.com$") {
            add_header Access-Control-Allow-Origin $http_origin always;
        }
        if ( $http_origin = "" ) {
            return 204;
        }
        if ($a) {
            add_header X-A 'a;{b}'
                always;
        }
        return 200 '<html>
{ "not": "a block" }
</html>';
    }
}
"""


def nginx_verdict(tmp_path: Path, text: str) -> tuple[int, str] | None:
    """(line, message) of what `nginx -t` refuses in ``text`` loaded from an http block, or None."""
    nginx = need_nginx()
    prefix = tmp_path / "nginx-prefix"
    (prefix / "logs").mkdir(parents=True)
    (prefix / "site.conf").write_text(text, encoding="utf-8")
    (prefix / "nginx.conf").write_text(
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\nevents {{}}\n"
        "http {\n    access_log off;\n    include site.conf;\n}\n",
        encoding="utf-8",
    )
    log = str(prefix / "logs" / "error.log")
    done = subprocess.run(
        [nginx, "-t", "-q", "-e", log, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode == 0:
        return None
    found = re.search(r"\[emerg\] (?:\d+#\d+: )?(.*) in (\S+):(\d+)$", done.stderr, re.MULTILINE)
    assert found is not None, done.stderr
    assert found.group(2).endswith("site.conf"), done.stderr
    return int(found.group(3)), found.group(1)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_what_nginx_rejects_is_ol001_at_the_line_nginx_names(
    project: Path, tmp_path: Path, name: str
) -> None:
    text, message = REJECTED[name]
    verdict = nginx_verdict(tmp_path, text)
    assert verdict is not None and message in verdict[1]
    write(project, "site.conf", text)
    result = check_json("site.conf")
    rejected = [f for f in result.findings if f["code"] == "OL001"]
    assert [f["line"] for f in rejected] == [verdict[0]]
    assert rejected[0]["severity"] == "high"
    assert rejected[0]["message"].startswith(f"nginx rejects this file ({message}")
    assert "Traceback" not in result.stdout + result.stderr


def test_what_nginx_accepts_is_not_ol001(project: Path, tmp_path: Path) -> None:
    assert nginx_verdict(tmp_path, ACCEPTED) is None
    write(project, "site.conf", ACCEPTED)
    assert "OL001" not in check_json("site.conf").codes()


def test_a_rejected_map_is_still_analysed(project: Path) -> None:
    """nginx refuses the file, and the report also shows what it would send once fixed."""
    text, _ = REJECTED["map-duplicate-key"]
    write(
        project,
        "site.conf",
        text + "server {\n    add_header Access-Control-Allow-Origin $cors always;\n"
        "    add_header Vary Origin always;\n}\n",
    )
    result = check_json("site.conf")
    assert result.at("OL001") == [(4, 6)]
    # the duplicate key is that OL001's alone (no OL103 besides, since s27b-fidelity); the first
    # key is still an entry
    assert "OL103" not in result.codes()
    matched = run_cli("match", "https://app.example.com", "site.conf", cwd=project)
    assert matched.exit_code == 0
    assert "site.conf:3:6: exact `https://app.example.com` admits it" in matched.stdout


def test_a_file_a_glob_include_finds_later_is_seen_through_the_cache(project: Path) -> None:
    """The result cache checks the texts of included files; a glob or a missing include depends
    on which files exist, so such a file is always checked again."""
    write(
        project, "nginx.conf", "events {}\nhttp {\n    include sites-enabled/*;\n    include extra.conf;\n}\n"
    )
    (project / "sites-enabled").mkdir()
    assert check_json("nginx.conf").at("OL304") == []
    write(
        project,
        "sites-enabled/shop.example.com",
        "server {\n    add_header Access-Control-Allow-Origin $http_origin always;\n"
        "    add_header Vary Origin always;\n}\n",
    )
    assert check_json("nginx.conf").at("OL304") == [(2, 44)]
    write(project, "extra.conf", "server {\n    add_header Access-Control-Allow-Origin * always;\n}\n")
    assert check_json("nginx.conf").at("OL301") == [(2, 44)]


def test_a_copy_with_debians_absolute_links_reads_its_own_files(project: Path) -> None:
    """Debian links `sites-enabled/default -> /etc/nginx/sites-available/default`; in a copy of
    the tree that means the copy's file, never the one of the machine running the check."""
    shutil.copytree(DEBIAN, project / "copy", symlinks=True)
    tree = project / "copy"
    for name in ("default", "example.com"):
        (tree / "sites-enabled" / name).unlink()
        os.symlink(f"/etc/nginx/sites-available/{name}", tree / "sites-enabled" / name)
    risky = (
        "    add_header Access-Control-Allow-Origin $http_origin always;\n"
        "    add_header Vary Origin always;\n"
    )
    default = (tree / "sites-available" / "default").read_text(encoding="utf-8")
    (tree / "sites-available" / "default").write_text(default.replace("    root ", risky + "    root ", 1))
    reflected = ("sites-enabled/default", "OL304", 4, 44)
    whole = located(check_json(tree), tree)
    assert whole == sorted(
        [
            *MAP_KEY,
            *CDN,
            reflected,
            ("sites-available/NOTES.md", "OL003", 1, 1),
            ("sites-available/old.example.net", "OL201", 6, 48),
        ]
    )
    assert located(check_json(tree / "nginx.conf"), tree) == sorted([*MAP_KEY, *CDN, reflected])
    assert located(check_json(tree / "sites-enabled"), tree) == sorted(
        [
            *CDN,
            reflected,
            ("sites-enabled/default", "OL004", 13, 9),
            ("sites-enabled/example.com", "OL004", 5, 9),
        ]
    )


def test_the_debian_tree_is_one_nginx_accepts(tmp_path: Path) -> None:
    """The fixture is a real config: relocated from /etc/nginx to a temporary prefix (its pid, log
    and module paths too), `nginx -t` accepts it, as origins-lint does (no OL001 above)."""
    nginx = need_nginx()
    tree = tmp_path / "etc-nginx"
    shutil.copytree(DEBIAN, tree, symlinks=True)
    (tree / "logs").mkdir()
    main = (tree / "nginx.conf").read_text(encoding="utf-8")
    main = re.sub(r"(?m)^pid .*$", f"pid {tree}/nginx.pid;", main.replace("/etc/nginx/", f"{tree}/"))
    main = re.sub(r"(?m)^error_log .*$", f"error_log {tree}/logs/error.log;", main)
    (tree / "nginx.conf").write_text(main.replace("/var/log/nginx/access.log", "off"), encoding="utf-8")
    module = Path("/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so")
    enabled = tree / "modules-enabled" / "50-mod-http-headers-more-filter.conf"
    enabled.write_text(f"load_module {module};\n" if module.exists() else "", encoding="utf-8")
    log = str(tree / "logs" / "error.log")
    done = subprocess.run(
        [nginx, "-t", "-q", "-e", log, "-p", str(tree), "-c", str(tree / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_long_leading_comment_does_not_hide_a_file_from_detection(project: Path) -> None:
    """Detection used to look at the first 64 KiB only: a longer comment at the top of a `.conf`
    made a walk skip the file in silence, and the echo below it with it."""
    write(
        project,
        "conf/site.conf",
        "# " + "padding " * 20_000 + "\nserver {\n    listen 80;\n"
        "    add_header Access-Control-Allow-Origin $http_origin always;\n"
        "    add_header Access-Control-Allow-Credentials true always;\n}\n",
    )
    result = check_json("conf")
    found = sorted((f["code"], f["line"], f["column"]) for f in result.findings)
    assert found == [("OL402", 4, 44), ("OL602", 4, 5)]
