//! The activation scripts of a virtual environment (as CPython's `venv` writes them, for
//! belay-run's environments) and the `python` launchers that run belay-run with the environment.

/// `text` in POSIX sh single quotes.
pub(crate) fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `text` in fish single quotes.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `text` in PowerShell single quotes.
fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `bin/python` (and `python3`, `python3.X`): belay-run with `VIRTUAL_ENV` set to the
/// environment (a symbolic link would not do: belay-run finds itself through `/proc/self/exe`,
/// the real binary, and would not see the environment).
pub(crate) fn python_sh(venv: &str, belay_run: &str) -> String {
    format!(
        "#!/bin/sh\n# This environment's Python: belay-run with the environment active (belay-run venv).\n\
         VIRTUAL_ENV={}\nexport VIRTUAL_ENV\nexec {} \"$@\"\n",
        sh_quote(venv),
        sh_quote(belay_run)
    )
}

/// `Scripts\python.cmd` on Windows.
pub(crate) fn python_cmd(venv: &str, belay_run: &str) -> String {
    format!("@setlocal\r\n@set \"VIRTUAL_ENV={venv}\"\r\n@\"{belay_run}\" %*\r\n")
}

/// `bin/activate`, for sh, bash and zsh (`source bin/activate`; `deactivate`).
pub(crate) fn activate_sh(venv: &str, prompt: &str) -> String {
    let template = r#"# This file must be used with "source bin/activate" *from bash, zsh or sh*;
# it cannot be run directly. Made by belay-run venv.

deactivate () {
    if [ -n "${_OLD_VIRTUAL_PATH:-}" ] ; then
        PATH="${_OLD_VIRTUAL_PATH:-}"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "${_OLD_VIRTUAL_PYTHONHOME:-}" ] ; then
        PYTHONHOME="${_OLD_VIRTUAL_PYTHONHOME:-}"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    hash -r 2> /dev/null
    if [ -n "${_OLD_VIRTUAL_PS1:-}" ] ; then
        PS1="${_OLD_VIRTUAL_PS1:-}"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV
    unset VIRTUAL_ENV_PROMPT
    if [ ! "${1:-}" = "nondestructive" ] ; then
        unset -f deactivate
    fi
}

deactivate nondestructive

VIRTUAL_ENV=@VENV@
export VIRTUAL_ENV

_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/bin:$PATH"
export PATH

if [ -n "${PYTHONHOME:-}" ] ; then
    _OLD_VIRTUAL_PYTHONHOME="${PYTHONHOME:-}"
    unset PYTHONHOME
fi

VIRTUAL_ENV_PROMPT=@PROMPT@
export VIRTUAL_ENV_PROMPT
if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT:-}" ] ; then
    _OLD_VIRTUAL_PS1="${PS1:-}"
    PS1="${VIRTUAL_ENV_PROMPT}${PS1:-}"
    export PS1
fi

hash -r 2> /dev/null
"#;
    template
        .replace("@VENV@", &sh_quote(venv))
        .replace("@PROMPT@", &sh_quote(&format!("({prompt}) ")))
}

/// `bin/activate.fish` (`source bin/activate.fish`; `deactivate`).
pub(crate) fn activate_fish(venv: &str, prompt: &str) -> String {
    let template = r#"# This file must be used with "source bin/activate.fish" *from fish*; it cannot be
# run directly. Made by belay-run venv.

function deactivate -d "Leave the virtual environment"
    if test -n "$_OLD_VIRTUAL_PATH"
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if test -n "$_OLD_VIRTUAL_PYTHONHOME"
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end
    if test -n "$_OLD_FISH_PROMPT_OVERRIDE"
        set -e _OLD_FISH_PROMPT_OVERRIDE
        if functions -q _old_fish_prompt
            functions -e fish_prompt
            functions -c _old_fish_prompt fish_prompt
            functions -e _old_fish_prompt
        end
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != "nondestructive"
        functions -e deactivate
    end
end

deactivate nondestructive

set -gx VIRTUAL_ENV @VENV@
set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/bin" $PATH

if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

set -gx VIRTUAL_ENV_PROMPT @PROMPT@
if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    functions -c fish_prompt _old_fish_prompt
    function fish_prompt
        set -l old_status $status
        printf "%s%s%s" (set_color 4B8BBE) "$VIRTUAL_ENV_PROMPT" (set_color normal)
        echo "exit $old_status" | .
        _old_fish_prompt
    end
    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
"#;
    template
        .replace("@VENV@", &fish_quote(venv))
        .replace("@PROMPT@", &fish_quote(&format!("({prompt}) ")))
}

