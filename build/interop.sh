#!/usr/bin/env bash
# Real third-party mail servers for the NetComm interop tests, on 127.0.0.1 only.
#
#   build/interop.sh start            install (if missing) + configure + start everything, then
#                                     write artifacts/interop/interop.env (stop first if running)
#   build/interop.sh stop             stop what `start` started (by PID, nothing else)
#   build/interop.sh status           which servers run, on which ports
#   build/interop.sh restart          stop + start
#   build/interop.sh reset-mail [MAILBOX...]
#                                     rebuild the POP3 maildirs (default: alice bob big empty,
#                                     plus bench bench20m when INTEROP_BENCH=1)
#   build/interop.sh clear-delivered  empty the Postfix delivery dir and the aiosmtpd spool
#                                     (`start` empties them too)
#   build/interop.sh install          only install the Debian packages
#   build/interop.sh env              print interop.env
#
# Servers: a private Dovecot 2.3 instance (POP3 + STLS, POP3S, SASL for Postfix), a private
# Postfix instance (plain, submission/STARTTLS, SMTPS ports; *@example.test is stored byte for
# byte by build/interop/postfix_store.py, *@discard.test is discarded) and aiosmtpd
# (build/interop/aiosmtpd_server.py). Details: the comments in build/interop/*.in.
# Everything generated lives in artifacts/interop/ (git-ignored); ports are picked free at run
# time. Needs root (apt-get, chown, daemons). Environment:
#   INTEROP_BENCH=1          also build the bench (1,000 x 10 KB) and bench20m (10 x 20 MB) mailboxes
#   INTEROP_WAIT_SECONDS=30  how long to wait for the ports to accept connections
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
TPL=$SCRIPT_DIR/interop
W_LINK=$REPO_ROOT/artifacts/interop
PY=/usr/bin/python3          # Debian's python: python3-aiosmtpd is installed for it only
# postfix also brings /usr/sbin/smtp-sink (the fast sink of `compare smtp`); python3 runs the benchmarks'
# standard-library peers (smtplib, poplib, ssl) in tests/NetComm.Benchmarks/python/.
PACKAGES=(dovecot-core dovecot-pop3d postfix python3 python3-aiosmtpd openssl)
MAILBOXES=(alice bob big empty bench bench20m)
declare -A PASSWORDS=([alice]=alice-pass-1 [bob]=bob-pass-2 [big]=big-pass-3 [empty]=empty-pass-4
                      [bench]=bench-pass-5 [bench20m]=bench20m-pass-6)
MAIL_DOMAIN=example.test
DISCARD_DOMAIN=discard.test
BENCH=${INTEROP_BENCH:-0}
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------------- helpers
say() { printf '[interop] %s\n' "$*"; [[ -d ${LOG_DIR:-/nonexistent} ]] && printf '%s %s\n' "$(date +%T)" "$*" >>"$LOG_DIR/interop.log"; return 0; }
tail_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}
die() { # die MESSAGE [LOG...]
  local msg=$1; shift
  printf '[interop] ERROR: %s\n' "$msg" >&2
  tail_logs "$@"
  stop_after_failure
  exit 1
}
# A failed `start` must not leave half of the servers running.
STARTING=0
stop_after_failure() {
  ((STARTING)) || return 0
  STARTING=0
  printf '[interop] stopping whatever this start had already started\n' >&2
  (trap - ERR; set +e; cmd_stop quiet) || true
}
on_err() {
  local rc=$? line=$1
  printf '[interop] ERROR: command failed (exit %s) at build/interop.sh line %s: %s\n' \
    "$rc" "$line" "$BASH_COMMAND" >&2
  tail_logs ${CURRENT_LOGS:-}
  stop_after_failure
  exit "$rc"
}
trap 'on_err $LINENO' ERR
CURRENT_LOGS=""

need_root() { [[ $(id -u) == 0 ]] || die "build/interop.sh $1 must run as root (it installs packages, chowns maildirs and starts daemons)"; }

