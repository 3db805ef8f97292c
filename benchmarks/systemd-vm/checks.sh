#!/bin/bash
# The checks of benchmarks/systemd-vm, run as root inside the VM by edgerule-vm-job.service, from
# the read-only second disk (/mnt/job: edgerule.deb, this script, freeze-thread). One line per
# finding: "CHECK PASS|FAIL name: what was seen", "INFO name: value"; the last line counts them.
set -u
job=/mnt/job
unit=edgerule.service
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "CHECK PASS $1: $2"; }
fail() { failed=$((failed + 1)); echo "CHECK FAIL $1: $2"; }
check() { # check NAME DETAIL COMMAND...: PASS if the command succeeds
  local name=$1 detail=$2
  shift 2
  if "$@"; then pass "$name" "$detail"; else fail "$name" "$detail"; fi
}
info() { echo "INFO $1: $2"; }
prop() { systemctl show -p "$1" --value "$unit"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
cursor() { journalctl -n 0 --show-cursor | sed -n 's/^-- cursor: //p'; }
# The unit's journal (systemd's lines about it and the program's own) after a cursor, as JSON.
journal_json() { journalctl -u "$unit" ${1:+--after-cursor="$1"} -o json --no-pager; }
# The journal's messages after a cursor, one a line, with systemd's and the program's mixed.
journal_text() { journal_json "$1" | jq -r '.MESSAGE | if type == "array" then implode else . end'; }
# systemd's own lines about the unit (PID 1) after a cursor.
pid1_text() { journal_json "$1" | jq -r 'select(._PID == "1") | .MESSAGE'; }
# wait_until SECONDS COMMAND...: polls the condition every 0.5 s; false when time ran out.
wait_until() {
  local limit=$1
  shift
  local t0
  t0=$(date +%s)
  until "$@"; do
    [ $(($(date +%s) - t0)) -lt "$limit" ] || return 1
    sleep 0.5
  done
}
running() { [ "$(prop ActiveState)/$(prop SubState)" = active/running ]; }
restarted_to() { [ "$(prop NRestarts)" = "$1" ] && running; }

t_all=$(now)
echo "=== edgerule systemd VM checks"
info vm "$(systemd-detect-virt), kernel $(uname -r), $(systemctl --version | head -n 1), $(nproc) CPUs, $(free -m | awk '/^Mem:/ {print $2}') MiB"
info boot "checks start $(cut -d' ' -f1 /proc/uptime) s after the kernel started; PID 1 is $(cat /proc/1/comm)"
# PID 1 at debug level logs every sd_notify message it gets ("Got notification message from PID N
# (READY=1, ...)"): READY=1, WATCHDOG=1 and STOPPING=1 are seen as systemd saw them. Set again after
# each dpkg run (its scripts reload systemd).
debug_pid1() { systemd-analyze log-level debug; }

# --- install: postinst under systemd ---
t0=$(now)
if dpkg -i "$job/edgerule.deb" >/tmp/dpkg-i.log 2>&1; then
  pass dpkg-install "dpkg -i exit 0 in $(since "$t0") s (postinst: user, CDS archive)"
else
  fail dpkg-install "dpkg -i failed: $(tr '\n' ' ' </tmp/dpkg-i.log)"
fi
debug_pid1
info dpkg-version "$(dpkg-query -W -f '${Version}' edgerule)"
IFS=: read -r _ _ uid gid _ home shell <<<"$(getent passwd edgerule)"
check system-user "edgerule uid $uid (< 1000), home $home, shell $shell" \
  test -n "$uid" -a "${uid:-1000}" -lt 1000 -a "$home" = /var/lib/edgerule
info cds-archive "$(ls -l /var/cache/edgerule/edgerule.jsa 2>&1)"
check first-install-starts-nothing "is-active $(systemctl is-active $unit), is-enabled $(systemctl is-enabled $unit)" \
  test "$(systemctl is-active $unit)/$(systemctl is-enabled $unit)" = inactive/disabled
verify=$(systemd-analyze verify "$unit" 2>&1)
check analyze-verify "systemd-analyze verify: ${verify:-no output}" test -z "$verify"
check_out=$(edgerule check --config /etc/edgerule/gateway.yaml 2>&1)
rc=$?
check edgerule-check "edgerule check exit $rc: $(echo "$check_out" | tr '\n' ' ' | cut -c1-300)" test $rc = 0
security=$(systemd-analyze security --no-pager "$unit" 2>&1 | grep 'Overall exposure level')
info security "$security"
info security-open "$(systemd-analyze security --no-pager "$unit" 2>&1 | awk '$1 == "✗" {print $2}' | tr '\n' ' ')"

# Under software emulation (TCG) the JVM starts 10-50 times slower than on hardware: the gateway's
# first start took longer than the unit's TimeoutStartSec=180s. A runtime drop-in gives it time;
# nothing else of the unit changes (WatchdogSec, RestartSec, TimeoutStopSec stay).
if [ "$(systemd-detect-virt)" = qemu ]; then
  mkdir -p /run/systemd/system/edgerule.service.d
  printf '[Service]\nTimeoutStartSec=20min\n' >/run/systemd/system/edgerule.service.d/emulation.conf
  systemctl daemon-reload
  debug_pid1
  info emulation "TimeoutStartSec=$(prop TimeoutStartUSec) (runtime drop-in, TCG)"
fi

# --- start: Type=notify ---
c=$(cursor)
(while :; do echo "$(prop ActiveState)/$(prop SubState)"; sleep 0.2; done) >/tmp/states &
sampler=$!
t0=$(now)
systemctl start "$unit"
rc=$?
start_s=$(since "$t0")
kill $sampler
wait $sampler 2>/dev/null
check start "systemctl start exit $rc after $start_s s" test $rc = 0
states=$(uniq </tmp/states | tr '\n' ' ')
check activating-before-ready "states while starting: $states" grep -qx activating/start /tmp/states
check active-running "$(prop ActiveState)/$(prop SubState)" running
systemctl status --no-pager -n 0 "$unit" | sed -n 's/^ *Active: /INFO status: /p'
pid=$(prop MainPID)
journal_json "$c" >/tmp/start.json
ready_at=$(jq -r --arg p "$pid" 'select(._PID == "1" and (.MESSAGE | test("Got notification message from PID " + $p + " .*READY=1"))) | .__MONOTONIC_TIMESTAMP' /tmp/start.json | head -n 1)
started_at=$(jq -r 'select(._PID == "1" and (.MESSAGE | startswith("Started edgerule"))) | .__MONOTONIC_TIMESTAMP' /tmp/start.json | head -n 1)
check ready-then-started "READY=1 from PID $pid at ${ready_at:-never} us, 'Started' at ${started_at:-never} us (monotonic)" \
  test -n "$ready_at" -a -n "$started_at" -a "${ready_at:-1}" -le "${started_at:-0}"
exec_start=$(prop ExecMainStartTimestampMonotonic)
active_enter=$(prop ActiveEnterTimestampMonotonic)
info start-to-ready "$(awk -v a="$exec_start" -v b="$active_enter" 'BEGIN { printf "%.2f", (b - a) / 1e6 }') s from exec to active (the JVM's start and the gateway's)"
check status-text "StatusText=$(prop StatusText)" test -n "$(prop StatusText)"

# --- who it runs as, and its limits ---
check main-process-is-java "MainPID $pid is $(cat /proc/$pid/comm) (the launcher exec'd the JVM)" test "$(cat /proc/$pid/comm)" = java
check user "User=$(prop User), process uid $(awk '/^Uid:/ {print $2}' /proc/$pid/status)" \
  test "$(prop User)" = edgerule -a "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = "$uid"
dialout=$(getent group dialout | cut -d: -f3)
groups=$(awk '/^Groups:/ {$1 = ""; print}' /proc/$pid/status)
check dialout "process groups:$groups (dialout = $dialout); $(ps -o user=,group=,supgrp= -p "$pid")" \
  grep -qw "$dialout" <<<"$groups"
check no-new-privileges "$(grep -E '^(NoNewPrivs|CapEff)' /proc/$pid/status | tr '\t\n' '  ')" \
  test "$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)/$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)" = 1/0000000000000000
check watchdog-usec "WatchdogUSec=$(prop WatchdogUSec)" test "$(prop WatchdogUSec)" = 30s
check nrestarts-0 "NRestarts=$(prop NRestarts)" test "$(prop NRestarts)" = 0
cg=/sys/fs/cgroup$(prop ControlGroup)
check memory-max "MemoryMax=$(prop MemoryMax), $cg/memory.max=$(cat "$cg/memory.max")" \
  test "$(prop MemoryMax)/$(cat "$cg/memory.max")" = 268435456/268435456
info memory-current "$(prop MemoryCurrent) bytes, tasks $(prop TasksCurrent) (TasksMax=$(prop TasksMax))"
check state-dir "/var/lib/edgerule: $(stat -c '%U:%G %a' /var/lib/edgerule)" \
  test "$(stat -c '%U:%G %a' /var/lib/edgerule)" = "edgerule:edgerule 750"
# ProtectSystem=strict and ProtectHome, as the service sees its file system: its mount namespace,
# its user.
as_service() { nsenter -t "$pid" -m -S "$uid" -G "$gid" "$@"; }
etc_write=$(as_service touch /etc/edgerule/probe 2>&1)
check protect-system "writing /etc from the service's namespace: ${etc_write:-succeeded}" grep -q 'Read-only file system' <<<"$etc_write"
check state-writable "writing /var/lib/edgerule from the service's namespace" as_service sh -c 'touch /var/lib/edgerule/.probe && rm /var/lib/edgerule/.probe'
home_modes=$(nsenter -t "$pid" -m stat -c '%n %a' /home /root | tr '\n' ' ')
check protect-home "in the service's namespace: $home_modes(ProtectHome=yes: empty, mode 0)" test "$home_modes" = "/home 0 /root 0 "

# --- reload ---
c=$(cursor)
systemctl reload "$unit"
rc=$?
wait_until 180 sh -c "journalctl -u $unit --after-cursor='$c' -o cat | grep -q 'config reload'"
line=$(journal_text "$c" | grep -m 1 'config reload')
check reload "systemctl reload exit $rc, same MainPID $(prop MainPID), $(prop ActiveState)/$(prop SubState); the program: ${line:-nothing}" \
  test $rc = 0 -a -n "$line" -a "$(prop MainPID)" = "$pid"
pings=$(pid1_text "" | grep -c "Got notification message from PID $pid (WATCHDOG=1")
info watchdog-pings "$pings WATCHDOG=1 from PID $pid so far"

# --- stop: STOPPING=1, exit 0 ---
pid=$(prop MainPID)
c=$(cursor)
t0=$(now)
systemctl stop "$unit"
rc=$?
stop_s=$(since "$t0")
stopping=$(pid1_text "$c" | grep -m 1 "Got notification message from PID $pid (STOPPING=1")
# From the journal, not `systemctl show`: an inactive unit that is not enabled is unloaded at once,
# and a fresh load shows ExecMainCode=0 and Result=success whatever happened.
exited=$(pid1_text "$c" | grep -m 1 -E 'Main process exited|Failed with result')
check stop "systemctl stop exit $rc in $stop_s s, $(prop ActiveState); systemd: ${exited:-no exit line}" \
  test $rc = 0 -a "$(prop ActiveState)" = inactive -a -n "$(grep 'Main process exited, code=exited, status=0/SUCCESS' <<<"$exited")"
check stopping-notified "${stopping:-no STOPPING=1 from PID $pid}" test -n "$stopping"

# Started again: the watchdog test restarts it, and dpkg --remove then stops a running service.
t0=$(now)
systemctl start "$unit"
rc=$?
check start-again "systemctl start exit $rc after $(since "$t0") s $(prop ActiveState)/$(prop SubState)" \
  test $rc = 0 -a "$(prop ActiveState)/$(prop SubState)" = active/running

# --- watchdog: the dispatcher thread frozen, the rest of the JVM running ---
restarts=$(prop NRestarts)
pid=$(prop MainPID)
c=$(cursor)
tid=$(grep -l '^edgerule-dispat' /proc/"$pid"/task/*/comm | head -n 1 | cut -d/ -f5)
t0=$(now)
"$job/freeze-thread" "$tid" 240 >/tmp/freeze.log 2>&1 &
freezer=$!
wait_until 480 restarted_to "$((restarts + 1))"
restart_s=$(since "$t0")
wait $freezer
info freeze "thread $tid ($(cat /proc/"$pid"/task/"$tid"/comm 2>/dev/null || echo edgerule-dispat)) of PID $pid: $(tr '\n' ' ' </tmp/freeze.log)"
journal_json "$c" >/tmp/wd1.json
stuck=$(jq -r 'select(.SYSLOG_IDENTIFIER == "edgerule" and (.MESSAGE | test("pipeline stuck"))) | "PRIORITY=\(.PRIORITY) \(.MESSAGE)"' /tmp/wd1.json | head -n 1)
check watchdog-stuck-logged "${stuck:-no 'pipeline stuck' line}" grep -q '^PRIORITY=3 .*dispatcher silent' <<<"$stuck"
timeout_line=$(jq -r 'select(._PID == "1") | .MESSAGE' /tmp/wd1.json | grep -m 1 'Watchdog timeout')
check watchdog-timeout-pipeline "systemd: ${timeout_line:-no 'Watchdog timeout'}; NRestarts=$(prop NRestarts), new MainPID $(prop MainPID), $(prop ActiveState)/$(prop SubState) after $restart_s s" \
  test -n "$timeout_line" -a "$(prop NRestarts)" = "$((restarts + 1))" -a "$(prop MainPID)" != "$pid"
jq -r 'select(._PID == "1") | .MESSAGE' /tmp/wd1.json | grep -E 'Killing process|Main process exited|Failed with result|Scheduled restart' | sed 's/^/INFO watchdog-systemd: /'

# --- journald priorities of the program's own lines (every run so far) ---
journalctl -u "$unit" -o json --no-pager |
  jq -r 'select(.SYSLOG_IDENTIFIER == "edgerule") | "\(.PRIORITY)\t\(.MESSAGE | if type == "array" then implode else . end)"' >/tmp/lines.tsv
for level in INFO:6 WARN:4 ERROR:3; do
  name=${level%:*}
  want=${level#*:}
  total=$(grep -cP "^\d\t\d\d:\d\d:\d\d\.\d{3} $name " /tmp/lines.tsv)
  right=$(grep -cP "^$want\t\d\d:\d\d:\d\d\.\d{3} $name " /tmp/lines.tsv)
  check "priority-$name" "$right of $total $name lines have PRIORITY=$want; e.g. $(grep -m 1 -P "^\d\t\d\d:\d\d:\d\d\.\d{3} $name " /tmp/lines.tsv | cut -c1-160)" \
    test "$total" -gt 0 -a "$right" = "$total"
done
prefixed=$(grep -cP '^\d\t<\d>' /tmp/lines.tsv)
check no-raw-prefix "$prefixed lines with a literal <N> prefix left in MESSAGE (of $(wc -l </tmp/lines.tsv))" test "$prefixed" = 0

# --- remove keeps the state, purge drops it ---
touch /var/lib/edgerule/.kept-by-remove
t0=$(now)
dpkg --remove edgerule >/tmp/dpkg-r.log 2>&1
rc=$?
check remove "dpkg --remove exit $rc in $(since "$t0") s; service $(systemctl is-active $unit); processes of edgerule: $(pgrep -u edgerule | wc -l); /var/lib/edgerule $(ls -A /var/lib/edgerule 2>&1 | tr '\n' ' '); unit file $(ls /lib/systemd/system/edgerule.service 2>&1 | sed 's/.*No such.*/gone/')" \
  test $rc = 0 -a -e /var/lib/edgerule/.kept-by-remove -a ! -e /lib/systemd/system/edgerule.service -a "$(pgrep -u edgerule | wc -l)" = 0
dpkg --purge edgerule >/tmp/dpkg-p.log 2>&1
rc=$?
check purge "dpkg --purge exit $rc; /var/lib/edgerule $( [ -e /var/lib/edgerule ] && echo still there || echo gone), /etc/edgerule $( [ -e /etc/edgerule ] && echo still there || echo gone), user $(getent passwd edgerule >/dev/null && echo kept || echo gone)" \
  test $rc = 0 -a ! -e /var/lib/edgerule -a ! -e /etc/edgerule

info checks-wall "$(since "$t_all") s"
echo "RESULT: $passed passed, $failed failed"
