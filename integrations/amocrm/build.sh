#!/usr/bin/env bash
# Packs the amoCRM / Kommo widget: target/widget.zip with manifest.json at the root of the archive, as
# amoCRM's upload expects (Settings > Integrations > your private integration > upload the widget).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
widget="$here/widget"
target="$here/target"
mkdir -p "$target"
rm -f "$target/widget.zip"
files=(manifest.json script.js i18n/en.json i18n/ru.json images/logo.png images/logo_main.png images/logo_medium.png
       images/logo_min.png images/logo_small.png)
for file in "${files[@]}"; do
  [[ -f "$widget/$file" ]] || { echo "build.sh: $widget/$file is missing" >&2; exit 1; }
done
if command -v zip >/dev/null 2>&1; then
  (cd "$widget" && zip -q -X "$target/widget.zip" "${files[@]}")
else
  # no zip on this machine: the JDK's jar writes a plain zip too (M: no manifest of its own)
  (cd "$widget" && jar --create --no-manifest --file "$target/widget.zip" "${files[@]}")
fi
echo "$target/widget.zip"
