"""The Nu HTML Checker (vnu.jar from the npm registry, run with the machine's Java).

``scripts/test`` installs Java (Debian's default-jre-headless) and the jar (``npm install vnu-jar``
into ``var/vnu/``); a test run without them installs the jar itself when npm is there, and fails
otherwise: the conformance test is never skipped.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_PREFIX = Path(os.environ.get("VNU_PREFIX", ROOT / "var" / "vnu"))
VNU_PACKAGE = "vnu-jar@26.9.27"


def vnu_jar():
    configured = os.environ.get("VNU_JAR")
    if configured:
        return Path(configured)
    jar = VNU_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        npm = shutil.which("npm")
        assert npm, "The Nu HTML Checker needs vnu.jar: run scripts/test (it installs npm, Java and the jar)."
        VNU_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(VNU_PREFIX), "--no-audit", "--no-fund", VNU_PACKAGE],
            check=True,
            capture_output=True,
        )
    assert jar.exists(), f"{jar} is missing after npm install"
    return jar


def check_html_files(paths):
    """One JVM run over all files; returns (errors, warnings) as the checker's JSON messages."""
    java = shutil.which("java")
    assert java, "Java is missing: scripts/test installs default-jre-headless."
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("type") == "info" and m.get("subType") == "warning"]
    return errors, warnings
