"""What headroom_run accepts: a declared argument policy per command, not a name check.

Each command has an allowlist of options (anything else is refused), knows which options and
positional arguments are paths, and may add arguments of its own (git's `--no-ext-diff`, rg's
`--no-config`). Every path is resolved against the command's working directory with symlinks
followed and must stay inside the roots. argv[0] is a bare name, looked up on a fixed PATH.

Commands that execute the project's own code (pytest, make, npm test) have no argument policy
worth the name, since the code they run can do anything; they are allowed only when listed in
HEADROOM_MCP_RUN_ALLOW_EXEC, and then run with every path-looking argument still checked.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from headroom_mcp.access import check_inside, check_path_text
from headroom_mcp.errors import AccessDenied, InvalidArgument
from headroom_mcp.secrets import secret_name_reason

Positional = Literal["paths", "pattern_paths", "revs_paths", "find", "any"]

# Repository config can name programs that git runs (diff drivers, textconv, fsmonitor,
# hooks, signature checkers, pagers); these switch off every one a read-only command reaches.
GIT_SAFE_CONFIG = (
    "core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=",
    "log.showSignature=false", "gpg.program=false", "gpg.ssh.program=false",
    "gpg.x509.program=false", "submodule.recurse=false", "diff.ignoreSubmodules=all",
    "core.untrackedCache=false", "core.sshCommand=false", "core.askPass=false",
    "credential.helper=", "protocol.allow=never",
)  # fmt: skip
GIT_GLOBAL_ARGS = ("--no-pager", *(a for pair in GIT_SAFE_CONFIG for a in ("-c", pair)))
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "GIT_NO_REPLACE_OBJECTS": "1",
}


@dataclass(frozen=True)
class CommandPolicy:
    """The options one command accepts, which arguments are paths, and what we add."""

    words: tuple[str, ...]
    flags: frozenset[str] = frozenset()  # options without a value
    valued: frozenset[str] = frozenset()  # options with a value: --opt=v, --opt v, -Xv, -X v
    optional: frozenset[str] = frozenset()  # value only when attached: --opt, --opt=v, -Xv
    path_valued: frozenset[str] = frozenset()  # valued options whose value is a path
    positional: Positional = "paths"
    numeric_shorthand: bool = False  # -5 means "5 of them" (git log -5, head -5)
    pattern_options: frozenset[str] = frozenset()  # given one, no positional is the pattern
    global_args: tuple[str, ...] = ()  # arguments inserted right after argv[0]
    added: tuple[str, ...] = ()  # arguments inserted right after the command words
    env: dict[str, str] = field(default_factory=dict)
    executes_project_code: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.words)


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DIFF_FLAGS = _set(
    "-p -u --patch -s --no-patch --raw --patch-with-raw --stat --shortstat --numstat "
    "--compact-summary --summary --name-only --name-status --full-index --binary --no-color "
    "--no-renames --text -a -w -b --ignore-all-space --ignore-space-change "
    "--ignore-space-at-eol --ignore-blank-lines --ignore-cr-at-eol --minimal --patience "
    "--histogram --color-words --no-prefix --check --function-context -W -R --cached --staged "
    "--merge-base --exit-code --quiet --irreversible-delete -D --no-indent-heuristic -z"
)
_DIFF_OPTIONAL = _set(
    "-U --unified -M --find-renames -C --find-copies -B --break-rewrites --dirstat --abbrev "
    "--word-diff --diff-filter --relative --color --ignore-submodules --stat-width "
    "--stat-count --diff-algorithm --src-prefix --dst-prefix --line-prefix --inter-hunk-context "
    "--output-indicator-new --output-indicator-old --output-indicator-context --submodule"
)
_DIFF_VALUED = _set("-S -G --find-object --anchored -l --pickaxe-regex")
_LOG_FLAGS = _DIFF_FLAGS | _set(
    "--oneline --graph --decorate --no-decorate --all --branches --tags --remotes --reverse "
    "--first-parent --no-merges --merges --abbrev-commit --no-abbrev-commit -i "
    "--regexp-ignore-case -E -F --extended-regexp --fixed-strings --all-match --invert-grep "
    "--pretty --follow --full-diff --topo-order --date-order --author-date-order --cc -c -m "
    "--left-right --cherry-pick --cherry-mark --boundary --ancestry-path "
    "--simplify-by-decoration --source --no-walk --walk-reflogs -g --parents --children "
    "--full-history --dense --sparse --show-pulls --relative-date --no-notes --log-size"
)
_LOG_VALUED = _DIFF_VALUED | _set(
    "-n --max-count --skip --since --until --after --before --author --committer --grep "
    "--min-parents --max-parents -L"
)
_LOG_OPTIONAL = _DIFF_OPTIONAL | _set("--format --pretty --decorate --date --no-walk")
_GIT_ADDED = ("--no-ext-diff", "--no-textconv")


def _git(
    sub: str,
    flags: frozenset[str],
    valued: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
    path_valued: frozenset[str] = frozenset(),
    *,
    numeric_shorthand: bool = False,
    added: tuple[str, ...] = _GIT_ADDED,
) -> CommandPolicy:
    """git <sub>, reading only: no global options, safe config, revisions or paths after."""
    return CommandPolicy(
        ("git", sub), flags=flags, valued=valued, optional=optional, path_valued=path_valued,
        positional="revs_paths", numeric_shorthand=numeric_shorthand,
        global_args=GIT_GLOBAL_ARGS, added=added, env=GIT_ENV,
    )  # fmt: skip


POLICIES: dict[str, CommandPolicy] = {
    p.name: p
    for p in (
        CommandPolicy(
            ("rg",),
            flags=_set(
                "-i -s -S -v -w -x -c -l -n -N -o -q -u -F -P -U -H -I -a -0 --no-heading "
                "--heading --hidden --no-ignore --no-ignore-vcs --no-ignore-parent --count "
                "--count-matches --files --files-with-matches --files-without-match --json "
                "--vimgrep --line-number --no-line-number --column --no-column --trim "
                "--smart-case --case-sensitive --ignore-case --fixed-strings --word-regexp "
                "--line-regexp --invert-match --only-matching --multiline --multiline-dotall "
                "--no-messages --stats --with-filename --no-filename --byte-offset --crlf "
                "--null --null-data --pcre2 --no-unicode --text --binary --type-list "
                "--passthru --include-zero --one-file-system --no-require-git --quiet"
            ),
            valued=_set(
                "-e --regexp -g --glob --iglob -t --type -T --type-not -m --max-count -A -B -j "
                "-C --after-context --before-context --context -d --max-depth --max-filesize "
                "-M --max-columns --sort --sortr -r --replace -E --encoding --threads "
                "--context-separator --field-match-separator --field-context-separator "
                "--path-separator --color --colors --engine --type-add --regex-size-limit "
                "--dfa-size-limit"
            ),
            path_valued=_set("-f --file --ignore-file"),
            pattern_options=_set("-e --regexp -f --file --files --type-list"),
            positional="pattern_paths",
            added=("--no-config",),
        ),
        CommandPolicy(
            ("grep",),
            flags=_set(
                "-i -y -v -w -x -c -l -L -n -h -H -o -q -s -r -E -F -G -P -z -Z -a -I -U -T -b "
                "--ignore-case --no-ignore-case --invert-match --word-regexp --line-regexp "
                "--count --files-with-matches --files-without-match --line-number "
                "--no-filename --with-filename --only-matching --quiet --silent --no-messages "
                "--recursive --extended-regexp --fixed-strings --basic-regexp --perl-regexp "
                "--null-data --null --text --initial-tab --byte-offset --line-buffered"
            ),
            valued=_set(
                "-e --regexp -m --max-count -A -B -C --after-context --before-context "
                "--context --include --exclude --exclude-dir --label --binary-files --color "
                "--colour"
            ),
            path_valued=_set("-f --file --exclude-from"),
            pattern_options=_set("-e --regexp -f --file"),
            positional="pattern_paths",
            numeric_shorthand=True,
        ),
        CommandPolicy(("find",), positional="find"),
        CommandPolicy(
            ("ls",),
            flags=_set(
                "-l -a -A -h -R -1 -t -S -r -d -F -p -i -s -n -g -o -G -U -X -v -c -u "
                "--all --almost-all --human-readable --recursive --reverse --directory "
                "--classify --inode --size --numeric-uid-gid --no-group --full-time"
            ),
            valued=_set("--sort --time --time-style --format --block-size -I --ignore"),
        ),
        CommandPolicy(
            ("wc",),
            flags=_set("-l -w -c -m -L --lines --words --bytes --chars --max-line-length"),
        ),
        CommandPolicy(
            ("head",),
            flags=_set("-q -v -z --quiet --silent --verbose --zero-terminated"),
            valued=_set("-n -c --lines --bytes"),
            numeric_shorthand=True,
        ),
        CommandPolicy(
            ("tail",),
            flags=_set("-q -v -z --quiet --silent --verbose --zero-terminated"),
            valued=_set("-n -c --lines --bytes"),
            numeric_shorthand=True,
        ),
        _git(
            "log",
            flags=_LOG_FLAGS,
            valued=_LOG_VALUED,
            optional=_LOG_OPTIONAL,
            numeric_shorthand=True,
        ),
        _git(
            "show",
            flags=_LOG_FLAGS,
            valued=_LOG_VALUED,
            optional=_LOG_OPTIONAL,
        ),
        _git("diff", flags=_DIFF_FLAGS, valued=_DIFF_VALUED, optional=_DIFF_OPTIONAL),
        _git(
            "status",
            flags=_set(
                "-s --short -b --branch --long --porcelain --show-stash -v --verbose "
                "--ignored --no-renames -z --ahead-behind --no-ahead-behind"
            ),
            optional=_set("-u --untracked-files --find-renames -M --column --no-column"),
            added=(),
        ),
        _git(
            "grep",
            flags=_set(
                "-i -v -w -n -l -L -c -h -H -o -q -E -F -G -P -I -a -z --ignore-case "
                "--invert-match --word-regexp --line-number --column --files-with-matches "
                "--name-only --files-without-match --count --no-filename --full-name "
                "--only-matching --quiet --extended-regexp --fixed-strings --basic-regexp "
                "--perl-regexp --text --cached --untracked --no-exclude-standard "
                "--exclude-standard --heading --break --show-function -p --all-match "
                "--and --or --not"
            ),
            valued=_set(
                "-e -m --max-count -A -B -C --after-context --before-context --context "
                "--max-depth --threads"
            ),
            path_valued=_set("-f"),
            added=("--no-textconv",),
        ),
        _git(
            "blame",
            flags=_set(
                "-b -l -t -s -e -w -p -c -n -f --root --show-stats --porcelain "
                "--line-porcelain --incremental --show-name --show-number --show-email "
                "--minimal --progress --no-progress --score-debug"
            ),
            valued=_set("-L --since --abbrev --ignore-rev --date"),
            optional=_set("-M -C"),
            added=("--no-textconv",),
        ),
        CommandPolicy(("pytest",), positional="any", executes_project_code=True),
        CommandPolicy(("make",), positional="any", executes_project_code=True),
        CommandPolicy(("npm", "test"), positional="any", executes_project_code=True),
    )
}

FIND_TESTS_WITH_VALUE = _set(
    "-name -iname -path -ipath -wholename -iwholename -regex -iregex -type -xtype -maxdepth "
    "-mindepth -size -mtime -mmin -atime -amin -ctime -cmin -perm -user -group -uid -gid "
    "-links -printf -regextype -inum -used"
)
FIND_TESTS_WITH_PATH = _set("-newer -anewer -cnewer -samefile")
FIND_WORDS = _set(
    "-print -print0 -ls -prune -not ! -a -and -o -or ( ) , -empty -readable -writable "
    "-executable -true -false -depth -d -nouser -nogroup -xdev -mount -noleaf -quit -P -daystart"
)
# -exec and friends run programs, -delete and -fprint* write; -L and -follow follow links.
FIND_REFUSED = _set(
    "-exec -execdir -ok -okdir -delete -fprint -fprint0 -fprintf -fls -L -follow -H"
)


@dataclass(frozen=True)
class CheckedCommand:
    """A command that passed its policy: the argv to execute and what to add to its env."""

    policy: CommandPolicy
    argv: list[str]
    env: dict[str, str]


def supported_commands() -> str:
    plain = [n for n, p in POLICIES.items() if not p.executes_project_code]
    return ", ".join(plain)


def policy_for(
    argv: Sequence[str], allow: Sequence[str], allow_exec: Sequence[str]
) -> CommandPolicy:
    """The policy of the allowed command argv starts with; AccessDenied otherwise."""
    if "/" in argv[0] or argv[0] in ("", ".", ".."):
        raise AccessDenied(
            f'argv[0] must be a bare command name such as "rg", not {argv[0]!r}: commands are '
            "looked up on headroom's fixed PATH (HEADROOM_MCP_RUN_PATH), never by path."
        )
    for entry in (*allow, *allow_exec):
        words = tuple(entry.split())
        if tuple(argv[: len(words)]) != words:
            continue
        policy = POLICIES.get(" ".join(words))
        if policy is None:
            raise AccessDenied(
                f"{entry!r} is in the allowlist but headroom has no argument policy for it, so "
                f"it cannot run. Commands with a policy: {supported_commands()}; and, through "
                "HEADROOM_MCP_RUN_ALLOW_EXEC, pytest, make, npm test."
            )
        if policy.executes_project_code and entry not in allow_exec:
            raise AccessDenied(
                f"{entry!r} runs the project's own code (conftest.py, Makefile, package "
                "scripts), so it must be listed in HEADROOM_MCP_RUN_ALLOW_EXEC, not "
                "HEADROOM_MCP_RUN_ALLOW. Ask the user to do so only if they trust this project."
            )
        return policy
    allowed = ", ".join((*allow, *allow_exec))
    two_words = any(len(p.words) > 1 and p.words[0] == argv[0] for p in POLICIES.values())
    shown = " ".join(argv[: 2 if two_words else 1])
    raise AccessDenied(
        f"{shown!r} is not allowed: headroom_run may run only {allowed} (HEADROOM_MCP_RUN_ALLOW)."
    )


def ensure_enabled(allow: Sequence[str], allow_exec: Sequence[str]) -> None:
    if not allow and not allow_exec:
        raise AccessDenied(
            "headroom_run is off. To enable it, the user sets HEADROOM_MCP_RUN_ALLOW to the "
            'commands it may run, e.g. "rg,grep,git log,git diff,git show,ls,find".'
        )


def check_argv(
    argv: Sequence[str],
    allow: Sequence[str],
    allow_exec: Sequence[str],
    cwd: Path,
    roots: Sequence[Path],
) -> CheckedCommand:
    """Check argv against its command's policy; the argv to run, with our additions.

    Raises:
        InvalidArgument: argv is not a non-empty list of strings.
        AccessDenied: the command, an option or a path is not allowed.
    """
    if not isinstance(argv, list | tuple) or not argv or not all(isinstance(a, str) for a in argv):
        raise InvalidArgument(
            'argv must be a non-empty list of strings, e.g. ["rg", "-n", "TODO"].'
        )
    for arg in argv:
        if "\x00" in arg:
            raise InvalidArgument("An argument contains a NUL character; remove it.")
    ensure_enabled(allow, allow_exec)
    policy = policy_for(argv, allow, allow_exec)
    args = list(argv[len(policy.words) :])
    paths = _ArgPaths(cwd, roots, policy.name)
    if policy.positional == "any":
        _check_exec_args(args, paths)
    elif policy.positional == "find":
        _check_find(args, paths)
    else:
        _check_options(policy, args, paths)
    full = [argv[0], *policy.global_args, *policy.words[1:], *policy.added, *args]
    return CheckedCommand(policy, full, dict(policy.env))


def git_filter_overrides(git: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """`-c filter.X.clean=` (and smudge, process) for every filter driver the repository's
    config defines: `git diff` and `git status` would run them on work-tree files."""
    try:
        done = subprocess.run(
            [git, *GIT_GLOBAL_ARGS, "config", "--name-only", "--get-regexp", r"^filter\."],
            cwd=cwd, env=env, capture_output=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    drivers = {
        line.rsplit(".", 1)[0] for line in done.stdout.decode("utf-8", "replace").splitlines()
    }
    out: list[str] = []
    for driver in sorted(drivers):
        for key in ("clean", "smudge", "process"):
            out += ["-c", f"{driver}.{key}="]
        out += ["-c", f"{driver}.required=false"]
    return out


@dataclass(frozen=True)
class _ArgPaths:
    cwd: Path
    roots: Sequence[Path]
    command: str

    def strict(self, text: str) -> None:
        """A path argument: must resolve (symlinks followed) inside the roots, not a secret."""
        check_path_text(text)
        check_inside(self.cwd / Path(text).expanduser(), self.roots, shown=text)
        reason = secret_name_reason(Path(os.path.realpath(self.cwd / text)))
        reason = reason or secret_name_reason(Path(text))
        if reason:
            raise AccessDenied(
                f"{self.command}: refusing the path {text!r}: {reason}, so it may hold "
                "credentials. Use headroom_read, which checks secrets (HEADROOM_MCP_ALLOW_SECRETS)."
            )

    def lenient(self, text: str) -> None:
        """An argument that may be a path or something else (a pattern, a git revision): it is
        checked as a path when it is absolute, climbs with `..`, or names something that
        exists."""
        if not text or text.startswith("-"):
            return
        candidate = self.cwd / Path(text).expanduser()
        if text.startswith(("/", "~")) or ".." in Path(text).parts or os.path.lexists(candidate):
            self.strict(text)


def _check_options(policy: CommandPolicy, args: list[str], paths: _ArgPaths) -> None:
    positionals: list[str] = []
    pattern_given = False
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positionals.extend(args[i:])
            break
        if not arg.startswith("-") or arg == "-":
            positionals.append(arg)
            continue
        if policy.numeric_shorthand and arg[1:].isdigit():
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if name in policy.flags and not eq:
                option_value = None
            elif name in policy.optional:
                option_value = value if eq else None
            elif name in policy.valued or name in policy.path_valued:
                if not eq:
                    if i >= len(args):
                        raise AccessDenied(f"{policy.name}: {name} needs a value.")
                    value = args[i]
                    i += 1
                option_value = value
            else:
                raise _refused_option(policy, name)
            pattern_given |= name in policy.pattern_options
            if name in policy.path_valued and option_value is not None:
                paths.strict(option_value)
            continue
        j = 1
        while j < len(arg):
            name = "-" + arg[j]
            rest = arg[j + 1 :]
            if name in policy.flags:
                pattern_given |= name in policy.pattern_options
                j += 1
                continue
            if name in policy.optional:
                option_value = rest or None
            elif name in policy.valued or name in policy.path_valued:
                if rest:
                    option_value = rest
                elif i < len(args):
                    option_value = args[i]
                    i += 1
                else:
                    raise AccessDenied(f"{policy.name}: {name} needs a value.")
            else:
                raise _refused_option(policy, name)
            pattern_given |= name in policy.pattern_options
            if name in policy.path_valued and option_value is not None:
                paths.strict(option_value)
            break
    if policy.positional == "pattern_paths" and positionals and not pattern_given:
        paths.lenient(positionals.pop(0))
    for arg in positionals:
        if policy.positional == "revs_paths":
            paths.lenient(arg)
        else:
            paths.strict(arg)


def _refused_option(policy: CommandPolicy, name: str) -> AccessDenied:
    return AccessDenied(
        f"{policy.name}: the option {name!r} is not allowed. headroom_run accepts only options "
        "that read (no writing files, no running other programs, no following links out of "
        "the roots); see docs/tools.md for each command's list. Run it without that option."
    )


def _check_find(args: list[str], paths: _ArgPaths) -> None:
    i = 0
    while i < len(args) and not args[i].startswith(("-", "(", "!", ")", ",")):
        paths.strict(args[i])
        i += 1
    while i < len(args):
        word = args[i]
        i += 1
        if word in FIND_REFUSED or word.startswith(("-fprint", "-exec", "-ok")):
            raise AccessDenied(
                f"find: {word!r} is not allowed: it runs programs, writes files or follows "
                "links out of the roots. Use -print, -ls or -printf to list what matches."
            )
        if word in FIND_WORDS:
            continue
        if (
            word in FIND_TESTS_WITH_VALUE
            or word in FIND_TESTS_WITH_PATH
            or word.startswith("-newer")
        ):
            if i >= len(args):
                raise AccessDenied(f"find: {word} needs a value.")
            if word in FIND_TESTS_WITH_PATH or (word.startswith("-newer") and word[-1] != "t"):
                paths.strict(args[i])
            i += 1
            continue
        raise AccessDenied(
            f"find: {word!r} is not an expression headroom_run allows. Allowed tests: "
            f"{' '.join(sorted(FIND_TESTS_WITH_VALUE | FIND_TESTS_WITH_PATH))}; actions: "
            "-print, -print0, -ls, -printf, -prune, -quit."
        )


def _check_exec_args(args: list[str], paths: _ArgPaths) -> None:
    """pytest, make, npm test: the code they run is trusted by the user's opt-in; arguments
    that look like paths (also as --opt=value) must still stay inside the roots."""
    for arg in args:
        values = [arg, arg.partition("=")[2]] if "=" in arg else [arg]
        for value in values:
            paths.lenient(value.split("::", 1)[0])
