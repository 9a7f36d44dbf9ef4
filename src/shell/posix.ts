/**
 * The bash and zsh integration: a function named `awsrole` that runs `use` and `unset` and
 * evaluates their output in the calling shell, and passes every other subcommand through.
 *
 * Rules it keeps (each one is a complaint about another tool):
 * - It never edits a file; the user's rc file holds the one `eval "$(awsrole init bash)"` line.
 * - It works under `set -eu`: `${1-}` for a missing argument, and a failing `use` returns its
 *   exit code instead of evaluating half an output (so `set -e` stops the script there).
 * - It works with any IFS: every expansion is quoted, and the output is evaluated as one string.
 * - It names its variables `__awsrole_*` and declares them `local`, so nothing leaks.
 * - `command awsrole` reaches the real program, never this function again.
 * - AWSROLE_SHELL tells the program that its stdout is evaluated: it picks the shell dialect,
 *   and `--help` goes to stderr instead of into the eval.
 */
export function posixInit(shell: 'bash' | 'zsh'): string {
  return `# awsrole shell integration for ${shell}. Load it with: eval "$(awsrole init ${shell})"
awsrole() {
  case "\${1-}" in
    use|unset)
      local __awsrole_code
      __awsrole_code="$(AWSROLE_SHELL=${shell} command awsrole "$@")" || return
      eval "$__awsrole_code"
      ;;
    *)
      command awsrole "$@"
      ;;
  esac
}
${shell === 'bash' ? BASH_COMPLETION : ZSH_COMPLETION}`;
}

// Completion asks the program (\`awsrole __complete\`), which reads profile names from the files
// with no network. The word being completed goes in --current= so that an empty one survives.
// The first line of the answer says what to offer (src/completion/run.ts): its values, or command
// or file names, which bash lists itself (\`compgen -c\`; readline's own file name completion).
// bash splits words at each character of COMP_WORDBREAKS, \`:\` among them (\`team:prod\` comes as
// \`team\`, \`:\`, \`prod\`): the loop glues back what no blank separates, so that the program sees
// whole words. compopt is bash 4; \`\${a[n-1]}\` rather than \`\${a[-1]}\` keeps bash 3 reading it.
const BASH_COMPLETION = `
_awsrole_complete() {
  local __awsrole_line="\${COMP_LINE:0:COMP_POINT}" __awsrole_word __awsrole_rest __awsrole_kind __awsrole_i __awsrole_n=0
  local -a __awsrole_words=()
  for ((__awsrole_i = 0; __awsrole_i <= COMP_CWORD; __awsrole_i++)); do
    __awsrole_word="\${COMP_WORDS[__awsrole_i]}"
    __awsrole_rest="\${__awsrole_line#"\${__awsrole_line%%[![:blank:]]*}"}"
    if ((__awsrole_n > 1)) && [[ "$__awsrole_rest" == "$__awsrole_line" ]] &&
      [[ "$__awsrole_word" == : || "\${__awsrole_words[__awsrole_n-1]}" == *: ]]; then
      __awsrole_words[__awsrole_n-1]+="$__awsrole_word"
    else
      __awsrole_words[__awsrole_n]="$__awsrole_word"
      ((__awsrole_n++))
    fi
    __awsrole_line="\${__awsrole_rest:\${#__awsrole_word}}"
  done
  COMPREPLY=()
  {
    IFS= read -r __awsrole_kind
    while IFS= read -r __awsrole_word; do
      COMPREPLY+=("$__awsrole_word")
    done
  } < <(command awsrole __complete --shell=bash "--current=\${__awsrole_words[__awsrole_n-1]}" -- "\${__awsrole_words[@]:1:__awsrole_n-2}" 2>/dev/null)
  case "$__awsrole_kind" in
    quoted-values)
      compopt -o filenames 2>/dev/null
      ;;
    commands)
      compopt -o filenames 2>/dev/null
      while IFS= read -r __awsrole_word; do
        COMPREPLY+=("$__awsrole_word")
      done < <(compgen -c -- "\${COMP_WORDS[COMP_CWORD]-}" | sort -u)
      ;;
    files)
      compopt -o default 2>/dev/null
      ;;
  esac
}
complete -F _awsrole_complete awsrole
`;

// The first line of the answer says what to offer: its values (compadd quotes them), or command
// or file names, listed by zsh's own completion functions. The word goes unquoted (\${(Q)…}).
// compdef exists only after compinit. When this line runs before compinit, register at the
// first prompt instead, by which time the rc file has run compinit (or never will).
const ZSH_COMPLETION = `
_awsrole() {
  local -a __awsrole_answer
  __awsrole_answer=("\${(@f)$(command awsrole __complete --shell=zsh "--current=\${(Q)PREFIX}" -- "\${(@Q)words[2,CURRENT-1]}" 2>/dev/null)}")
  case "\${__awsrole_answer[1]-}" in
    commands) _command_names -e ;;
    files) _files ;;
    *)
      __awsrole_answer=("\${(@)\${(@)__awsrole_answer[2,-1]}:#}")
      (( \${#__awsrole_answer} )) && compadd -- "\${(@)__awsrole_answer}"
      ;;
  esac
}
_awsrole_register_completion() {
  if (( \${+functions[compdef]} )); then
    compdef _awsrole awsrole
    add-zsh-hook -d precmd _awsrole_register_completion 2>/dev/null
  fi
}
autoload -Uz add-zsh-hook
if (( \${+functions[compdef]} )); then
  compdef _awsrole awsrole
else
  add-zsh-hook precmd _awsrole_register_completion
fi
`;
