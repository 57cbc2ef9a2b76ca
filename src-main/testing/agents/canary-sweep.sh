#!/bin/sh
# Searches everything a session can see for secrets: its environment, every process's environment
# (/proc/*/environ), `ps eww`, and the files under the given roots. The secrets come base64-encoded so
# this script's own arguments never contain them; it prints one count per place ("0" everywhere means
# nothing leaked). Usage: canary-sweep.sh "ROOT1 ROOT2" B64SECRET...
roots=$1
shift
total_env=0; total_proc=0; total_ps=0; total_files=0
pss=$(ps eww 2>/dev/null || ps 2>/dev/null)
for encoded in "$@"; do
  secret=$(printf %s "$encoded" | base64 -d)
  case "$(env)" in *"$secret"*) total_env=$((total_env + 1)) ;; esac
  for f in /proc/[0-9]*/environ; do
    content=$(tr '\0' '\n' < "$f" 2>/dev/null)
    case "$content" in *"$secret"*) total_proc=$((total_proc + 1)) ;; esac
  done
  case "$pss" in *"$secret"*) total_ps=$((total_ps + 1)) ;; esac
  for root in $roots; do
    n=$(grep -rlF -- "$secret" "$root" 2>/dev/null | wc -l)
    total_files=$((total_files + n))
  done
done
echo "SWEEP env=$total_env environ=$total_proc ps=$total_ps files=$total_files"
