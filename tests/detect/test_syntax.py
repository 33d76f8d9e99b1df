"""guard.detect.syntax: a generic candidate counts only as a constant literal assigned to a secret
name."""

from __future__ import annotations

import pytest

from guard.detect import syntax

SECRET = "x8#Kq2!pLz9w"


def _confirm(path: str, source: str, value: str = SECRET) -> bool | None:
    data = source.encode()
    start = data.index(value.encode())
    return syntax.confirm(path, data, start, start + len(value.encode()))


def _go(body: str) -> str:
    return f"package main\n\nfunc main() {{\n\t{body}\n}}\n"


def _java(member: str) -> str:
    return f"class App {{\n  {member}\n}}\n"


def _java_method(body: str) -> str:
    return _java(f"void run() {{\n    {body}\n  }}")


S = SECRET
# (path, source, candidate value) that a scanner should report.
CONFIRMED = [
    # Python
    ("app.py", f'password = "{S}"\n', S),
    ("app.py", f"class A:\n    def f(self):\n        self.secret_key: str = '{S}'\n", S),
    ("app.py", f'config["token"] = "{S}"\n', S),
    ("app.py", f'client = connect(host, api_key="{S}")\n', S),
    ("app.py", f'settings = {{"client_secret": "{S}", "debug": True}}\n', S),
    ("app.py", f'def login(user, pwd="{S}"):\n    pass\n', S),
    ("app.py", f'def login(user, token: str = "{S}"):\n    pass\n', S),
    ("app.py", f'user, token = "admin", "{S}"\n', S),
    ("app.py", f'API_KEY = ("{S}")\n', S),
    ("stubs.pyi", f'DB_PASSWORD: str = b"{S}"\n', S),
    # JavaScript
    ("app.js", f'const password = "{S}";\n', S),
    ("app.mjs", f"this.apiKey = '{S}';\n", S),
    ("app.cjs", f'module.exports = {{ secret: "{S}" }};\n', S),
    ("app.js", f'const cfg = {{ "apiKey": "{S}" }};\n', S),
    ("app.js", f'class Client {{ token = "{S}"; }}\n', S),
    ("app.js", f"const token = `{S}`;\n", S),
    ("app.js", f'function connect(token = "{S}") {{}}\n', S),
    ("app.js", f'process.env.DB_PASSWORD = "{S}";\n', S),
    ("login.jsx", f'const el = <Login password="{S}" />;\n', S),
    # TypeScript
    ("app.ts", f'const token: string = "{S}";\n', S),
    ("app.mts", f'class Client {{ private secret = "{S}"; }}\n', S),
    ("app.cts", f'enum Keys {{ ApiKey = "{S}" }}\n', S),
    ("app.ts", f'const accessKey = "{S}" as const;\n', S),
    ("app.ts", f'export const config = {{ password: "{S}" }};\n', S),
    ("login.tsx", f'const el = <Login password="{S}" />;\n', S),
    # Go
    ("main.go", _go(f'password := "{S}"'), S),
    ("main.go", f'package main\n\nconst apiKey = "{S}"\n', S),
    ("main.go", f"package main\n\nvar Secret string = `{S}`\n", S),
    ("main.go", f'package main\n\nvar (\n\tuser, token = "admin", "{S}"\n)\n', S),
    ("main.go", _go(f'cfg.Token = "{S}"'), S),
    ("main.go", _go(f'c := Config{{User: "admin", Password: "{S}"}}'), S),
    ("main.go", _go(f'm := map[string]string{{"api_key": "{S}"}}'), S),
    # Java
    ("App.java", _java(f'private static final String DB_PASSWORD = "{S}";'), S),
    ("App.java", _java_method(f'String token = "{S}";'), S),
    ("App.java", _java_method(f'this.secret = "{S}";'), S),
    ("App.java", _java(f'@Login(password = "{S}")\n  void run() {{}}'), S),
    # Ruby
    ("app.rb", f'password = "{S}"\n', S),
    ("app.rb", f"@secret = '{S}'\n", S),
    ("app.rb", f'opts = {{ token: "{S}" }}\n', S),
    ("app.rb", f'opts = {{ "api_key" => "{S}" }}\n', S),
    ("app.rb", f'opts = {{ :secret => "{S}" }}\n', S),
    ("app.rb", f'connect(host, api_key: "{S}")\n', S),
    ("app.rb", f'config.token = "{S}"\n', S),
    ("app.rb", f'def connect(token = "{S}")\nend\n', S),
    ("Rakefile", f'ENV["DB_PASSWORD"] = "{S}"\n', S),
    ("Gemfile", f'source "https://gems.example.org", token: "{S}"\n', S),
    # YAML
    ("application.yml", f"spring:\n  datasource:\n    password: {S}\n", S),
    ("config.yaml", f'api_key: "{S}"\n', S),
    ("config.yaml", f"auth:\n  token: '{S}'\n", S),
    ("config.yaml", f"creds: {{user: admin, token: {S}}}\n", S),
    ("config.yaml", f"users:\n  - name: admin\n    secret: {S}\n", S),
    ("config.yaml", f"db:\n  password: &pw {S}\n", S),
    # JSON
    ("config.json", f'{{"db": {{"host": "localhost", "password": "{S}"}}}}\n', S),
    ("config.json", f'{{"apiKey": "{S}"}}', S),
    # TOML
    ("config.toml", f'password = "{S}"\n', S),
    ("config.toml", f"\"api_key\" = '{S}'\n", S),
    ("config.toml", f'db.secret = """{S}"""\n', S),
    ("config.toml", f"[server]\nhost = \"x\"\ntoken = '''{S}'''\n", S),
    ("config.toml", f'creds = {{ user = "admin", secret_key = "{S}" }}\n', S),
    # Shell
    ("deploy.sh", f"DB_PASSWORD={S}\n", S),
    ("deploy.sh", f'export API_KEY="{S}"\n', S),
    ("deploy.bash", f"declare -r SECRET='{S}'\n", S),
    ("deploy.zsh", f"setup() {{\n  local token={S}\n}}\n", S),
    (".envrc", f'export GITHUB_TOKEN="{S}"\n', S),
    # dotenv
    (".env", f"USER=admin\nDB_PASSWORD={S}\n", S),
    (".env.production", f'API_KEY="{S}"\n', S),
    ("config/prod.env", f"CLIENT_SECRET='{S}'\n", S),
    (".env", "SECRET_KEY=x8Kq2&pLz9w;Tq\n", "x8Kq2&pLz9w;Tq"),  # dotenv values run to line end
    (".env", f"DB_PASSWORD = {S}\n", S),  # python-dotenv allows spaces around =
    (".env.local", f'export AUTH_TOKEN = "{S}"\n', S),
    (".env", f"ACCESS-KEY={S}\n", S),  # not a bash name, still a dotenv key
    # Dockerfile
    ("Dockerfile", f"FROM alpine\nENV DB_PASSWORD={S}\n", S),
    ("Dockerfile", f'FROM alpine\nENV USER=app API_KEY="{S}"\n', S),
    ("Dockerfile", f"FROM alpine\nENV SECRET {S}\n", S),
    ("build.dockerfile", f"ARG TOKEN={S}\nFROM alpine\n", S),
    ("Containerfile", f"FROM alpine\nENV PASSWORD='{S}'\n", S),
]

