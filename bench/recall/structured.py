"""``structured`` (XML, Kubernetes Secrets, JWKs, connection strings, URLs, SQL, Makefiles,
Bundler) and ``cli-header`` (credentials on command lines and in HTTP headers, in scripts, CI
files, Dockerfiles, READMEs and shell histories) cases, with their near misses."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Callable

from recall.core import ALNUM, B64URL, MARK, Corpus, Values

Draw = Callable[[Values], str]
M = MARK


def _pw(v: Values) -> str:
    return v.pick([v.strong_password(), v.mixed(ALNUM, 24), v.strong_password(16, 20)])


def _k8s_b64(v: Values) -> str:
    return base64.b64encode(v.strong_password().encode()).decode()


def _jwk_member(v: Values) -> str:
    return v.b64_bytes(v.pick([32, 128, 256]), urlsafe=True, pad=False)


def _sas_sig(v: Values) -> str:
    return urllib.parse.quote(v.b64_bytes(32), safe="")


def _basic(v: Values) -> str:
    return base64.b64encode(f"{v.user()}:{v.strong_password()}".encode()).decode()


# (kind, filename, template, draw). Values here have no provider format of their own (GitHub's
# and npm's tokens before their prefixes: 40 hex, a UUID), so that a case is found by where it
# sits, not by what it looks like.
STRUCTURED: tuple[tuple[str, str, str, Draw], ...] = (
    ("maven-settings", "settings.xml",
     "<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n"
     "      <username>deploy</username>\n      <password>" + M + "</password>\n    </server>\n"
     "  </servers>\n</settings>", _pw),
    ("jenkins-credentials", "credentials.xml",
     "<list>\n  <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>\n"
     "    <id>deploy-token</id>\n    <secret>" + M + "</secret>\n"
     "  </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>\n</list>",
     lambda v: v.mixed(ALNUM, 32)),
    ("nuget-cleartext", "NuGet.config", "<configuration>\n  <packageSourceCredentials>\n"
     "    <acme>\n      <add key=\"Username\" value=\"ci\" />\n"
     "      <add key=\"ClearTextPassword\" value=\"" + M + "\" />\n    </acme>\n"
     "  </packageSourceCredentials>\n</configuration>", _pw),
    ("xml-attribute", "web.config", "<configuration>\n  <appSettings>\n"
     "    <add key=\"ApiSecret\" value=\"" + M + "\" />\n  </appSettings>\n</configuration>", _pw),
    ("xml-element", "conf/datasource.xml", "<datasource>\n  <user>app</user>\n  <password>" + M
     + "</password>\n</datasource>", _pw),
    ("xml-connection-attr", "config/hibernate.cfg.xml", "<hibernate-configuration>\n"
     "  <property name=\"connection.password\">" + M + "</property>\n</hibernate-configuration>",
     _pw),
    ("k8s-secret-data", "k8s/db-secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n"
     "  name: db-credentials\ntype: Opaque\ndata:\n  username: YXBw\n  password: " + M, _k8s_b64),
    ("k8s-secret-stringdata", "k8s/api-secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n"
     "  name: api\nstringData:\n  API_TOKEN: " + M, lambda v: v.mixed(ALNUM, 40)),
    ("jwk-private-d", "keys/signing.jwk", '{"kty": "EC", "crv": "P-256", "kid": "sig-1",\n'
     ' "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",\n "d": "' + M + '"}',
     lambda v: v.b64_bytes(32, urlsafe=True, pad=False)),
    ("jwk-private-p", "config/jwks.json", '{"keys": [{"kty": "RSA", "kid": "2024-05",\n'
     '  "e": "AQAB",\n  "p": "' + M + '"}]}', _jwk_member),
    ("jwk-private-q", "jwks/private.json", '{\n  "kty": "RSA",\n  "use": "sig",\n  "q": "' + M
     + '"\n}', _jwk_member),
    ("jdbc-query", "src/main/resources/db.properties",
     "db.url=jdbc:postgresql://db.internal:5432/orders?user=app&password=" + M, _pw),
    ("jdbc-sqlserver", "conf/app.conf",
     "url = \"jdbc:sqlserver://sql01.corp.lan:1433;databaseName=crm;user=crm;password=" + M + "\"",
     _pw),
    ("ado-pwd", "appsettings.json", '{\n  "ConnectionStrings": {\n    "Main": "Server=tcp:acme.'
     'database.windows.net,1433;Database=orders;User ID=app;Pwd=' + M + ';Encrypt=True;"\n  }\n}',
     _pw),
    ("odbc-password", "odbc.ini", "[orders]\nDriver=ODBC Driver 18 for SQL Server\n"
     "ConnectionString=Server=sql01;Uid=report;Password=" + M + ";", _pw),
    ("url-token-param", "scripts/export.sh",
     "curl -s \"https://api.acme-corp.net/v2/export?format=csv&token=" + M + "\" > out.csv",
     lambda v: v.mixed(ALNUM, 40)),
    ("azure-sas-sig", "deploy/blob.env", "BACKUP_URL=https://backupsweu.blob.core.windows.net/db/"
     "dump.gz?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&spr=https&sig=" + M, _sas_sig),
    ("url-apikey-param", "docs/integration.md", "Webhook: `https://hooks.acme-corp.net/in?"
     "api_key=" + M + "`", lambda v: v.mixed(ALNUM, 32)),
    ("sql-identified-by", "db/migrations/004_users.sql",
     "CREATE USER 'reporting'@'%' IDENTIFIED BY '" + M
     + "';\nGRANT SELECT ON crm.* TO 'reporting'@'%';",
     _pw),
    ("sql-alter-user", "db/init.sql", "ALTER USER app_rw IDENTIFIED BY \"" + M + "\";", _pw),
    ("sql-role-password", "db/roles.sql", "CREATE ROLE etl WITH LOGIN PASSWORD '" + M + "';", _pw),
    ("make-eq", "Makefile", "REGISTRY = ghcr.io/acme\nREGISTRY_PASSWORD = " + M
     + "\n\nlogin:\n\tdocker login $(REGISTRY)", _pw),
    ("make-colon-eq", "Makefile", "DB_PASSWORD := " + M + "\nmigrate:\n\t./migrate up", _pw),
    ("make-double-colon-eq", "build/Makefile", "API_TOKEN ::= " + M + "\n", lambda v: v.mixed(
        ALNUM, 32)),
    ("make-triple-colon-eq", "GNUmakefile", "SECRET_KEY :::= " + M + "\n", _pw),
    ("make-question-eq", "Makefile", "export DEPLOY_TOKEN ?= " + M + "\n\ndeploy:\n\t./deploy.sh",
     lambda v: v.mixed(ALNUM, 32)),
    ("make-plus-eq", "rules.mk", "CURL_FLAGS += --user ci:" + M + "\n", _pw),
    ("bundler-config", ".bundle/config", "---\nBUNDLE_GEMS__CONTRIBSYS__COM: \"5c1b9e2a:" + M
     + "\"\n", lambda v: v.hex(8)),
    ("bundler-env", ".env", "BUNDLE_RUBYGEMS__PKG__GITHUB__COM=ci-bot:" + M,
     lambda v: v.hex(40)),
    ("url-userinfo", "config/cache.yml", "redis_url: redis://:" + M + "@cache.internal:6379/0",
     _pw),
    ("url-userinfo-amqp", "docker-compose.yml", "services:\n  worker:\n    environment:\n"
     "      - BROKER_URL=amqp://orders:" + M + "@rabbitmq:5672/", _pw),
    ("mongodb-srv", "src/db.ts", "const uri = 'mongodb+srv://app:" + M
     + "@cluster0.x1y2z.mongodb.net/orders?retryWrites=true';", _pw),
    ("netrc", ".netrc", "machine git.acme-corp.net\n  login ci-bot\n  password " + M, _pw),
    ("pypirc", ".pypirc", "[distutils]\nindex-servers = internal\n\n[internal]\n"
     "repository = https://pkgs.acme-corp.net/simple\nusername = uploader\npassword = " + M, _pw),
    ("my-cnf", ".my.cnf", "[client]\nuser=backup\npassword=" + M + "\nhost=db.internal", _pw),
    ("docker-config-auth", ".docker/config.json", '{\n  "auths": {\n    "registry.acme-corp.net": '
     '{\n      "auth": "' + M + '"\n    }\n  }\n}', _basic),
    ("spring-xml-property", "src/main/resources/applicationContext.xml",
     "<bean id=\"dataSource\" class=\"org.apache.commons.dbcp2.BasicDataSource\">\n"
     "  <property name=\"username\" value=\"orders\"/>\n"
     "  <property name=\"password\" value=\"" + M + "\"/>\n</bean>", _pw),
    ("tomcat-resource", "conf/context.xml", "<Context>\n  <Resource name=\"jdbc/orders\" "
     "auth=\"Container\" type=\"javax.sql.DataSource\"\n            username=\"orders\" "
     "password=\"" + M + "\"\n            url=\"jdbc:postgresql://db:5432/orders\"/>\n"
     "</Context>", _pw),
    ("pgpass", ".pgpass", "db.internal:5432:orders:app:" + M, _pw),
    ("ansible-inventory", "inventory/hosts.ini", "[db]\n10.20.4.17 ansible_user=admin "
     "ansible_password=" + M, _pw),
    ("git-credentials", ".git-credentials", "https://ci-bot:" + M + "@github.com",
     lambda v: v.hex(40)),
    ("pip-conf-index", "pip.conf", "[global]\nindex-url = https://uploader:" + M
     + "@pkgs.acme-corp.net/simple", _pw),
    ("wpa-psk", "wpa_supplicant.conf", "network={\n    ssid=\"acme-office\"\n    psk=\"" + M
     + "\"\n}", _pw),
    ("s3cfg", ".s3cfg", "[default]\naccess_key = AKIA" + "Q3FJ7MZK2WXPLN4R\nsecret_key = " + M,
     lambda v: v.aws_secret()),
    ("aws-credentials", ".aws/credentials", "[deploy]\naws_access_key_id = AKIAW4ZKQ7NRX2PM5TLC\n"
     "aws_secret_access_key = " + M, lambda v: v.aws_secret()),
    ("helm-values-nested", "charts/orders/values.yaml", "postgresql:\n  auth:\n    username: "
     "orders\n    password: " + M + "\n    database: orders", _pw),
    ("tfvars", "terraform.tfvars", "region      = \"eu-west-1\"\ndb_password = \"" + M + "\"",
     _pw),
    ("npmrc-password", ".npmrc", "//npm.acme-corp.net/:username=ci\n//npm.acme-corp.net/:_password="
     + M + "\n", lambda v: base64.b64encode(v.strong_password().encode()).decode()),
)
STRUCTURED_NEAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("benign-reference", "maven-settings", "settings.xml",
     "<server>\n  <id>nexus</id>\n  <password>" + M + "</password>\n</server>",
     "${env.NEXUS_PASSWORD}"),
    ("benign-encrypted", "maven-encrypted", "settings.xml",
     "<server>\n  <id>nexus</id>\n  <password>" + M + "</password>\n</server>",
     "{COQLCE6DU6GtcS5P=}"),
    ("benign-reference", "nuget-env", "NuGet.config",
     "<add key=\"ClearTextPassword\" value=\"" + M + "\" />", "%NUGET_PASSWORD%"),
    ("benign-placeholder", "xml-empty", "conf/datasource.xml", "<password>" + M + "</password>",
     ""),
    ("benign-reference", "k8s-secretkeyref", "k8s/deploy.yaml",
     "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: " + M
     + "\n        key: password", "db-credentials"),
    ("benign-encrypted", "sealed-secret", "k8s/sealed.yaml",
     "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n"
     "    password: " + M, "sealed"),
    ("benign-public", "jwk-public", "keys/signing.pub.jwk",
     '{"kty": "EC", "crv": "P-256", "kid": "sig-1",\n "x": "' + M + '",\n "y": "pub"}', "jwkx"),
    ("benign-reference", "jdbc-ref", "src/main/resources/db.properties",
     "db.url=jdbc:postgresql://db.internal:5432/orders?user=app&password=" + M, "${DB_PASSWORD}"),
    ("benign-identifier", "ado-integrated", "appsettings.json",
     '"Main": "Server=sql01;Database=orders;' + M + ';"', "Trusted_Connection=True"),
    ("benign-placeholder", "url-template", "docs/integration.md",
     "GET https://api.acme-corp.net/v2/export?token=" + M, "{token}"),
    ("benign-placeholder", "sas-placeholder", "docs/backup.md",
     "https://backupsweu.blob.core.windows.net/db/dump.gz?sv=2022-11-02&sp=r&sig=" + M,
     "<signature>"),
    ("benign-reference", "sql-bind", "db/init.sql", "ALTER USER app_rw IDENTIFIED BY " + M + ";",
     ":new_password"),
    ("benign-identifier", "sql-auth-socket", "db/init.sql", "CREATE USER 'ops'@'localhost' "
     "IDENTIFIED WITH " + M + ";", "auth_socket"),
    ("benign-reference", "make-shell", "Makefile", "DB_PASSWORD ?= " + M,
     "$(shell cat .secrets/db)"),
    ("benign-reference", "make-var", "Makefile", "login:\n\tdocker login -p " + M + " ghcr.io",
     "$(REGISTRY_PASSWORD)"),
    ("benign-reference", "bundler-ref", ".bundle/config", "BUNDLE_GEMS__CONTRIBSYS__COM: " + M,
     "\"${SIDEKIQ_PRO_CREDENTIALS}\""),
    ("benign-identifier", "url-no-password", "config/cache.yml", "redis_url: " + M,
     "redis://cache.internal:6379/0"),
    ("benign-reference", "spring-xml-ref", "src/main/resources/applicationContext.xml",
     "<property name=\"password\" value=\"" + M + "\"/>", "${db.password}"),
    ("benign-reference", "tomcat-ref", "conf/context.xml", "<Resource name=\"jdbc/orders\" "
     "username=\"orders\" password=\"" + M + "\"/>", "${DB_PASSWORD}"),
    ("benign-reference", "aws-credential-process", ".aws/config", "[profile deploy]\n"
     "credential_process = " + M, "aws-vault exec deploy --json"),
    ("benign-reference", "helm-existing-secret", "charts/orders/values.yaml",
     "postgresql:\n  auth:\n    existingSecret: " + M + "\n    password: \"\"", "orders-db"),
    ("benign-reference", "ansible-inventory-ref", "inventory/hosts.ini",
     "[db]\n10.20.4.17 ansible_user=admin ansible_password=" + M, "\"{{ vault_db_pass }}\""),
    ("benign-reference", "url-env-password", "docker-compose.yml",
     "      - BROKER_URL=amqp://orders:" + M + "@rabbitmq:5672/", "${RABBIT_PASSWORD}"),
)


def _near_value(v: Values, value: str) -> str:
    if value == "sealed":
        return "Ag" + v.b64_bytes(300)
    if value == "jwkx":
        return v.b64_bytes(32, urlsafe=True, pad=False)
    return value


def structured(corpus: Corpus, v: Values) -> None:
    for _ in range(5):
        for kind, filename, template, draw in STRUCTURED:
            corpus.secret("structured", kind, filename, template, draw(v))
    for _ in range(3):
        for cls, kind, filename, template, value in STRUCTURED_NEAR:
            corpus.benign(cls, "structured", kind, filename, template, _near_value(v, value))


# --- cli-header ----------------------------------------------------------------------------------

CLI_FILES = ("scripts/deploy.sh", ".bash_history", ".zsh_history", ".gitlab-ci.yml",
             ".github/workflows/release.yml", "Dockerfile", "README.md", "Jenkinsfile",
             "bitbucket-pipelines.yml", ".circleci/config.yml")


def _wrap(filename: str, command: str) -> str:
    """``command`` as it sits in ``filename``."""
    if filename.endswith("history"):
        return "ls -la\ncd ~/work/orders\n" + command + "\ngit status\n"
    if filename == "Dockerfile":
        return "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN " + command + "\n"
    if filename == "README.md":
        return "## Smoke test\n\n```sh\n" + command + "\n```\n"
    if filename == "Jenkinsfile":
        return "pipeline {\n  agent any\n  stages {\n    stage('deploy') {\n      steps {\n" \
               "        sh '''" + command + "'''\n      }\n    }\n  }\n}\n"
    if filename.endswith((".yml", ".yaml")):
        return "deploy:\n  stage: deploy\n  script:\n    - " + command + "\n"
    return "#!/usr/bin/env bash\nset -euo pipefail\n" + command + "\n"


CLI: tuple[tuple[str, str, Draw], ...] = (
    ("curl-u", "curl -u deploy:" + M + " https://nexus.acme-corp.net/service/rest/v1/status", _pw),
    ("curl-user", "curl --user \"admin:" + M + "\" -X POST https://jenkins.acme-corp.net/reload",
     _pw),
    ("curl-bearer", "curl -H \"Authorization: Bearer " + M + "\" https://api.acme-corp.net/v1/me",
     lambda v: v.mixed(B64URL, 40)),
    ("curl-basic", "curl -H 'Authorization: Basic " + M + "' https://registry.acme-corp.net/v2/",
     _basic),
    ("curl-api-key-header", "curl -H \"X-Api-Key: " + M + "\" https://api.acme-corp.net/report",
     lambda v: v.mixed(ALNUM, 32)),
    ("mysql-p", "mysql -u root -p" + M + " -h db.internal orders < dump.sql", _pw),
    ("mysqldump-password", "mysqldump --password=" + M + " -u backup crm > crm.sql", _pw),
    ("pgpassword", "PGPASSWORD=" + M + " psql -h db.internal -U app orders", _pw),
    ("openssl-passin", "openssl rsa -in server.key -passin pass:" + M + " -out server.pem", _pw),
    ("openssl-passout", "openssl pkcs12 -export -in cert.pem -inkey key.pem -passout pass:" + M
     + " -out bundle.p12", _pw),
    ("sshpass", "sshpass -p '" + M + "' ssh deploy@10.20.4.17 'sudo systemctl restart app'", _pw),
    ("docker-login", "docker login -u ci --password " + M + " registry.acme-corp.net",
     lambda v: v.mixed(ALNUM, 32)),
    ("docker-login-p", "docker login registry.acme-corp.net -u ci -p " + M, _pw),
    ("helm-set", "helm upgrade --install orders ./chart --set postgresql.auth.password=" + M, _pw),
    ("kubectl-literal", "kubectl create secret generic db --from-literal=password=" + M, _pw),
    ("wget-password", "wget --user=ci --password=" + M + " https://files.acme-corp.net/b.tgz", _pw),
    ("git-clone-token", "git clone https://oauth2:" + M + "@gitlab.acme-corp.net/ops/infra.git",
     lambda v: v.mixed(B64URL, 20)),
    ("redis-cli-a", "redis-cli -h cache.internal -a " + M + " FLUSHDB", _pw),
    ("az-login", "az login --service-principal -u 0f9d2c1e-app -p " + M + " --tenant acme", _pw),
    ("mongo-password", "mongosh --username admin --password " + M + " mongodb://db:27017", _pw),
    ("ansible-extra-var",
     "ansible-playbook site.yml -e \"ansible_become_password=" + M + "\"", _pw),
    ("httpie-auth", "http -a admin:" + M + " POST https://api.acme-corp.net/rebuild", _pw),
    ("php-curlopt", "curl_setopt($ch, CURLOPT_PASSWORD, '" + M + "');", _pw),
    ("php-curlopt-userpwd", "curl_setopt($ch, CURLOPT_USERPWD, 'api:" + M + "');", _pw),
    ("gh-auth-token", "echo " + M + " | gh auth login --with-token",
     lambda v: v.hex(40)),
    ("github-token-header", "curl -H \"Authorization: token " + M
     + "\" https://api.github.com/user", lambda v: v.hex(40)),
    ("gitlab-private-token", "curl --header \"PRIVATE-TOKEN: " + M
     + "\" https://gitlab.acme-corp.net/api/v4/projects", lambda v: v.mixed(B64URL, 20)),
    ("x-auth-token", "curl -H 'X-Auth-Token: " + M + "' https://api.acme-corp.net/v1/jobs",
     lambda v: v.mixed(ALNUM, 32)),
    ("wget-header", "wget --header=\"Authorization: Bearer " + M + "\" https://files/b.tgz",
     lambda v: v.mixed(B64URL, 40)),
    ("aws-configure", "aws configure set aws_secret_access_key " + M + " --profile deploy",
     lambda v: v.aws_secret()),
    ("az-storage-key", "az storage blob upload -f dump.gz -c db --account-name backupsweu "
     "--account-key " + M, lambda v: v.b64_bytes(64)),
    ("mysql-password-long", "mysql --user=report --password=" + M + " crm -e 'select 1'", _pw),
    ("ldapsearch-w", "ldapsearch -x -D cn=admin,dc=acme,dc=net -w " + M + " -b dc=acme,dc=net",
     _pw),
    ("smbclient-u", "smbclient //fs01/share -U backup%" + M, _pw),
    ("psql-url", "psql \"postgresql://app:" + M + "@db.internal:5432/orders\" -c 'select 1'", _pw),
    ("npm-config-token", "npm config set //npm.acme-corp.net/:_authToken " + M,
     lambda v: v.uuid4()),
    ("powershell-bearer", "Invoke-RestMethod -Uri $u -Headers @{Authorization = \"Bearer " + M
     + "\"}", lambda v: v.mixed(B64URL, 40)),
)
PHP_ONLY = ("php-curlopt", "php-curlopt-userpwd")
PS_ONLY = ("powershell-bearer",)
CLI_NEAR: tuple[tuple[str, str, str, str], ...] = (
    ("benign-reference", "curl-u-env", "curl -u \"$DEPLOY_USER:" + M + "\" https://nexus/x",
     "$DEPLOY_PASSWORD"),
    ("benign-reference", "curl-u-secrets", "curl -u deploy:" + M + " https://nexus/x",
     "${{ secrets.DEPLOY_PW }}"),
    ("benign-reference", "curl-bearer-env", "curl -H \"Authorization: Bearer " + M + "\" https://a",
     "$API_TOKEN"),
    ("benign-placeholder", "curl-bearer-placeholder",
     "curl -H \"Authorization: Bearer " + M + "\" https://api.acme-corp.net/v1/me", "<token>"),
    ("benign-placeholder", "curl-basic-placeholder",
     "curl -H 'Authorization: Basic " + M + "' https://registry/v2/", "<base64(user:password)>"),
    ("benign-identifier", "mysql-prompt", "mysql -u root " + M + " -h db.internal", "-p"),
    ("benign-identifier", "docker-stdin", "echo \"$CI_TOKEN\" | docker login " + M
     + " -u ci registry.acme-corp.net", "--password-stdin"),
    ("benign-identifier", "sshpass-env", "sshpass " + M + " ssh deploy@10.20.4.17", "-e"),
    ("benign-reference", "openssl-env", "openssl rsa -in server.key -passin " + M, "env:KEY_PASS"),
    ("benign-reference", "openssl-file", "openssl rsa -in server.key -passin " + M,
     "file:/run/secrets/keypass"),
    ("benign-reference", "helm-env", "helm upgrade orders ./chart --set db.password=" + M,
     "\"$DB_PASSWORD\""),
    ("benign-reference", "kubectl-file", "kubectl create secret generic db --from-file=" + M,
     "password=./pw.txt"),
    ("benign-reference", "pgpassword-cat", "PGPASSWORD=" + M + " psql -h db -U app",
     "$(cat ~/.pg)"),
    ("benign-reference", "gh-auth-file", "gh auth login --with-token < " + M, "~/.gh-token"),
    ("benign-reference", "github-header-env", "curl -H \"Authorization: token " + M
     + "\" https://api.github.com/user", "$GITHUB_TOKEN"),
    ("benign-reference", "gitlab-header-env", "curl --header \"PRIVATE-TOKEN: " + M
     + "\" https://gitlab/api/v4/projects", "$CI_JOB_TOKEN"),
    ("benign-identifier", "ldapsearch-prompt", "ldapsearch -x -D cn=admin,dc=acme,dc=net " + M,
     "-W"),
    ("benign-identifier", "psql-no-password", "psql " + M + " -c 'select 1'",
     "\"postgresql://app@db.internal:5432/orders\""),
    ("benign-reference", "aws-configure-env", "aws configure set aws_secret_access_key " + M,
     "\"$AWS_SECRET_ACCESS_KEY\""),
    ("benign-placeholder", "curl-u-placeholder", "curl -u USER:" + M + " https://nexus/x",
     "PASSWORD"),
)


def cli_header(corpus: Corpus, v: Values) -> None:
    for i in range(7):
        for j, (kind, command, draw) in enumerate(CLI):
            if kind in PHP_ONLY:
                filename, template = "src/Http.php", "<?php\n$ch = curl_init($url);\n" + command
            elif kind in PS_ONLY:
                filename, template = "scripts/publish.ps1", "$u = 'https://api/x'\n" + command
            else:
                filename = CLI_FILES[(i + j) % len(CLI_FILES)]
                template = _wrap(filename, command)
            corpus.secret("cli-header", kind, filename, template, draw(v))
    for i in range(5):
        for j, (cls, kind, command, value) in enumerate(CLI_NEAR):
            filename = CLI_FILES[(i + j) % len(CLI_FILES)]
            corpus.benign(cls, "cli-header", kind, filename, _wrap(filename, command), value)
