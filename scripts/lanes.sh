# The Home Assistant lanes the tests run in; sourced by scripts/setup, scripts/test, scripts/lint.
#
#   oldest  Home Assistant 2025.4.4 (the minimum hacs.json promises), Python 3.13, .venv
#   newest  Home Assistant 2026.10.4 (what the newest test harness pins), Python 3.14, .venv-newest
#   latest  Home Assistant 2026.11.0 (the newest release, with a small harness shim), .venv-latest
#
# `--ha newest` means newest and latest: both are the Home Assistant households run today.
#
# With the oldest lane comes the oldest Python the satellite promises: 3.11, what Raspberry Pi
# OS bookworm ships (`py311`). Home Assistant does not run there, so its venv (.venv-py311)
# holds the programs alone, and the satellite's tests run in it, natively.

lanes_for() {  # "" | "--ha NAME"  ->  the lanes to set up or test
  case "${1:-}:${2:-}" in
    :) echo "oldest newest latest" ;;
    --ha:all) echo "oldest newest latest" ;;
    --ha:oldest) echo "oldest" ;;
    --ha:newest) echo "newest latest" ;;
    --ha:latest) echo "latest" ;;
    *)
      echo "usage: $0 [--ha oldest|newest|latest|all]" >&2
      return 2
      ;;
  esac
}

lane_venv() {  # LANE -> the venv's path (the same inside a private root: the checkout is
  # bind-mounted at its own path there)
  case "$1" in
    oldest) echo "$PWD/.venv" ;;
    *) echo "$PWD/.venv-$1" ;;
  esac
}

lane_programs() {  # LANE -> the venv the engine and the satellite run in, inside the lane's:
  # their own pins (requirements/programs.txt) and this project, then the lane's libraries.
  # scripts/setup links its commands (indoor-voice-engine, indoor-voice-satellite) into the
  # lane's venv; everything else reaches the programs through those commands.
  echo "$(lane_venv "$1")/programs"
}

lane_version_check() {  # LANE -> Python code that exits 0 in the lane's interpreter
  case "$1" in
    oldest) echo 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' ;;
    *) echo 'import sys; sys.exit(sys.version_info < (3, 14, 2))' ;;
  esac
}

lane_run() {  # LANE CMD...: run CMD where the lane's Python lives
  local lane=$1
  shift
  case "$lane" in
    oldest | py311) "$@" ;;
    *) scripts/python314 run "$@" ;;
  esac
}

lane_base_python() {  # LANE -> the interpreter a newest lane's venv is made from
  local where
  where=$(scripts/python314 find) || return 1
  case "$where" in
    "host "*) echo "${where#host }" ;;
    *) echo python3 ;;  # inside the private root
  esac
}
