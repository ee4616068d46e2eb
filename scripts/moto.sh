# shellcheck shell=bash
# The AWS emulator for tests and the benchmark: moto_server from PyPI, pinned in
# scripts/moto-requirements.txt, installed into .venv-moto/ (gitignored) when missing or
# out of date, started on a free loopback port and stopped when the calling script exits.
# Source this file, then call moto_start. It exports:
#   FERRY_TEST_MOTO_URL     the server's URL (tests seed per test in their own account)
#   FERRY_TEST_MOTO_PYTHON  the venv's python, with boto3, for scripts/moto_seed.py
#   FERRY_TEST_AWS_CLI      the venv's AWS CLI (the benchmark's peer)

MOTO_VENV="${MOTO_VENV:-$PWD/.venv-moto}"
MOTO_REQUIREMENTS="$PWD/scripts/moto-requirements.txt"

moto_install() {
    if [ -x "$MOTO_VENV/bin/moto_server" ] && cmp -s "$MOTO_REQUIREMENTS" "$MOTO_VENV/.requirements"; then
        return 0
    fi
    echo "==> installing moto (pinned, scripts/moto-requirements.txt) into ${MOTO_VENV#"$PWD"/}"
    local python
    python="$(command -v python3 || command -v python)" || {
        echo "error: python3 is needed to install moto_server (the AWS emulator)" >&2
        return 1
    }
    rm -rf "$MOTO_VENV"
    "$python" -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$MOTO_REQUIREMENTS"
    cp "$MOTO_REQUIREMENTS" "$MOTO_VENV/.requirements"
}

moto_stop() {
    if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
    MOTO_PID=""
}

moto_start() {
    moto_install
    local port log
    port="$("$MOTO_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p target
    log="$PWD/target/moto_server.log"
    "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    MOTO_PID=$!
    trap moto_stop EXIT
    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
        if "$MOTO_VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('$url/moto-api/', timeout=1)" 2>/dev/null; then
            export FERRY_TEST_MOTO_URL="$url"
            export FERRY_TEST_MOTO_PYTHON="$MOTO_VENV/bin/python"
            export FERRY_TEST_AWS_CLI="$MOTO_VENV/bin/aws"
            echo "==> moto_server $("$MOTO_VENV/bin/python" -c 'import moto; print(moto.__version__)') on $url (log: target/moto_server.log)"
            return 0
        fi
        if ! kill -0 "$MOTO_PID" 2>/dev/null; then break; fi
        sleep 0.2
    done
    echo "error: moto_server did not start; see target/moto_server.log" >&2
    cat "$log" >&2 || true
    return 1
}