# The same languages, near misses: comments, calls, concatenation, non-secret names, interpolation,
# positional arguments, comparisons.
REJECTED = [
    # Python
    ("app.py", f'# password = "{S}"\n', S),
    ("app.py", "password = get_password()\n", "get_password()"),
    ("app.py", f'password = "{S}" + suffix\n', S),
    ("app.py", f'username = "{S}"\n', S),
    ("app.py", f'password = f"{S}{{suffix}}"\n', S + "{suffix}"),
    ("app.py", f'login("{S}")\n', S),
    ("app.py", f'password = derive("{S}")\n', S),
    ("app.py", f'if password == "{S}":\n    pass\n', S),
    ("app.py", f'def f():\n    """password = {S}"""\n', S),
    ("app.py", f'token, user = "admin", "{S}"\n', S),
    ("app.py", f'password = ("admin", "{S}")\n', S),
    # JavaScript
    ("app.js", f'// const password = "{S}";\n', S),
    ("app.js", f'/* apiKey: "{S}" */\n', S),
    ("app.js", "const password = getPassword();\n", "getPassword()"),
    ("app.js", f'const password = "{S}" + suffix;\n', S),
    ("app.js", f'const username = "{S}";\n', S),
    ("app.js", f"const token = `{S}${{suffix}}`;\n", S + "${suffix}"),
    ("app.js", f'login("{S}");\n', S),
    ("app.js", f'if (password === "{S}") {{}}\n', S),
    # TypeScript
    ("app.ts", f'let user: string = "{S}";\n', S),
    ("app.ts", f'enum Labels {{ Title = "{S}" }}\n', S),
    ("app.ts", f'type Creds = {{ password: "{S}" }};\n', S),
    ("app.ts", f'const token = getToken("{S}");\n', S),
    # Go
    ("main.go", _go(f'// password := "{S}"'), S),
    ("main.go", _go("password := getPassword()"), "getPassword()"),
    ("main.go", _go(f'password := "{S}" + suffix'), S),
    ("main.go", _go(f'username := "{S}"'), S),
    ("main.go", _go(f'password := fmt.Sprintf("{S}%s", x)'), S),
    ("main.go", _go(f'login("{S}")'), S),
    ("main.go", _go(f'c := Config{{Password: "admin", User: "{S}"}}'), S),
    # Java
    ("App.java", _java(f'// String password = "{S}";'), S),
    ("App.java", _java_method("String password = getPassword();"), "getPassword()"),
    ("App.java", _java_method(f'String password = "{S}" + suffix;'), S),
    ("App.java", _java_method(f'String username = "{S}";'), S),
    ("App.java", _java_method(f'login("{S}");'), S),
    ("App.java", _java_method(f'props.put("password", "{S}");'), S),
    # Ruby
    ("app.rb", f'# password = "{S}"\n', S),
    ("app.rb", "password = fetch_password(user)\n", "fetch_password(user)"),
    ("app.rb", f'password = "{S}" + suffix\n', S),
    ("app.rb", f'username = "{S}"\n', S),
    ("app.rb", f'password = "{S}#{{suffix}}"\n', S + "#{suffix}"),
    ("app.rb", f'login("{S}")\n', S),
    # YAML
    ("config.yaml", f"# password: {S}\n", S),
    ("config.yaml", f"username: {S}\n", S),
    ("config.yaml", f'description: "password: {S}"\n', S),
    ("config.yaml", f"password:\n  - {S}\n", S),
    # JSON
    ("config.json", f'{{"username": "{S}"}}\n', S),
    ("config.json", f'{{"list": ["password", "{S}"]}}\n', S),
    # TOML
    ("config.toml", f'# password = "{S}"\n', S),
    ("config.toml", f'username = "{S}"\n', S),
    ("config.toml", f'tokens = ["{S}"]\n', S),
    # Shell
    ("deploy.sh", f"# PASSWORD={S}\n", S),
    ("deploy.sh", "PASSWORD=$(get_password)\n", "$(get_password)"),
    ("deploy.sh", f'PASSWORD="{S}${{SUFFIX}}"\n', S + "${SUFFIX}"),
    ("deploy.sh", f'PASSWORD="{S}"\'tail\'\n', S),
    ("deploy.sh", f"USERNAME={S}\n", S),
    ("deploy.sh", f'echo "{S}"\n', S),
    ("deploy.sh", "SECRET_KEY=x8Kq2&pLz9w;Tq\n", "x8Kq2&pLz9w;Tq"),  # & ends a shell word
    # dotenv
    (".env", f"# TOKEN={S}\n", S),
    (".env", f"USERNAME={S}\n", S),
    (".env", f"USERNAME = {S}\n", S),
    (".env", f'PASSWORD="{S}${{SUFFIX}}"\n', S + "${SUFFIX}"),
    (".env", "PASSWORD=$(pass show db)\n", "$(pass show db)"),
    # Dockerfile
    ("Dockerfile", f"FROM alpine\n# ENV PASSWORD={S}\n", S),
    ("Dockerfile", f"FROM alpine\nENV USERNAME={S}\n", S),
    ("Dockerfile", f"FROM alpine\nRUN echo password={S}\n", S),
    ("Dockerfile", "FROM alpine\nENV TOKEN=${BUILD_TOKEN}\n", "${BUILD_TOKEN}"),
]


