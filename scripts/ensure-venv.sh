# Sourced by the scripts that need a pinned Python tool: defines ensure_venv.
#
# ensure_venv DIR REQUIREMENTS: creates the venv DIR from the pinned list REQUIREMENTS, unless DIR
# was already built from a list with the same content (its hash is kept in DIR), so a second call
# costs nothing. Uses $PYTHON, default python3.
ensure_venv() {
  local venv="$1" requirements="$2" stamp="$1/.requirements.sha256" wanted
  wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    return 0
  fi
  echo "installing $requirements into $venv" >&2
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 "$venv/bin/pip" install --quiet -r "$requirements"
  echo "$wanted" >"$stamp"
}