/// `Scripts\activate.bat` (cmd.exe).
pub(crate) fn activate_bat(venv: &str, prompt: &str) -> String {
    let lines = [
        "@echo off".to_string(),
        format!("set \"VIRTUAL_ENV={venv}\""),
        "if not defined PROMPT set PROMPT=$P$G".into(),
        "if defined _OLD_VIRTUAL_PROMPT set PROMPT=%_OLD_VIRTUAL_PROMPT%".into(),
        "if defined _OLD_VIRTUAL_PYTHONHOME set PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%".into(),
        "set _OLD_VIRTUAL_PROMPT=%PROMPT%".into(),
        format!("set \"PROMPT=({prompt}) %PROMPT%\""),
        "if defined PYTHONHOME set _OLD_VIRTUAL_PYTHONHOME=%PYTHONHOME%".into(),
        "set PYTHONHOME=".into(),
        "if defined _OLD_VIRTUAL_PATH set PATH=%_OLD_VIRTUAL_PATH%".into(),
        "if not defined _OLD_VIRTUAL_PATH set _OLD_VIRTUAL_PATH=%PATH%".into(),
        "set \"PATH=%VIRTUAL_ENV%\\Scripts;%PATH%\"".into(),
        format!("set \"VIRTUAL_ENV_PROMPT=({prompt}) \""),
    ];
    lines.map(|l| l + "\r\n").concat()
}

/// `Scripts\deactivate.bat`.
pub(crate) fn deactivate_bat() -> String {
    [
        "@echo off",
        "if defined _OLD_VIRTUAL_PROMPT set \"PROMPT=%_OLD_VIRTUAL_PROMPT%\"",
        "set _OLD_VIRTUAL_PROMPT=",
        "if defined _OLD_VIRTUAL_PYTHONHOME set \"PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%\"",
        "set _OLD_VIRTUAL_PYTHONHOME=",
        "if defined _OLD_VIRTUAL_PATH set \"PATH=%_OLD_VIRTUAL_PATH%\"",
        "set _OLD_VIRTUAL_PATH=",
        "set VIRTUAL_ENV=",
        "set VIRTUAL_ENV_PROMPT=",
    ]
    .map(|l| format!("{l}\r\n"))
    .concat()
}

/// `Scripts\Activate.ps1` (PowerShell; `deactivate`).
pub(crate) fn activate_ps1(venv: &str, prompt: &str) -> String {
    let template = r#"# Made by belay-run venv: `. Scripts\Activate.ps1`, then `deactivate`.
function global:deactivate ([switch]$NonDestructive) {
    if (Test-Path -Path Function:_OLD_VIRTUAL_PROMPT) {
        Copy-Item -Path Function:_OLD_VIRTUAL_PROMPT -Destination Function:prompt
        Remove-Item -Path Function:_OLD_VIRTUAL_PROMPT
    }
    if (Test-Path -Path Env:_OLD_VIRTUAL_PATH) {
        Copy-Item -Path Env:_OLD_VIRTUAL_PATH -Destination Env:PATH
        Remove-Item -Path Env:_OLD_VIRTUAL_PATH
    }
    if (Test-Path -Path Env:VIRTUAL_ENV) { Remove-Item -Path Env:VIRTUAL_ENV }
    if (Test-Path -Path Env:VIRTUAL_ENV_PROMPT) { Remove-Item -Path Env:VIRTUAL_ENV_PROMPT }
    if (-not $NonDestructive) { Remove-Item -Path Function:deactivate }
}

deactivate -NonDestructive

$env:VIRTUAL_ENV = @VENV@
$env:VIRTUAL_ENV_PROMPT = @PROMPT@
function global:_OLD_VIRTUAL_PROMPT { "" }
Copy-Item -Path Function:prompt -Destination Function:_OLD_VIRTUAL_PROMPT
function global:prompt {
    Write-Host -NoNewline -ForegroundColor Green $env:VIRTUAL_ENV_PROMPT
    _OLD_VIRTUAL_PROMPT
}
Copy-Item -Path Env:PATH -Destination Env:_OLD_VIRTUAL_PATH
$env:PATH = "$env:VIRTUAL_ENV\Scripts;$env:PATH"
"#;
    template
        .replace("@VENV@", &ps_quote(venv))
        .replace("@PROMPT@", &ps_quote(&format!("({prompt}) ")))
}