def _case_id(case: tuple[str, str, str]) -> str:
    path, source, _ = case
    return f"{path}:{source.strip().splitlines()[-1][:40]}"


@pytest.mark.parametrize("case", CONFIRMED, ids=_case_id)
def test_secret_assignment_is_confirmed(case: tuple[str, str, str]) -> None:
    path, source, value = case
    assert _confirm(path, source, value) is True


@pytest.mark.parametrize("case", REJECTED, ids=_case_id)
def test_near_miss_is_rejected(case: tuple[str, str, str]) -> None:
    path, source, value = case
    assert _confirm(path, source, value) is False


@pytest.mark.parametrize("path", ["notes.txt", "app.php", "settings.ini", "README", "x.jsonc"])
def test_unknown_file_type_has_no_verdict(path: str) -> None:
    assert _confirm(path, f'password = "{S}"\n') is None


def test_unquoted_toml_value_is_never_confirmed() -> None:
    assert _confirm("config.toml", f"password = {S}\n") is not True


@pytest.mark.parametrize(("path", "language"), [
    ("src/app.py", "python"), ("a.pyi", "python"), ("a.jsx", "javascript"),
    ("a.mjs", "javascript"), ("a.cts", "typescript"), ("a.tsx", "tsx"), ("a.go", "go"),
    ("A.java", "java"), ("Rakefile", "ruby"), ("Gemfile", "ruby"), ("a.YML", "yaml"),
    ("a.json", "json"), ("a.toml", "toml"), ("a.zsh", "bash"), (".envrc", "bash"),
    (".env", "bash"), (".env.local", "bash"), ("prod.env", "bash"),
    ("Dockerfile", "dockerfile"), ("api.dockerfile", "dockerfile"),
    ("Containerfile", "dockerfile"), ("Dockerfile.dev", "dockerfile"),
    ("a.jsonc", None), ("a.txt", None), ("Makefile", None), (".env.local.json", "json"),
])
def test_language_for(path: str, language: str | None) -> None:
    assert syntax.language_for(path) == language


