# awsrole shell integration for PowerShell. Load it with:
#   awsrole init powershell | Out-String | Invoke-Expression
$global:AwsroleProgram = (Get-Command -Name awsrole -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source

function global:awsrole {
    if ($args.Count -gt 0 -and ($args[0] -eq 'use' -or $args[0] -eq 'unset')) {
        $previousShell = $env:AWSROLE_SHELL
        $env:AWSROLE_SHELL = 'powershell'
        try {
            $code = & $global:AwsroleProgram @args
            $status = $LASTEXITCODE
        } finally {
            $env:AWSROLE_SHELL = $previousShell
        }
        if ($status -ne 0) {
            $global:LASTEXITCODE = $status
            return
        }
        if ($code) {
            Invoke-Expression ($code -join [Environment]::NewLine)
        }
    } else {
        & $global:AwsroleProgram @args
    }
}

Register-ArgumentCompleter -Native -CommandName awsrole -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -ne '' -and $words.Count -gt 0) {
        $words = @($words | Select-Object -First ($words.Count - 1))
    }
    & $global:AwsroleProgram __complete "--current=$wordToComplete" -- @words 2>$null | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
