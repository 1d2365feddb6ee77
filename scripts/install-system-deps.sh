#!/usr/bin/env bash
# Installs the Debian packages the tests need (Jupyter's own tools, and torch for reference numbers).
# Idempotent: skips apt entirely when every package is already present.
set -euo pipefail
packages=(jupyter-client python3-jupyter-kernel-test python3-nbclient jupyter-nbconvert jupyter-server python3-ipykernel)
if [ "${TSGRAD_WITH_TORCH:-0}" = 1 ]; then packages+=(python3-torch python3-sklearn); fi
# The classic notebook with Debian's ipywidgets extension (widget protocol 1) for the widget browser
# test, and jupyterlab_server for the JupyterLab harness.
if [ "${TSGRAD_WITH_BROWSER:-0}" = 1 ]; then packages+=(chromium jupyter-notebook jupyter-nbextension-jupyter-js-widgets python3-ipywidgets python3-jupyterlab-server); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "system deps: all present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