@pytest.mark.parametrize(("path", "bare"), [
    (".env", True), (".env.production", True), ("prod.env", True), ("setup.cfg", True),
    ("app.ini", True), ("nginx.conf", True), ("app.properties", True), ("a.yaml", True),
    ("a.yml", True), (".npmrc", True), (".pypirc", True), (".netrc", True),
    ("Dockerfile", True), ("run.sh", True), ("a.toml", False), ("a.py", False),
    ("a.json", False), ("a.txt", False),
])
def test_bare_values_are_strings(path: str, bare: bool) -> None:
    assert syntax.bare_values_are_strings(path) is bare


def test_secret_name_matches_prefixed_and_dotted_keys() -> None:
    for key in ("DB_PASSWORD", '"apiKey"', "spring.datasource.password", "self.secret_key",
                "config['token']", "passwd", "AWS_ACCESS_KEY", "private-key", "credentials",
                "signingKey", "MASTER_KEY", "encryption_key", "authKey", "pwd"):
        assert syntax.SECRET_NAME.search(key), key
    for key in ("username", "host", "email", "port"):
        assert not syntax.SECRET_NAME.search(key), key


def test_bad_utf8_and_binary_do_not_raise() -> None:
    bad = b'password = "x8#Kq2\xff\xfe!pLz9w"\n\xc3\x28 token = "\x80\x81"\n'
    start = bad.index(b"x8#")
    assert syntax.confirm("app.py", bad, start, start + 14) in (True, False, None)
    blob = bytes(range(256)) * 64 + f'password = "{S}"'.encode() + b"\x00\xff" * 100
    start = blob.index(S.encode())
    for path in ("blob.py", "blob.js", "blob.yaml", "blob.sh", "Dockerfile", "blob.json"):
        assert syntax.confirm(path, blob, start, start + len(S)) in (True, False, None)


def test_spans_outside_the_data_are_rejected() -> None:
    data = f'password = "{S}"\n'.encode()
    assert syntax.confirm("app.py", data, 5, 5) is False
    assert syntax.confirm("app.py", data, 10, len(data) + 50) is False
    assert syntax.confirm("app.py", data, -3, 4) is False


def test_tree_is_reused_for_the_same_buffer() -> None:
    data = f'password = "{S}"\ntoken = "{S[::-1]}"\n'.encode()
    first = data.index(S.encode())
    assert syntax.confirm("app.py", data, first, first + len(S)) is True
    tree = syntax._LAST[2]
    second = data.index(S[::-1].encode())
    assert syntax.confirm("app.py", data, second, second + len(S)) is True
    assert syntax._LAST[2] is tree


def test_grammar_that_fails_to_load_gives_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(syntax._MODULES, "json", ("guard_no_such_grammar", "language"))
    monkeypatch.setattr(syntax, "_PARSERS", {})
    monkeypatch.setattr(syntax, "_BROKEN", set())
    monkeypatch.setattr(syntax, "_LAST", None)
    assert _confirm("config.json", f'{{"password": "{S}"}}') is None


@pytest.mark.parametrize("lang", sorted(syntax._GRAMMARS))
def test_every_node_type_named_exists_in_its_grammar(lang: str) -> None:
    # A grammar upgrade that renames a node would silently turn confirmations into rejections.
    language = syntax._parser(lang).language
    g = syntax._GRAMMARS[lang]
    kinds = g.strings | g.dynamic | g.wrappers | g.lists | set(g.pairs)
    assert not {kind for kind in kinds if not language.id_for_node_kind(kind, True)}


def test_importing_the_module_does_not_import_tree_sitter() -> None:
    import subprocess
    import sys

    code = "import sys, guard.detect.syntax; print('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