# Is PID alive and does its command line / environment mention PATTERN? (never trust a bare PID)
pid_matches() {
  local pid=$1 pattern=$2
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  { tr '\0' '\n' <"/proc/$pid/cmdline"; tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" || true; } |
    grep -qF -- "$pattern"
}
read_pid() { [[ -r $1 ]] && tr -dc '0-9' <"$1" || true; }
# A zombie counts as gone: an exited daemon is reparented to PID 1, which may reap it late.
alive() { local st; st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) && [[ $st && $st != Z ]]; }
wait_gone() { # wait_gone PID SECONDS
  local i
  for ((i = 0; i < $2 * 20; i++)); do alive "$1" || return 0; sleep 0.05; done
  return 1
}
kill_verified() { # kill_verified NAME PID PATTERN
  local name=$1 pid=$2 pattern=$3
  pid_matches "$pid" "$pattern" || return 0
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 15; then
    say "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
  fi
}

# ---------------------------------------------------------------------------------- layout
# All data lives in artifacts/interop. The Dovecot mail, auth and Postfix delivery processes run
# as the unprivileged users mail/dovecot/postfix, so every directory above it must be
# searchable by them; if the checkout sits somewhere they can't enter (e.g. under /root), the
# data goes to /var/tmp/netcomm-interop-HASH and artifacts/interop becomes a symlink to it.
layout() {
  mkdir -p "$REPO_ROOT/artifacts"
  local hash
  hash=$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-10)
  if [[ -L $W_LINK ]]; then
    W=$(readlink -f "$W_LINK")
  elif [[ $(id -u) == 0 ]] && getent passwd mail >/dev/null &&
       ! runuser -u mail -- test -x "$REPO_ROOT/artifacts" 2>/dev/null; then
    W=/var/tmp/netcomm-interop-$hash
    mkdir -p "$W"
    rm -rf "$W_LINK"
    ln -s "$W" "$W_LINK"
  else
    W=$W_LINK
  fi
  LOG_DIR=$W/log
  TLS_DIR=$W/tls
  RUN_DIR=$W/run
  DOVECOT_DIR=$W/dovecot
  PF_DIR=$W/postfix
  PF_CONF=$PF_DIR/conf
  MAIL_DIR=$W/mail
  SRC_DIR=$W/mail-src
  DELIVERED_DIR=$W/delivered
  AIOSMTPD_DIR=$W/aiosmtpd
  ENV_FILE=$W/interop.env
  BIN_DIR=$W/bin   # copies of the scripts the daemons run (the checkout may be unreadable to them)
  # Unix socket paths are limited to 107 bytes, and Dovecot's base_dir and Postfix's queue
  # directory hold sockets (e.g. token-login/tokenlogin, private/interop-store). For a long
  # checkout path both move to /var/tmp/netcomm-interop-HASH.s, with symlinks left in place.
  DOVECOT_BASE_DIR=$DOVECOT_DIR/run
  PF_QUEUE=$PF_DIR/queue
  SOCK_ROOT=""
  if ((${#W} > 50)); then
    SOCK_ROOT=/var/tmp/netcomm-interop-$hash.s
    DOVECOT_BASE_DIR=$SOCK_ROOT/dovecot
    PF_QUEUE=$SOCK_ROOT/postfix-queue
  fi
  AUTH_SOCKET=$DOVECOT_BASE_DIR/auth-postfix
}

link_dir() { # link_dir TARGET LINK: LINK becomes a symlink to the directory TARGET
  mkdir -p "$1"
  [[ -L $2 ]] || rm -rf "$2"
  ln -sfn "$1" "$2"
}

# ---------------------------------------------------------------------------------- install
install_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    say "packages already installed: ${PACKAGES[*]}"
    return 0
  fi
  need_root install
  local log=$LOG_DIR/install.log
  CURRENT_LOGS=$log
  say "installing ${missing[*]} (log: $log)"
  # No questions, and no system-wide postfix configuration (hence no system postfix running).
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Keep the packages' own system services (the system-wide dovecot) from being started.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, created by NetComm build/interop.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  {
    apt-get update -q &&
    apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  } >>"$log" 2>&1 </dev/null || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get failed (exit $rc)" "$log"
  say "installed ${missing[*]}"
}

