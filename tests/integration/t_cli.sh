#!/usr/bin/env bash
# The command line itself: help, usage errors and their exit codes.
source "$(dirname "$0")/lib.sh"
setup cli

run_sluice --help
check_rc 0 "--help"
check_contains "$WORK/out" "load     load CSV files" "top-level help lists load"
run_sluice load --help
check_rc 0 "load --help"
for opt in --into --defaults-file --threads --batch-rows --txn-rows --delimiter --quote \
  --header --no-header --null --skip-lines --columns --session-sql --time-zone --quiet \
  --escape --line-terminator --comment --header-lines --encoding --ragged --ignore-extra \
  --sniff --create-table; do
  check_contains "$WORK/out" "$opt" "load --help documents $opt"
done
check_contains "$WORK/out" "Exit codes:" "load --help documents exit codes"
check_contains "$WORK/out" "(default 2)" "load --help states the thread default"
run_sluice gen --help
check_rc 0 "gen --help"
for opt in --schema --rows --seed --key-order --out --zstd-level --no-header --print-create; do
  check_contains "$WORK/out" "$opt" "gen --help documents $opt"
done
check_contains "$WORK/out" "Exit codes:" "gen --help documents exit codes"
run_sluice help gen
check_rc 0 "help gen"
run_sluice sniff --help
check_rc 0 "sniff --help"
for opt in --format --table --into --encoding --sample-bytes "Exit codes:" "2  a file could not be"; do
  check_contains "$WORK/out" "$opt" "sniff --help documents $opt"
done
run_sluice sniff
check_rc 2 "sniff without a file"
check_contains "$WORK/err" "sluice sniff: give a FILE" "sniff without a file"
run_sluice sniff x.csv --format yaml
check_rc 2 "sniff with a bad --format"
for cmd in run check; do
  run_sluice help $cmd
  check_rc 0 "help $cmd"
  check_contains "$WORK/out" "Exit codes:" "$cmd --help documents exit codes"
done
run_sluice help run
for opt in --report --metrics --lock-dir "5  another run of the same job holds its lock"; do
  check_contains "$WORK/out" "$opt" "run --help documents $opt"
done
run_sluice run
check_rc 2 "run without a job file"
check_contains "$WORK/err" "sluice run: give a job file" "run without a job file"
run_sluice check
check_rc 2 "check without a target"
check_contains "$WORK/err" "sluice check: give a URL or a job file" "check without a target"
run_sluice check 'mysql://a@b/c?sslmode=REQUIRED'
check_rc 2 "check with an unknown URL parameter"
check_contains "$WORK/err" "sluice check: invalid URL 'mysql://...': unknown parameter 'sslmode'; known: socket, ssl-mode, ssl-ca, ssl-cert, ssl-key" "unknown URL parameter"
run_sluice --version
check_rc 0 "--version"
check_contains "$WORK/out" "sluice " "--version output"
check_contains "$WORK/out" "(client library 3." "--version names the client library"
# scripts/test.sh's cc18 pass runs the suite on another Connector/C release
if [ -n "${SLUICE_EXPECT_CLIENT:-}" ]; then
  check_contains "$WORK/out" "(client library $SLUICE_EXPECT_CLIENT)" "--version under the pinned library"
fi

