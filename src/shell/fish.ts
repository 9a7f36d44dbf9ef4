/**
 * The fish integration: a function named `awsrole` that sources the output of `use` and `unset`
 * in the calling shell and passes every other subcommand through, and its completion.
 * `command awsrole` reaches the program, never the function again; a failing `use` returns its
 * exit code and sources nothing. AWSROLE_SHELL tells the program its stdout is sourced.
 */
export function fishInit(): string {
  return `# awsrole shell integration for fish. Load it with: awsrole init fish | source
function awsrole --description 'Switch AWS roles in this shell'
    switch "$argv[1]"
        case use unset
            # A pipe, not a command substitution: fish would not redirect the stderr of one
            # (\`awsrole use x 2>/dev/null\`). awsrole prints nothing on stdout when it fails.
            AWSROLE_SHELL=fish command awsrole $argv | source
            return $pipestatus[1]
        case '*'
            command awsrole $argv
    end
end

# The word being completed goes in --current= (unquoted) so that an empty one survives as an
# argument. The first line of the answer says what to offer: its values, or command or file
# names, which fish lists itself.
function __awsrole_complete
    set -l __awsrole_words (commandline -opc)
    set -l __awsrole_current (commandline -ct | string unescape)
    set -l __awsrole_answer (command awsrole __complete --shell=fish "--current=$__awsrole_current" -- $__awsrole_words[2..-1] 2>/dev/null)
    switch "$__awsrole_answer[1]"
        case commands
            __fish_complete_command
        case files
            __fish_complete_path "$__awsrole_current"
        case values
            set -q __awsrole_answer[2]; and printf '%s\\n' $__awsrole_answer[2..-1]
    end
end
complete -c awsrole -f -a '(__awsrole_complete)'
`;
}
