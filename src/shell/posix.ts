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
const BASH_COMPLETION = `
_awsrole_complete() {
  local __awsrole_line
  COMPREPLY=()
  while IFS= read -r __awsrole_line; do
    COMPREPLY+=("$__awsrole_line")
  done < <(command awsrole __complete "--current=\${COMP_WORDS[COMP_CWORD]-}" -- "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
}
complete -F _awsrole_complete awsrole
`;

// compdef exists only after compinit. When this line runs before compinit, register at the
// first prompt instead, by which time the rc file has run compinit (or never will).
const ZSH_COMPLETION = `
_awsrole() {
  local -a __awsrole_candidates
  __awsrole_candidates=("\${(@f)$(command awsrole __complete "--current=\${words[CURRENT]}" -- "\${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
  __awsrole_candidates=("\${(@)__awsrole_candidates:#}")
  (( \${#__awsrole_candidates} )) && compadd -- "\${(@)__awsrole_candidates}"
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
