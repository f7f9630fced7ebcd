#!/usr/bin/env bash
# Checks that every libtorch-natives profile of models/pom.xml names an artifact that exists on Maven
# Central: Maven writes each profile's effective POM (no dependency is resolved, nothing large is
# downloaded) and a HEAD request asks Central for the native jar it names. Needs the network, so it is
# not part of `mvn test`. Exits 1 if an artifact is missing.
#   launcher/check-platforms.sh [profile ...]     (default: every profile)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
central="${MAVEN_CENTRAL:-https://repo1.maven.org/maven2}"
profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(cpu osx-aarch64 win-x86_64 linux-aarch64 cuda)

# "artifactId version classifier" of each pytorch-native dependency the build uses (not those of
# dependencyManagement, nor the profiles the effective POM lists again)
natives() {
  awk '
    /<dependencyManagement>|<profiles>/ { skip = 1 }
    /<\/dependencyManagement>|<\/profiles>/ { skip = 0; next }
    skip { next }
    /<dependency>/ { a = ""; v = ""; c = "" }
    /<artifactId>/ { a = $0; gsub(/.*<artifactId>|<\/artifactId>.*/, "", a) }
    /<version>/ { v = $0; gsub(/.*<version>|<\/version>.*/, "", v) }
    /<classifier>/ { c = $0; gsub(/.*<classifier>|<\/classifier>.*/, "", c) }
    /<\/dependency>/ { if (a ~ /^pytorch-native-/) print a, v, c }
  ' "$1"
}

status=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for profile in "${profiles[@]}"; do
  pom="$tmp/$profile.xml"
  if ! (cd "$root" && mvn -B -q -pl models -P"$profile" help:effective-pom -Doutput="$pom") >"$tmp/log" 2>&1; then
    cat "$tmp/log" >&2
    echo "$profile: effective POM failed" >&2
    status=1
    continue
  fi
  found=0
  while read -r artifact version classifier; do
    found=1
    url="$central/ai/djl/pytorch/$artifact/$version/$artifact-$version-$classifier.jar"
    code="$(curl -s -o /dev/null -I -w '%{http_code}' "$url" || true)"
    echo "$profile: ai.djl.pytorch:$artifact:$version:$classifier -> HTTP $code"
    [ "$code" = "200" ] || status=1
  done < <(natives "$pom")
  [ "$found" = 1 ] || echo "$profile: no native artifact (DJL downloads libtorch on first use)"
done
exit "$status"
