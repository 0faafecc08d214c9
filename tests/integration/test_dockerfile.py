"""The Dockerfile builds from the same install scripts as the README and CI, as a non-root user,
with a health check and the gunicorn config. No Docker engine runs here, so this reads the file:
each RUN line must be what the scripts do on a fresh Debian 12."""

from __future__ import annotations

import re
import shlex

from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def commands(keyword: str) -> list[str]:
    return [rest for k, rest in instructions() if k == keyword]


def test_debian_12_slim():
    [base] = commands("FROM")
    assert base == "debian:bookworm-slim"


def test_system_packages_come_from_the_install_script():
    runs = commands("RUN")
    assert runs[0].startswith("scripts/install-system-deps.sh --runtime-only")
    # The script is copied before it runs (its own layer, cached until it changes) ...
    copied = commands("COPY")
    assert copied[0] == "scripts/install-system-deps.sh scripts/"
    # ... and no RUN installs packages behind its back.
    assert not any(re.search(r"\bapt(-get)?\s+install|\bpip\s+install", run) for run in runs)
    script = (ROOT / "scripts" / "install-system-deps.sh").read_text()
    runtime = script.split("runtime=(", 1)[1].split("\n)", 1)[0]
    listed = {line.split("#")[0].strip() for line in runtime.splitlines()}
    for package in ("libreoffice-writer-nogui", "python3-uno", "fonts-liberation2", "fontconfig",
                    "python3 python3-venv"):
        assert package in listed, f"{package} missing from the runtime packages"


def test_python_comes_from_the_install_script_with_debians_python():
    [run] = [r for r in commands("RUN") if "install-python.sh" in r]
    first = shlex.split(run.split("&&")[0])
    assert first == ["PYTHON=/usr/bin/python3", "scripts/install-python.sh"]
    # Debian 12's python3 is the 3.11 the script insists on; python3-venv comes from the
    # system script above.
    assert "sys.version_info[:2] == (3, 11)" in (ROOT / "scripts" / "install-python.sh").read_text()


def test_runs_as_a_non_root_user_that_cannot_change_the_code():
    [user] = commands("USER")
    assert user not in ("root", "0")
    [run] = [r for r in commands("RUN") if "useradd" in r]
    assert "useradd --system" in run and user in run
    assert "chown -R" not in run, "the service user should write var/ only, not its own code"
    assert f"chown {user}:{user} /app/var" in run
    # USER comes after the last RUN, so the image's process is the service user's.
    keywords = [k for k, _ in instructions()]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")


def test_healthcheck_hits_healthz():
    [check] = commands("HEALTHCHECK")
    assert "/healthz" in check and check.split("CMD", 1)[1].strip().startswith("python3 ")


def test_cmd_is_gunicorn_with_the_config_file():
    [cmd] = commands("CMD")
    assert cmd == '[".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"]'
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_dockerignore_keeps_the_host_venv_and_runtime_data_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", ".git", "var"):
        assert entry in ignored
    for needed in ("fonts", "templates", "schemas", "service", "scripts", "gunicorn.conf.py"):
        assert needed not in ignored


def test_scripts_are_executable():
    for name in ("install-system-deps.sh", "install-python.sh"):
        assert (ROOT / "scripts" / name).stat().st_mode & 0o111, f"{name} is not executable"
