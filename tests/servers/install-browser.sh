#!/usr/bin/env bash
# Installs (Debian packages, as root) the real headless browser of the dashboard's tests: chromium and the matching
# chromium-driver, driven by Selenium.WebDriver. Idempotent. Used by build.ps1 -Task Test; the browser tests fail, never
# skip, when either is missing.
set -euo pipefail
need_install=()
command -v chromium >/dev/null 2>&1 || need_install+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_install+=(chromium-driver)
if [ ${#need_install[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-browser: ${need_install[*]} missing and not root: install them (apt-get install ${need_install[*]})." >&2
    exit 1
  fi
  echo "install-browser: installing ${need_install[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi
echo "install-browser: $(chromedriver --version | head -1)"