run_sluice
check_rc 2 "no command"
run_sluice frobnicate
check_rc 2 "unknown command"
check_contains "$WORK/err" "sluice: unknown command 'frobnicate'" "unknown command message"
run_sluice load x.csv
check_rc 2 "missing --into"
check_contains "$WORK/err" "sluice load: --into is required" "missing --into message"
run_sluice load --into mysql://a@b/c/d
check_rc 2 "missing SOURCE"
check_contains "$WORK/err" "sluice load: no SOURCE given" "missing SOURCE message"
run_sluice load x.csv --into mysql://a@b/c/d --threads 0
check_rc 2 "--threads 0"
check_eq "$(cat "$WORK/err")" "sluice load: --threads must be a whole number from 1 to 256, not '0'" "--threads 0 message"
run_sluice load x.csv --into mysql://a@b/c/d --batch-rows 12x
check_rc 2 "--batch-rows 12x"
run_sluice load x.csv --into mysql://a@b/c/d --delimiter abcdefghijklmnopq
check_rc 2 "17-byte delimiter"
check_contains "$WORK/err" "sluice load: --delimiter must be 1 to 16 bytes" "delimiter message"
run_sluice load x.csv --into mysql://a@b/c/d --delimiter '"'
check_rc 2 "delimiter equal to quote"
run_sluice load x.csv --into mysql://a@b/c/d --bogus
check_rc 2 "unknown option"
check_contains "$WORK/err" "sluice load: unknown option '--bogus'" "unknown option message"
check_eq "$(head -1 "$WORK/err")" "sluice load: unknown option '--bogus'" "no guess for a word near nothing"
# typos: the name that was probably meant
run_sluice lod x.csv
check_rc 2 "a mistyped command"
check_contains "$WORK/err" "sluice: unknown command 'lod'; did you mean 'load'?" "a command guessed"
run_sluice exrtact --help
check_contains "$WORK/err" "sluice: unknown command 'exrtact'; did you mean 'extract'?" "a swap of two letters"
run_sluice load x.csv --into mysql://a@b/c/d --treads 2
check_rc 2 "a mistyped option"
check_contains "$WORK/err" "sluice load: unknown option '--treads'; did you mean '--threads'?" "an option guessed"
run_sluice copy --from mysql://a@b/c --to mysql://a@b/d --verify-onyl
check_contains "$WORK/err" "sluice copy: unknown option '--verify-onyl'; did you mean '--verify-only'?" "another command's options"
run_sluice load x.csv --into mysql://a@b/c/d --on-eror=skip
check_contains "$WORK/err" "unknown option '--on-eror=skip'; did you mean '--on-error'?" "with =VALUE"
printf '[step x]\naction = load\nsorce = a.csv\ninto = mysql://h/d/t\n' >"$WORK/typo.ini"
run_sluice run "$WORK/typo.ini"
check_rc 2 "a mistyped job key"
check_contains "$WORK/err" "unknown key 'sorce' for action load; did you mean 'source'?" "a job key guessed"
run_sluice load x.csv --into
check_rc 2 "option without its argument"
check_contains "$WORK/err" "needs an argument" "missing argument message"
run_sluice load - - --into mysql://a@b/c/d
check_rc 2 "stdin twice"
# the documentation (README.md and docs/) covers every option each
# command's --help lists (--help itself, and -q/--quiet, are described once
# for all)
cat "$SLUICE_SRC/README.md" "$SLUICE_SRC"/docs/*.md >"$WORK/docs.md"
for cmd in load extract copy bench run check gen; do
  "$SLUICE_BIN" "$cmd" --help >"$WORK/help"
  grep -oE '^ +(-[a-z], )?--[a-z-]+' "$WORK/help" | grep -oE -- '--[a-z-]+' |
    { grep -vxE -- '--help|--quiet' || true; } >"$WORK/opts"
  check_eq "$([ -s "$WORK/opts" ] && echo listed)" listed "$cmd --help lists its options"
  while read -r opt; do
    if grep -qE -- "(\`|, )$opt( |\`)" "$WORK/docs.md"; then pass; else
      fail "neither README.md nor docs/ documents $cmd $opt"
    fi
  done <"$WORK/opts"
done
# the man page and the bash completion come from the same tables
"$SLUICE_BIN" help --man >"$WORK/sluice.1"
check_eq "$(head -1 "$WORK/sluice.1" | cut -d' ' -f1-3)" ".TH SLUICE 1" "the man page's title line"
for cmd in load extract copy bench run check gen; do
  check_contains "$WORK/sluice.1" ".SH \"sluice $cmd\"" "the man page has a section for $cmd"
  "$SLUICE_BIN" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$WORK/opts"
  while read -r opt; do
    if grep -qF -- "${opt//-/\\-}" "$WORK/sluice.1"; then pass; else fail "the man page lacks $cmd $opt"; fi
  done <"$WORK/opts"
done
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$WORK/sluice.1" 2>"$WORK/groff.err"
  check_eq "$(cat "$WORK/groff.err")" "" "groff finds nothing wrong with the man page"
fi
"$SLUICE_BIN" help --bash-completion >"$WORK/completion.bash"
complete_words() { # WORDS...: what completing the last word offers
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sluice
    printf "%s\n" "${COMPREPLY[@]}"' _ "$WORK/completion.bash" "$@"
}
check_eq "$(complete_words sluice ex)" "extract" "completes a command"
check_eq "$(complete_words sluice help co | tr '\n' ' ')" "copy " "completes the command after help"
check_eq "$(complete_words sluice load --thr)" "--threads" "completes load's option"
check_eq "$(complete_words sluice copy --to-d)" "--to-defaults-file" "completes copy's option"
check_eq "$(complete_words sluice gen --thr)" "" "gen has no --threads"
# cmake --install puts the binary, the man page and the completion in place
BUILD=$(dirname "$SLUICE_BIN")
if [ -f "$BUILD/cmake_install.cmake" ]; then
  cmake --install "$BUILD" --prefix "$WORK/inst" >/dev/null
  check_eq "$("$WORK/inst/bin/sluice" --version | cut -d' ' -f1)" "sluice" "the installed binary runs"
  check_eq "$(cmp -s "$WORK/inst/share/man/man1/sluice.1" "$WORK/sluice.1" && echo same)" same "the installed man page"
  check_eq "$(cmp -s "$WORK/inst/share/bash-completion/completions/sluice" "$WORK/completion.bash" && echo same)" same "the installed completion"
else
  fail "no cmake_install.cmake beside $SLUICE_BIN"
fi
finish
