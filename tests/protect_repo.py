"""A fixture repository for ``guard protect`` and ``guard doctor``: real sensitive files (some
ignored by git, as they usually are), templates that must stay readable, a source file with a
secret that only the scanner can find, and ordinary files that must stay readable."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git_init, make_tree

TOKEN = "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"  # test token with a valid checksum

FILES = {
    ".gitignore": ".env\n.env.local\nservices/api/.env\nnode_modules/\n",
    ".env": "DATABASE_URL=postgres://app@localhost/app\nDEBUG=1\n",
    ".env.local": "DEBUG=0\n",
    ".env.example": "DATABASE_URL=\nDEBUG=\n",
    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n"
              "-----END OPENSSH PRIVATE KEY-----\n",
    "id_rsa.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE example\n",
    "config/credentials.json": '{"type": "service_account"}\n',
    "config/app.json": '{"port": 8080}\n',
    "terraform.tfstate": '{"version": 4}\n',
    "main.tf": 'resource "null_resource" "x" {}\n',
    "services/api/.env": "PORT=1\n",
    "services/api/.env.example": "PORT=\n",
    "deploy/prod.key": "not a real key\n",
    "src/settings.py": f'GITHUB_TOKEN = "{TOKEN}"\n',
    "src/app.py": "from settings import GITHUB_TOKEN\nprint('hello')\n",
    "src/environment.py": "import os\nENV = os.environ.get('ENV', 'dev')\n",
    "docs/env.md": "Copy .env.example to .env and fill it in.\n",
    "README.md": "# demo\n",
    "package.json": '{"name": "demo"}\n',
    "node_modules/pkg/.env": "IGNORED=1\n",  # inside a wholly ignored directory: not listed
}

# Every file no assistant may read, and the reason the policy gives.
SENSITIVE = [
    ".env", ".env.local", "config/credentials.json", "deploy/prod.key", "id_rsa",
    "services/api/.env", "src/settings.py", "terraform.tfstate",
]
# Templates and ordinary files that every assistant must still be able to read.
READABLE = [
    ".env.example", "services/api/.env.example", "id_rsa.pub", "config/app.json", "main.tf",
    "src/app.py", "src/environment.py", "docs/env.md", "README.md", "package.json",
]


def make_repo(path: Path) -> Path:
    """The fixture repository, a real git repository, at ``path``."""
    git_init(path)
    return make_tree(path, FILES)