# ---------------------------------------------------------------------------------- TLS
make_certs() {
  mkdir -p "$TLS_DIR"
  if [[ -s $TLS_DIR/server-fullchain.pem && -s $TLS_DIR/server.key ]] &&
     openssl x509 -checkend 604800 -noout -in "$TLS_DIR/server.pem" >/dev/null 2>&1 &&
     openssl verify -CAfile "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" >/dev/null 2>&1; then
    say "reusing TLS certificates in $TLS_DIR"
    return 0
  fi
  say "creating a test CA and a server certificate for localhost / 127.0.0.1 in $TLS_DIR"
  local log=$LOG_DIR/openssl.log
  CURRENT_LOGS=$log
  (
    cd "$TLS_DIR"
    rm -f ./*.pem ./*.key ./*.csr ./*.srl ./*.ext
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -keyout ca.key -out ca.pem -subj "/O=NetComm/CN=NetComm Interop Test CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash"
    openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
      -subj "/O=NetComm/CN=localhost"
    cat >server.ext <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    openssl x509 -req -sha256 -days 825 -in server.csr -CA ca.pem -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 12)" -extfile server.ext -out server.pem
    cat server.pem ca.pem >server-fullchain.pem
    chmod 600 ca.key server.key
    chmod 644 ca.pem server.pem server-fullchain.pem
    rm -f server.csr server.ext
  ) >>"$log" 2>&1
  openssl verify -CAfile "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" >>"$log" 2>&1
}

# ---------------------------------------------------------------------------------- mail
make_mail() { # make_mail [MAILBOX...]
  local log=$LOG_DIR/make_mail.log args=()
  CURRENT_LOGS=$log
  ((BENCH)) && args+=(--bench)
  say "building maildirs${*:+ for $*} in $MAIL_DIR"
  "$PY" "$TPL/make_mail.py" --mail-dir "$MAIL_DIR" --src-dir "$SRC_DIR" \
    --uid "$MAIL_UID" --gid "$MAIL_GID" "${args[@]}" "$@" 2>&1 | tee -a "$log"
}

mailbox_intact() { # mailbox_intact NAME: maildir holds exactly the manifest's message count
  local want have
  want=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["count"])' \
    "$SRC_DIR/$1/manifest.json" 2>/dev/null) || return 1
  have=$(find "$MAIL_DIR/$1/cur" "$MAIL_DIR/$1/new" -type f 2>/dev/null | wc -l)
  [[ $want == "$have" ]]
}

mail_ids() {
  MAIL_UID=$(id -u mail) && MAIL_GID=$(id -g mail) ||
    die "the system user 'mail' is missing (it is part of Debian's base-passwd)"
}

# ---------------------------------------------------------------------------------- render
render() { # render TEMPLATE OUT
  INTEROP_LOG_DIR=$LOG_DIR INTEROP_TLS_DIR=$TLS_DIR INTEROP_WORK_DIR=$W \
  INTEROP_DOVECOT_DIR=$DOVECOT_DIR INTEROP_DOVECOT_BASE_DIR=$DOVECOT_BASE_DIR \
  INTEROP_DOVECOT_STATE_DIR=$DOVECOT_DIR/state INTEROP_DOVECOT_SSL_DH=$DOVECOT_SSL_DH \
  INTEROP_AUTH_SOCKET=$AUTH_SOCKET INTEROP_MAIL_DIR=$MAIL_DIR \
  INTEROP_MAIL_UID=$MAIL_UID INTEROP_MAIL_GID=$MAIL_GID \
  INTEROP_MAIL_USER=mail INTEROP_PYTHON=$PY INTEROP_BIN_DIR=$BIN_DIR INTEROP_PF_QUEUE=$PF_QUEUE \
  INTEROP_PF_DIR=$PF_DIR INTEROP_PF_CONF=$PF_CONF INTEROP_DELIVERED_DIR=$DELIVERED_DIR \
  INTEROP_POP3_PORT=$POP3_PORT INTEROP_POP3S_PORT=$POP3S_PORT \
  INTEROP_SMTP_PLAIN_PORT=$SMTP_PLAIN_PORT INTEROP_SMTP_SUBMISSION_PORT=$SMTP_SUBMISSION_PORT \
  INTEROP_SMTPS_PORT=$SMTPS_PORT \
    "$PY" "$TPL/helper.py" render "$1" "$2"
}

# ---------------------------------------------------------------------------------- start
start_dovecot() {
  local log=$LOG_DIR/dovecot.log conf=$DOVECOT_DIR/dovecot.conf u
  CURRENT_LOGS="$log $LOG_DIR/dovecot-start.log"
  mkdir -p "$DOVECOT_DIR/state"
  [[ $DOVECOT_BASE_DIR == "$DOVECOT_DIR/run" ]] || link_dir "$DOVECOT_BASE_DIR" "$DOVECOT_DIR/run"
  : >"$DOVECOT_DIR/users"
  for u in "${MAILBOXES[@]}"; do
    printf '%s:{PLAIN}%s::::::\n' "$u" "${PASSWORDS[$u]}" >>"$DOVECOT_DIR/users"
  done
  chmod 644 "$DOVECOT_DIR/users"
  DOVECOT_SSL_DH=""
  [[ -r /usr/share/dovecot/dh.pem ]] && DOVECOT_SSL_DH="ssl_dh = </usr/share/dovecot/dh.pem"
  render "$TPL/dovecot.conf.in" "$conf"
  doveconf -c "$conf" -n >"$DOVECOT_DIR/doveconf-n.txt" 2>"$LOG_DIR/dovecot-start.log" ||
    die "dovecot rejected $conf" "$LOG_DIR/dovecot-start.log"
  say "starting dovecot (POP3 127.0.0.1:$POP3_PORT, POP3S 127.0.0.1:$POP3S_PORT)"
  dovecot -c "$conf" >>"$LOG_DIR/dovecot-start.log" 2>&1 ||
    die "dovecot failed to start" "$LOG_DIR/dovecot-start.log" "$log"
}

# postfix(1) prints its errors only to a terminal (else to syslog, which may not exist, or to
# the instance's log, which runs only once postfix does): give it a pseudo-terminal.
pf() { script -qec "postfix -c '$PF_CONF' $*" /dev/null; }

start_postfix() {
  local log=$LOG_DIR/postfix.log
  CURRENT_LOGS="$LOG_DIR/postfix-start.log $log"
  mkdir -p "$PF_CONF" "$PF_QUEUE" "$PF_DIR/data" "$DELIVERED_DIR"
  [[ $PF_QUEUE == "$PF_DIR/queue" ]] || link_dir "$PF_QUEUE" "$PF_DIR/queue"
  chown "$MAIL_UID:$MAIL_GID" "$DELIVERED_DIR"
  chown postfix: "$PF_DIR/data"
  render "$TPL/postfix-main.cf.in" "$PF_CONF/main.cf"
  render "$TPL/postfix-master.cf.in" "$PF_CONF/master.cf"
  cp "$TPL/vmailbox.regexp" "$PF_CONF/vmailbox.regexp"
  : >"$LOG_DIR/postfix-start.log"
  # `check` creates the queue directories with the right owners.
  pf check >>"$LOG_DIR/postfix-start.log" 2>&1 ||
    die "postfix check failed for $PF_CONF" "$LOG_DIR/postfix-start.log"
  say "starting postfix (plain :$SMTP_PLAIN_PORT, submission :$SMTP_SUBMISSION_PORT, smtps :$SMTPS_PORT)"
  pf start >>"$LOG_DIR/postfix-start.log" 2>&1 ||
    die "postfix failed to start" "$LOG_DIR/postfix-start.log" "$log"
}

start_aiosmtpd() {
  local log=$LOG_DIR/aiosmtpd.log u
  CURRENT_LOGS=$log
  mkdir -p "$AIOSMTPD_DIR" "$RUN_DIR"
  : >"$RUN_DIR/aiosmtpd.users"
  for u in "${MAILBOXES[@]}"; do printf '%s:%s\n' "$u" "${PASSWORDS[$u]}" >>"$RUN_DIR/aiosmtpd.users"; done
  say "starting aiosmtpd (127.0.0.1:$AIOSMTPD_PORT, spool $AIOSMTPD_DIR)"
  rm -f "$RUN_DIR/aiosmtpd.pid"
  # The server writes aiosmtpd.pid itself once it listens; $! (the same process: setsid execs
  # in place when not a process group leader) covers a stop that comes before that.
  setsid "$PY" "$BIN_DIR/aiosmtpd_server.py" --host 127.0.0.1 --port "$AIOSMTPD_PORT" \
    --cert "$TLS_DIR/server-fullchain.pem" --key "$TLS_DIR/server.key" \
    --users "$RUN_DIR/aiosmtpd.users" --out "$AIOSMTPD_DIR" --pidfile "$RUN_DIR/aiosmtpd.pid" \
    >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/aiosmtpd.launch.pid"
}

write_env() {
  local tmp=$ENV_FILE.tmp u U
  {
    echo "# NetComm interop servers, written by build/interop.sh start at $(date -u +%FT%TZ)."
    echo "# Source it: . $ENV_FILE"
    echo "export NETCOMM_INTEROP_DIR='$W'"
    echo "export NETCOMM_INTEROP_SCRIPT='$SCRIPT_DIR/interop.sh'"
    echo "export NETCOMM_INTEROP_HOST=127.0.0.1"
    echo "export NETCOMM_INTEROP_TLS_HOST=localhost"
    echo "export NETCOMM_INTEROP_CA_CERT='$TLS_DIR/ca.pem'"
    echo "export NETCOMM_INTEROP_SERVER_CERT='$TLS_DIR/server.pem'"
    echo "export NETCOMM_INTEROP_POP3_PORT=$POP3_PORT"
    echo "export NETCOMM_INTEROP_POP3S_PORT=$POP3S_PORT"
    echo "export NETCOMM_INTEROP_SMTP_PLAIN_PORT=$SMTP_PLAIN_PORT"
    echo "export NETCOMM_INTEROP_SMTP_SUBMISSION_PORT=$SMTP_SUBMISSION_PORT"
    echo "export NETCOMM_INTEROP_SMTPS_PORT=$SMTPS_PORT"
    echo "export NETCOMM_INTEROP_AIOSMTPD_PORT=$AIOSMTPD_PORT"
    echo "export NETCOMM_INTEROP_MAIL_DOMAIN=$MAIL_DOMAIN"
    echo "export NETCOMM_INTEROP_DISCARD_DOMAIN=$DISCARD_DOMAIN"
    echo "export NETCOMM_INTEROP_AIOSMTPD_REJECT_DOMAIN=reject.test"
    echo "export NETCOMM_INTEROP_DELIVERED_DIR='$DELIVERED_DIR'"
    echo "export NETCOMM_INTEROP_AIOSMTPD_DIR='$AIOSMTPD_DIR'"
    echo "export NETCOMM_INTEROP_MAIL_DIR='$MAIL_DIR'"
    echo "export NETCOMM_INTEROP_MAIL_SRC_DIR='$SRC_DIR'"
    echo "export NETCOMM_INTEROP_LOG_DIR='$LOG_DIR'"
    echo "export NETCOMM_INTEROP_BENCH=$BENCH"
    for u in "${MAILBOXES[@]}"; do
      U=${u^^}
      echo "export NETCOMM_INTEROP_${U}_USER=$u"
      echo "export NETCOMM_INTEROP_${U}_PASS=${PASSWORDS[$u]}"
    done
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

cmd_start() {
  need_root start
  local t0=$SECONDS
  layout
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  cmd_stop quiet
  # Fresh logs for this run (the previous run's are kept in log/previous/; install.log grows).
  rm -rf "$LOG_DIR/previous" && mkdir -p "$LOG_DIR/previous"
  find "$LOG_DIR" -maxdepth 1 -type f ! -name install.log -exec mv -t "$LOG_DIR/previous" {} +
  install_packages
  mail_ids
  rm -f "$ENV_FILE"
  # Start from empty delivery spools, so a test sees only what was sent since `start`.
  mkdir -p "$DELIVERED_DIR" "$AIOSMTPD_DIR"
  find "$DELIVERED_DIR" "$AIOSMTPD_DIR" -mindepth 1 -delete
  make_certs
  local ports
  mapfile -t ports < <("$PY" "$TPL/helper.py" ports 6)
  ((${#ports[@]} == 6)) || die "could not pick free ports"
  POP3_PORT=${ports[0]} POP3S_PORT=${ports[1]} SMTP_PLAIN_PORT=${ports[2]}
  SMTP_SUBMISSION_PORT=${ports[3]} SMTPS_PORT=${ports[4]} AIOSMTPD_PORT=${ports[5]}
  local boxes=(alice bob big empty) b
  if ((BENCH)); then
    # The benchmark mailboxes are large and read-only in practice: build them only once.
    # (rebuilt if a benchmark deleted messages: the file count must match the manifest)
    for b in bench bench20m; do mailbox_intact "$b" || boxes+=("$b"); done
  fi
  make_mail "${boxes[@]}"
  rm -rf "$BIN_DIR" && mkdir -p "$BIN_DIR"
  cp "$TPL/aiosmtpd_server.py" "$TPL/postfix_store.py" "$BIN_DIR/"
  chmod 755 "$BIN_DIR" "$BIN_DIR"/*.py
  STARTING=1
  start_dovecot
  start_postfix
  start_aiosmtpd
  CURRENT_LOGS=""
  say "waiting for the ports to accept connections"
  if ! "$PY" "$TPL/helper.py" wait dovecot-pop3="$POP3_PORT" dovecot-pop3s="$POP3S_PORT" \
      postfix-plain="$SMTP_PLAIN_PORT" postfix-submission="$SMTP_SUBMISSION_PORT" \
      postfix-smtps="$SMTPS_PORT" aiosmtpd="$AIOSMTPD_PORT" 2>"$LOG_DIR/wait.log"; then
    local logs=()
    grep -q dovecot "$LOG_DIR/wait.log" && logs+=("$LOG_DIR/dovecot-start.log" "$LOG_DIR/dovecot.log")
    grep -q postfix "$LOG_DIR/wait.log" && logs+=("$LOG_DIR/postfix-start.log" "$LOG_DIR/postfix.log")
    grep -q aiosmtpd "$LOG_DIR/wait.log" && logs+=("$LOG_DIR/aiosmtpd.log")
    die "$(cat "$LOG_DIR/wait.log") within ${INTEROP_WAIT_SECONDS:-30} s" "${logs[@]}"
  fi
  [[ -S $AUTH_SOCKET ]] || die "dovecot did not create the SASL socket $AUTH_SOCKET" "$LOG_DIR/dovecot.log"
  write_env
  STARTING=0
  say "all servers up in $((SECONDS - t0)) s; $ENV_FILE:"
  grep '^export' "$ENV_FILE"
}

# ---------------------------------------------------------------------------------- stop
cmd_stop() {
  layout
  local quiet=${1:-} pid any=0
  [[ -d $W ]] || { [[ $quiet ]] || say "nothing to stop ($W does not exist)"; return 0; }
  # aiosmtpd: its command line names our script and our spool directory
  for pid in $(read_pid "$RUN_DIR/aiosmtpd.pid") $(read_pid "$RUN_DIR/aiosmtpd.launch.pid"); do
    if pid_matches "$pid" "$BIN_DIR/aiosmtpd_server.py" && pid_matches "$pid" "$AIOSMTPD_DIR"; then
      kill_verified aiosmtpd "$pid" "$AIOSMTPD_DIR"; any=1
    fi
  done
  rm -f "$RUN_DIR/aiosmtpd.pid" "$RUN_DIR/aiosmtpd.launch.pid"
  # postfix: its master runs with MAIL_CONFIG=<our config dir> in its environment
  pid=$(read_pid "$PF_QUEUE/pid/master.pid")
  if [[ $pid ]] && pid_matches "$pid" "MAIL_CONFIG=$PF_CONF"; then
    say "stopping postfix (pid $pid)"
    pf stop >>"$LOG_DIR/postfix-start.log" 2>&1 || true
    wait_gone "$pid" 15 || kill_verified postfix "$pid" "MAIL_CONFIG=$PF_CONF"
    any=1
  fi
  # dovecot: its master's command line names our config file
  pid=$(read_pid "$DOVECOT_BASE_DIR/master.pid")
  if [[ $pid ]] && pid_matches "$pid" "$DOVECOT_DIR/dovecot.conf"; then
    kill_verified dovecot "$pid" "$DOVECOT_DIR/dovecot.conf"; any=1
  fi
  rm -f "$ENV_FILE"
  if [[ -z $quiet ]]; then
    ((any)) && say "stopped" || say "nothing was running"
  fi
  return 0
}

# ---------------------------------------------------------------------------------- status
port_of() { [[ -r $ENV_FILE ]] && sed -n "s/^export NETCOMM_INTEROP_$1=//p" "$ENV_FILE" || true; }
show() { # show NAME PID PATTERN PORTVAR...
  local name=$1 pid=$2 pattern=$3 v p state; shift 3
  if [[ $pid ]] && pid_matches "$pid" "$pattern"; then state="running (pid $pid)"; else state="stopped"; fi
  printf '%-9s %s' "$name" "$state"
  for v in "$@"; do
    p=$(port_of "$v")
    [[ $p ]] || continue
    if "$PY" "$TPL/helper.py" probe "$p"; then printf '  %s=%s(up)' "$v" "$p"; else printf '  %s=%s(DOWN)' "$v" "$p"; fi
  done
  printf '\n'
  [[ $state == stopped ]] && return 1 || return 0
}
cmd_status() {
  layout
  local rc=0
  [[ $(id -u) == 0 ]] || echo "(not root: daemons' pid files and environments may be unreadable; ports are still probed)"
  show dovecot "$(read_pid "$DOVECOT_BASE_DIR/master.pid")" "$DOVECOT_DIR/dovecot.conf" POP3_PORT POP3S_PORT || rc=1
  show postfix "$(read_pid "$PF_QUEUE/pid/master.pid")" "MAIL_CONFIG=$PF_CONF" \
    SMTP_PLAIN_PORT SMTP_SUBMISSION_PORT SMTPS_PORT || rc=1
  local apid
  apid=$(read_pid "$RUN_DIR/aiosmtpd.pid")
  [[ $apid ]] || apid=$(read_pid "$RUN_DIR/aiosmtpd.launch.pid")
  show aiosmtpd "$apid" "$AIOSMTPD_DIR" AIOSMTPD_PORT || rc=1
  [[ -r $ENV_FILE ]] && echo "env file: $ENV_FILE" || echo "env file: none (not started)"
  return $rc
}

# ---------------------------------------------------------------------------------- main
cmd=${1:-}
shift || true
case $cmd in
  start) cmd_start ;;
  stop) need_root stop; cmd_stop ;;
  restart) cmd_start ;;
  status) cmd_status || exit 3 ;;   # 3: not (fully) running
  reset-mail)
    need_root reset-mail; layout; mkdir -p "$LOG_DIR"; mail_ids
    if (($# == 0)); then
      set -- alice bob big empty
      ((BENCH)) && set -- "$@" bench bench20m
    fi
    make_mail "$@" ;;
  clear-delivered)
    need_root clear-delivered; layout
    [[ -d $DELIVERED_DIR ]] && find "$DELIVERED_DIR" -mindepth 1 -delete
    [[ -d $AIOSMTPD_DIR ]] && find "$AIOSMTPD_DIR" -mindepth 1 -delete
    say "cleared $DELIVERED_DIR and $AIOSMTPD_DIR" ;;
  install) layout; mkdir -p "$LOG_DIR"; install_packages ;;
  env) layout; [[ -r $ENV_FILE ]] || die "not started ($ENV_FILE missing)"; cat "$ENV_FILE" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
     if [[ $cmd == -h || $cmd == --help || $cmd == help ]]; then exit 0; else exit 2; fi ;;
esac
